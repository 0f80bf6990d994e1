# Fits one model with lavaan and writes parameterEstimates(standardized=TRUE) and fitMeasures as JSON.
# Usage: Rscript fitLavaan.R <data.csv> <model.lav> <group column> <group.equal, comma-separated or ""> <ML|MLR> <out.json> [expected|observed]
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE)
model <- paste(readLines(a[2]), collapse = "\n")  # one string: lavaan misreads comment lines given as separate lines
eq <- if (nchar(a[4]) > 0) strsplit(a[4], ",")[[1]] else ""
t0 <- proc.time()[["elapsed"]]
info <- if (length(a) >= 7) a[7] else "default"
fit <- sem(model, data = d, group = a[3], group.equal = eq, estimator = a[5], information = info)
elapsed <- proc.time()[["elapsed"]] - t0
pe <- parameterEstimates(fit, standardized = TRUE)
pe$group_label <- lavInspect(fit, "group.label")[pe$group]
all <- fitMeasures(fit)
fm <- all[intersect(c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "chisq.scaled", "chisq.scaling.factor",
                      "cfi.robust", "tli.robust", "rmsea.robust"), names(all))]
out <- list(converged = lavInspect(fit, "converged"), seconds = elapsed,
            params = pe[, c("lhs", "op", "rhs", "group", "group_label", "est", "se", "z", "pvalue", "std.all")],
            fit_measures = as.list(unclass(fm)))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), a[6])
