// socialmaturity: small enhancements over pages that work without JavaScript. A file of its
// own, so the pages need no inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  // -- answers that exclude each other --------------------------------------------------------
  // "None of these", "Don't know" and "Not applicable" (data-exclusive) clear every other box
  // of their question; ticking another box clears them; a ticked special disables the number.

  function syncNumber(group) {
    var number = group.querySelector("input[type=number]");
    if (!number) return;
    var special = group.querySelector("input[data-exclusive]:checked");
    if (special) {
      number.value = "";
      number.disabled = true;
    } else {
      number.disabled = false;
    }
  }

  function exclusive(event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    var group = input.closest("fieldset.question");
    if (!group) return;
    if (input.type === "checkbox" && input.checked) {
      var boxes = group.querySelectorAll("input[type=checkbox]");
      for (var i = 0; i < boxes.length; i++) {
        var other = boxes[i];
        if (other === input || !other.checked) continue;
        if (input.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive")) {
          other.checked = false;
        }
      }
    }
    syncNumber(group);
  }

  // capture: runs before htmx (listening on the fieldset) reads the values it sends
  document.addEventListener("change", exclusive, true);
  document.addEventListener("DOMContentLoaded", function () {
    var groups = document.querySelectorAll("fieldset.question");
    for (var i = 0; i < groups.length; i++) syncNumber(groups[i]);
    copyButtons();
  });

  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.readOnly && field.classList.contains("link-text")) {
      field.select();
    }
  });

  // -- saving one answer with htmx ------------------------------------------------------------
  // The status line says nothing while a save is under way; a refused answer (422) shows its
  // message inside the question (htmx's responseHandling swaps 422, see base.html) and marks
  // the question; an accepted one clears the mark.

  document.addEventListener("htmx:beforeRequest", function (event) {
    var group = event.detail.elt;
    if (!group.matches || !group.matches("fieldset.question")) return;
    var status = group.querySelector(".status");
    if (status) status.textContent = "";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var group = event.detail.elt;
    if (!group.matches || !group.matches("fieldset.question")) return;
    var refused = event.detail.xhr && event.detail.xhr.status === 422;
    group.classList.toggle("has-error", refused);
    var fields = group.querySelectorAll("input");
    for (var i = 0; i < fields.length; i++) {
      if (refused) fields[i].setAttribute("aria-invalid", "true");
      else fields[i].removeAttribute("aria-invalid");
    }
    if (!refused) {
      var old = group.querySelector("p.error");
      if (old) old.remove();
    }
  });

  // -- the page's own form waits for the answers on their way -----------------------------------
  // "Save and continue" posts every answer of the page; an htmx save still under way could
  // reach the server after it and put back an older answer. So the form is sent once no
  // save is in flight (at most after three seconds).

  var inflight = 0;
  var waiting = null;

  function settle() {
    inflight = Math.max(0, inflight - 1);
    if (inflight === 0 && waiting) {
      var w = waiting;
      waiting = null;
      clearTimeout(w.timer);
      w.form.requestSubmit(w.submitter || undefined);
    }
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    if (event.detail.elt.matches && event.detail.elt.matches("fieldset.question")) inflight++;
  });
  ["htmx:afterRequest", "htmx:sendAbort"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.detail.elt.matches && event.detail.elt.matches("fieldset.question")) settle();
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.questions") || inflight === 0 || waiting) return;
    event.preventDefault();
    waiting = {form: form, submitter: event.submitter, timer: setTimeout(function () {
      inflight = 1;
      settle();
    }, 3000)};
  });

  // -- copy a link ----------------------------------------------------------------------------
  // A button[data-copy] names the link (an <a>, or a readonly <input> holding the address as
  // text: the facilitator's invitation links); without JavaScript the button stays hidden
  // and the text can be selected and copied by hand. Focusing a readonly link selects it.

  function copyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      if (!navigator.clipboard) continue;
      button.hidden = false;
      button.addEventListener("click", function (event) {
        var b = event.currentTarget;
        var link = document.getElementById(b.getAttribute("data-copy"));
        var done = document.getElementById(b.getAttribute("data-copy") + "-copied");
        var text = link.tagName === "INPUT" ? link.value : link.href;
        navigator.clipboard.writeText(text).then(function () {
          if (done) done.textContent = b.getAttribute("data-copied");
        }, function () {
          if (done) done.textContent = b.getAttribute("data-failed");
        });
      });
    }
  }
})();
