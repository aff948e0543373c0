library(survey)
data(api)
options(digits=15)
write.csv(apiclus1[, c("snum", "stype", "sch.wide", "dnum")], "apiclus1.csv", row.names = FALSE)
for (nm in c("clus1","clus1_strat")) {
  if (nm=="clus1") d <- svydesign(id=~dnum, weights=~pw, data=apiclus1) else
    d <- svydesign(id=~dnum, strata=~stype, weights=~pw, data=apiclus1, nest=TRUE)
  d <- update(d, yes = as.numeric(sch.wide=="Yes"))
  m <- svymean(~yes, d)
  e <- svymean(~yes, subset(d, stype=="E"))
  ci <- svyciprop(~yes, d, method="logit")
  ch <- svychisq(~stype+sch.wide, d)
  cat(nm, "\n")
  print(c(mean=coef(m), se=SE(m), mean_E=coef(e), se_E=SE(e), degf=degf(d)), digits=15)
  print(as.vector(attr(ci,"ci")), digits=15)
  print(c(ch$statistic, ch$parameter, p=ch$p.value), digits=15)
}
cat(apiclus1$pw[1], "\n", sep="")
print(apiclus1$pw[1], digits=17)
