// Starts Swagger UI for /api/docs; kept in a file so the page needs no inline script (CSP).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.getElementById("swagger-ui").dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: false,  // its links inside the operation buttons nest interactive controls (axe)
  });
});
