# Fits the composite logistic path model with R's brglm2 (Firth: method = "brglmFit", type = "AS_mean")
# on each data set of a JSON file and writes the estimates and standard errors as JSON.
# Input: [{ "name", "x": [[raw stated scores per sample]], "y": [0/1 action per sample] }]. The predictors
# are standardised here, independently of our code, as the composite model does (scale(): mean 0, SD 1
# with divisor n - 1), then glm(y ~ z1 + ... , binomial, method = "brglmFit", type = "AS_mean").
# Also fits plain ML glm to say whether the data are separated (the ML coefficients diverge).
# Usage: Rscript fitBrglm2.R <in.json> <out.json>
suppressPackageStartupMessages({ library(brglm2); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
sets <- fromJSON(a[1], simplifyVector = FALSE)
out <- lapply(sets, function(s) {
  x <- do.call(rbind, lapply(s$x, function(r) as.numeric(unlist(r))))
  z <- scale(x)
  d <- data.frame(y = as.numeric(unlist(s$y)), z)
  names(d) <- c("y", paste0("z", seq_len(ncol(x))))
  f <- as.formula(paste("y ~", paste(names(d)[-1], collapse = " + ")))
  m <- glm(f, family = binomial, data = d, method = "brglmFit", type = "AS_mean", epsilon = 1e-12, maxit = 10000)
  # Separation: the ML estimate does not exist, so IRLS never settles. Forced to run 30 and then 60
  # iterations (no early stop), a finite ML estimate is the same both times; under separation the
  # coefficients keep growing.
  ml <- function(it) coef(suppressWarnings(glm(f, family = binomial, data = d, control = glm.control(maxit = it, epsilon = 1e-300))))
  c30 <- ml(30); c60 <- ml(60)
  list(name = s$name, converged = m$converged, coef = unname(coef(m)), se = unname(sqrt(diag(vcov(m)))),
       separated = max(abs(c60 - c30)) > 1, ml_max_abs_coef = max(abs(c60)))
})
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), a[2])
