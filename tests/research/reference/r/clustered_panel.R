# R values for tests/research/test_design.py::clustered_panel() (written to CSV by the test
# module: python -c "from tests.research.test_design import clustered_panel; ...").
library(survey)
d <- read.csv(commandArgs(TRUE)[1])
d$grp <- factor(ifelse(d$mature == "True", "focus", "rest"))
for (nm in c("clus", "strat")) {
  des <- if (nm == "clus") svydesign(ids = ~organization_id, weights = ~w, data = d) else
    svydesign(ids = ~organization_id, strata = ~sector, weights = ~w, data = d, nest = TRUE)
  for (ind in c("a", "b", "rare")) {
    f <- as.formula(paste0("~", ind))
    answered <- subset(des, !is.na(d[[ind]]))  # svyby(covmat = TRUE) does not take na.rm
    s <- svyby(f, ~grp, answered, svymean, covmat = TRUE)
    lr <- svycontrast(s, quote(log(focus / rest)))
    ch <- svychisq(as.formula(paste0("~grp+", ind)), des)
    ci <- svyby(f, ~grp, des, svyciprop, method = "logit", vartype = "ci", na.rm = TRUE)
    cat(sprintf("%s %s share %.15g %.15g se %.15g %.15g ratio_ci %.15g %.15g F %.15g ddf %.15g p %.15g ci_focus %.15g %.15g\n",
        nm, ind, coef(s)["focus"], coef(s)["rest"], SE(s)[1], SE(s)[2],
        exp(confint(lr))[1], exp(confint(lr))[2], ch$statistic, ch$parameter[2],
        ch$p.value, ci["focus", "ci_l"], ci["focus", "ci_u"]))
  }
  q <- svyquantile(~score, des, c(0.25, 0.5, 0.75), ci = TRUE)
  m <- q$score
  for (i in 1:3) cat(sprintf("%s q %.15g %.15g %.15g %.15g\n", nm, m[i, 1], m[i, 2], m[i, 3], m[i, 4]))
}
