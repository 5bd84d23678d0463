# R's formula and model-object language (issue 17), checked against glm(family = binomial).

cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")), cyl = factor(cyl))

fit_both <- function(formula, data, ...) {
  list(net = xor_train(formula, data, epochs = 200, seed = 1, progress = FALSE, ...),
       glm = suppressWarnings(stats::glm(formula, stats::binomial, data, ...)))
}

glm_columns <- function(g) setdiff(colnames(stats::model.matrix(g)), "(Intercept)")

test_that("formulas build glm()'s design matrix: factors, interactions, poly(), I(), log(), `.` and exclusions", {
  skip_if_no_python()
  for (f in list(am ~ hp + cyl, am ~ hp * wt, am ~ poly(hp, 2) + I(wt^2), am ~ log(hp) + wt:cyl, am ~ . - vs - gear)) {
    both <- fit_both(f, cars)
    expect_identical(both$net$spec$predictors, glm_columns(both$glm), info = deparse1(f))
    expect_identical(stats::nobs(both$net), stats::nobs(both$glm), info = deparse1(f))
    expect_identical(formula(both$net), formula(both$glm), info = deparse1(f), ignore_attr = TRUE)
  }
  # poly()'s coefficients travel with the model: new rows use the training basis.
  m <- xor_train(am ~ poly(hp, 2), cars, epochs = 200, seed = 1, progress = FALSE)
  expect_equal(predict(m, cars[1:5, ]), predict(m)[1:5], tolerance = 1e-6)
  # Factor levels: a subset of them in new data works; an unseen one is named.
  fit <- xor_train(am ~ hp + cyl, cars, epochs = 200, seed = 1, progress = FALSE)
  expect_length(predict(fit, data.frame(hp = 110, cyl = "6")), 1)
  expect_error(predict(fit, data.frame(hp = 110, cyl = "5")),
               "`newdata$cyl` has a level the model was not trained on (5); it knows 4, 6, 8.", fixed = TRUE)
  # Logical predictors are coded as glm codes them.
  lg <- fit_both(am ~ hp + I(wt > 3), cars)
  expect_identical(lg$net$spec$predictors, glm_columns(lg$glm))
})

test_that("backticked and non-syntactic names work", {
  skip_if_no_python()
  odd <- data.frame(`my y` = cars$am, `horse power` = cars$hp, `weight (t)` = cars$wt, `a-b` = cars$qsec,
                    check.names = FALSE)
  expect_no_warning(m <- xor_train(`my y` ~ `horse power` + `weight (t)` + `a-b`, odd, epochs = 200, seed = 1,
                                   progress = FALSE))
  expect_identical(m$spec$predictors, c("`horse power`", "`weight (t)`", "`a-b`"))
  expect_identical(levels(predict(m, odd, type = "class")), c("automatic", "manual"))
  expect_identical(all.vars(formula(m)), c("my y", "horse power", "weight (t)", "a-b"))
})

test_that("offsets and matrix responses are refused and named", {
  skip_if_no_python()
  expect_error(xor_train(am ~ hp + offset(wt), cars, progress = FALSE),
               "`formula` has an offset (offset(wt)): the network has no offset term.", fixed = TRUE)
  counts <- data.frame(s = c(3, 5, 2), f = c(7, 5, 8), x = 1:3)
  expect_error(xor_train(cbind(s, f) ~ x, counts, progress = FALSE), "response cbind(s, f) is a matrix", fixed = TRUE)
})

test_that("weights, subset and na.action are evaluated in data as glm() evaluates them", {
  skip_if_no_python()
  w <- rep(1:2, 16)
  # Called directly, as users call them (weights passed through a wrapper's `...` fail in glm() too).
  net <- xor_train(am ~ hp + wt, cars, epochs = 200, seed = 1, progress = FALSE, weights = w)
  g <- suppressWarnings(stats::glm(am ~ hp + wt, stats::binomial, cars, weights = w))
  expect_identical(stats::nobs(net), stats::nobs(g))
  # A weight of 2 counts a row twice in the log-likelihood, as it does in glm's.
  expect_equal(as.numeric(stats::logLik(net)), -sum(w) * net$train_loss, tolerance = 1e-6)
  both <- list(net = net)
  unweighted <- xor_train(am ~ hp + wt, cars, epochs = 200, seed = 1, progress = FALSE)
  expect_false(identical(both$net$state, unweighted$state))
  ones <- xor_train(am ~ hp + wt, cars, epochs = 200, seed = 1, progress = FALSE, weights = rep(1, 32))
  expect_identical(ones$state, unweighted$state)
  zero <- xor_train(am ~ hp + wt, cars, epochs = 50, seed = 1, progress = FALSE, weights = c(0, rep(1, 31)))
  expect_identical(stats::nobs(zero), 31L)
  expect_error(xor_train(am ~ hp, cars, weights = rep(-1, 32), progress = FALSE), "`weights` must be finite")
  # subset, as an expression in data
  sub <- xor_train(am ~ hp + wt, cars, subset = cyl != "8", epochs = 100, seed = 1, progress = FALSE)
  expect_identical(stats::nobs(sub), stats::nobs(stats::glm(am ~ hp + wt, stats::binomial, cars, subset = cyl != "8")))
  expect_identical(sub$config$n, 18L)
  # na.exclude pads fitted, residuals and predict() without newdata, as glm's do
  holes <- cars
  holes$hp[c(3, 10)] <- NA
  ex <- list(net = xor_train(am ~ hp + wt, holes, na.action = stats::na.exclude, epochs = 200, seed = 1,
                             progress = FALSE),
             glm = stats::glm(am ~ hp + wt, stats::binomial, holes, na.action = stats::na.exclude))
  expect_identical(stats::nobs(ex$net), stats::nobs(ex$glm))
  expect_identical(names(fitted(ex$net)), names(fitted(ex$glm)))
  expect_true(all(is.na(fitted(ex$net)[c(3, 10)])))
  expect_length(residuals(ex$net), 32)
  expect_identical(is.na(predict(ex$net)), is.na(predict(ex$glm)))
  om <- xor_train(am ~ hp + wt, holes, epochs = 50, seed = 1, progress = FALSE)
  expect_length(fitted(om), 30)
  expect_identical(om$na.action, ex$glm$na.action, ignore_attr = TRUE)
  expect_error(xor_train(am ~ hp + wt, holes, na.action = stats::na.fail, progress = FALSE), "missing values")
})

test_that("the model-object methods: call, formula, terms, model.frame, update, nobs, logLik, AIC, deviance", {
  skip_if_no_python()
  m <- xor_train(am ~ hp + wt, cars, epochs = 200, seed = 1, progress = FALSE)
  both <- list(net = m, glm = stats::glm(am ~ hp + wt, stats::binomial, cars))
  expect_identical(m$call[[1]], quote(xor_train))
  expect_s3_class(terms(m), "terms")
  expect_identical(attr(terms(m), "term.labels"), attr(terms(both$glm), "term.labels"))
  expect_identical(dim(stats::model.frame(m)), dim(stats::model.frame(both$glm)))
  expect_identical(stats::nobs(m), 32L)
  ll <- stats::logLik(m)
  expect_s3_class(ll, "logLik")
  expect_identical(attr(ll, "df"), 17L)
  expect_equal(as.numeric(ll), -32 * m$train_loss, tolerance = 1e-6)  # train_loss is float32
  expect_equal(stats::AIC(m), 2 * 17 - 2 * as.numeric(ll))
  expect_equal(stats::BIC(m), log(32) * 17 - 2 * as.numeric(ll))
  expect_equal(stats::deviance(m), 2 * 32 * m$train_loss, tolerance = 1e-6)
  # glm's deviance is -2 logLik for 0/1 data too: the two are comparable.
  expect_equal(stats::deviance(both$glm), -2 * as.numeric(stats::logLik(both$glm)))
  expect_lt(stats::deviance(m), both$glm$null.deviance)
  # update() refits with changed arguments, in the caller's frame
  short <- stats::update(m, epochs = 50)
  expect_length(short$loss, 50)
  expect_identical(short$spec$predictors, m$spec$predictors)
  d <- xor_data(300, seed = 1)
  m2 <- xor_train(d, epochs = 5, seed = 1, progress = FALSE)
  expect_identical(m2$call$data, quote(d))
  expect_length(stats::update(m2, epochs = 3)$loss, 3)
  # fitted and residuals of each type
  p <- fitted(m)
  expect_equal(unname(p), unname(predict(m, cars)))
  y <- as.integer(cars$am == "manual")
  expect_equal(unname(residuals(m, type = "response")), y - unname(p))
  expect_equal(sum(residuals(m)^2), stats::deviance(m), tolerance = 1e-5)
  # glm's slots, under glm's names
  expect_identical(m$fitted.values, fitted(m))
  expect_identical(m$prior.weights, stats::setNames(rep(1, 32), rownames(cars)))
  out <- capture.output(print(summary(m)))
  expect_match(out, "Data: 32 rows \\(automatic: 19, manual: 13\\)", all = FALSE)
  expect_match(out, "Null \\(intercept-only\\) loss: 0.6755", all = FALSE)
  expect_match(out, "inputs standardised", all = FALSE)
  holes <- cars
  holes$wt[1] <- NA
  expect_match(capture.output(print(summary(xor_train(am ~ hp + wt, holes, epochs = 50, seed = 1,
                                                      progress = FALSE)))), "1 rows with NA left out", all = FALSE)
})

test_that("predict() behaves as predict.glm(): lists, zero rows, the response's coding, se.fit refused", {
  skip_if_no_python()
  m <- xor_train(am ~ hp + wt, cars, epochs = 200, seed = 1, progress = FALSE)
  expect_equal(predict(m, list(hp = c(100, 200), wt = c(2, 4))), predict(m, data.frame(hp = c(100, 200), wt = c(2, 4))))
  none <- predict(m, cars[0, ])
  expect_true(is.numeric(none) && length(none) == 0)
  expect_length(predict(m, cars[0, ], type = "class"), 0)
  expect_s3_class(predict(m, cars, type = "class"), "factor")
  expect_error(predict(m, cars, se.fit = TRUE), "`se.fit` is not available for a neural network")
  expect_error(predict(xor_load(local({
    path <- tempfile(fileext = ".pt")
    xor_save(m, path)
    path
  }))), "`newdata` is missing, and this model keeps no training data")
})

test_that("xor_sweep() takes the same formula, weights and subset", {
  skip_if_no_python()
  s <- xor_sweep(am ~ hp + cyl, cars, lr = c(0.1, 0.5), seeds = 1, epochs = 100, subset = wt < 5,
                 weights = rep(1:2, 16), progress = FALSE)
  m <- xor_train(am ~ hp + cyl, cars, lr = 0.5, seed = 1, epochs = 100, subset = wt < 5, weights = rep(1:2, 16),
                 progress = FALSE)
  expect_equal(predict(xor_sweep_model(s, 2), cars), predict(m, cars), tolerance = 1e-5)
  expect_identical(stats::nobs(xor_sweep_model(s, 2)), stats::nobs(m))
  expect_identical(xor_sweep_model(s, 1)$spec$predictors, c("hp", "cyl6", "cyl8"))
})

test_that("a model keeps what it was fitted to: the data changing, gone, or another process change nothing", {
  skip_if_no_python()
  dd <- cars
  m <- xor_train(am ~ hp + wt, dd, epochs = 200, seed = 1, progress = FALSE)
  views <- function(m) {
    list(fitted(m), residuals(m), residuals(m, "pearson"), predict(m, type = "link"), predict(m, type = "class"),
         stats::model.frame(m), stats::nobs(m), stats::deviance(m), stats::logLik(m), stats::weights(m))
  }
  before <- views(m)
  expect_length(before[[1]], 32)
  dd$hp <- rev(dd$hp)  # the data changed under the model
  expect_identical(views(m), before)
  dd <- dd[1:10, ]  # a 10-row data set of the same name
  expect_identical(views(m), before)
  rm(dd)  # gone
  expect_identical(views(m), before)
  # In a new R process, after saveRDS(), with another 10-row `cars` around: the stored values, without Python.
  path <- tempfile(fileext = ".rds")
  saveRDS(m, path)
  out <- run_r(sprintf(paste0("suppressMessages(library(xortorch)); m <- readRDS('%s'); cars <- mtcars[1:10, ]; ",
                              "cat(length(fitted(m)), nobs(m), sprintf('%%.10f', deviance(m)), ",
                              "reticulate::py_available(), '\\n')"), path))
  expect_identical(out, sprintf("32 32 %.10f FALSE ", stats::deviance(m)))
  # A random default data set in the call is drawn once, not at each look.
  r <- xor_train(data = xor_data(100), epochs = 5, seed = 1, progress = FALSE)
  expect_identical(fitted(r), fitted(r))
  expect_length(fitted(r), 100)
  # model = FALSE, as glm's: no model frame kept (model.frame() evaluates the call again), the fit still is.
  lean <- xor_train(am ~ hp + wt, cars, epochs = 200, seed = 1, progress = FALSE, model = FALSE)
  expect_null(lean$model)
  expect_identical(fitted(lean), before[[1]])
  expect_identical(dim(stats::model.frame(lean)), dim(before[[6]]))
  expect_error(xor_train(am ~ hp, cars, model = NA, progress = FALSE), "`model` must be TRUE or FALSE, not NA.")
  # A sweep's model, taken out with xor_sweep_model(), keeps its data as xor_train()'s does.
  s <- xor_sweep(am ~ hp + wt, cars, lr = 0.1, seeds = 1, epochs = 200, progress = FALSE)
  expect_equal(fitted(xor_sweep_model(s, 1)), fitted(m), tolerance = 1e-5)
})

test_that("glm's identities hold under prior weights, validation and class weights", {
  skip_if_no_python()
  y <- as.numeric(cars$am == "manual")
  w <- rep(2, 32)
  net <- xor_train(am ~ hp + wt, cars, weights = w, epochs = 300, seed = 1, progress = FALSE)
  g <- suppressWarnings(stats::glm(am ~ hp + wt, stats::binomial, cars, weights = w))
  family <- stats::binomial()
  for (fit in list(net, g)) {
    p <- fitted(fit)
    expect_equal(stats::deviance(fit), -2 * as.numeric(stats::logLik(fit)), tolerance = 1e-10)
    expect_equal(stats::deviance(fit), sum(residuals(fit, "deviance")^2), tolerance = 1e-10)
    expect_equal(stats::deviance(fit), sum(family$dev.resids(y, p, w)), tolerance = 1e-5)
    expect_equal(unname(residuals(fit, "pearson")), unname((y - p) * sqrt(w) / sqrt(family$variance(p))))
    expect_equal(unname(residuals(fit, "working")), unname((y - p) / family$mu.eta(family$linkfun(p))))
    expect_equal(unname(residuals(fit, "response")), unname(y - p))
    expect_equal(stats::weights(fit), stats::setNames(w, rownames(cars)))
  }
  # glm's working weights are its last iteration's; the network's are those of its fitted values.
  p <- fitted(net)
  expect_equal(stats::weights(net, "working"), w * p * (1 - p))
  expect_identical(stats::nobs(net), stats::nobs(g))
  expect_identical(stats::df.residual(net), 32L - 17L)
  # A validation hold-out: every figure describes the 24 rows that trained, and says so.
  v <- xor_train(am ~ hp + wt, cars, valid = 0.25, epochs = 300, seed = 1, progress = FALSE)
  rows <- v$trained_rows
  expect_length(rows, 24)
  expect_identical(stats::nobs(v), 24L)
  expect_identical(names(fitted(v)), rownames(cars)[rows])
  p <- predict(v, cars[rows, ])
  expect_equal(as.numeric(stats::logLik(v)), sum(y[rows] * log(p) + (1 - y[rows]) * log1p(-p)), tolerance = 1e-6)
  expect_identical(attr(stats::logLik(v), "nobs"), 24L)
  expect_identical(nrow(stats::model.frame(v)), 24L)
  expect_match(capture.output(print(summary(v))), "Data: 24 rows", all = FALSE)
  # Class weights steer training; the likelihood is the data's, with its prior weights (none): glm's definition.
  cw <- xor_train(am ~ hp + wt, cars, class_weight = "balanced", epochs = 300, seed = 1, progress = FALSE)
  p <- predict(cw, cars)
  expect_equal(as.numeric(stats::logLik(cw)), sum(y * log(p) + (1 - y) * log1p(-p)), tolerance = 1e-6)
  expect_equal(unname(stats::weights(cw)), rep(1, 32))
})

test_that("summary() and print() say how training was steered and which epoch's weights the model holds", {
  skip_if_no_python()
  m <- xor_train(am ~ hp + wt, cars, epochs = 1000, lr = 0.5, seed = 1, progress = FALSE, valid = 0.25,
                 class_weight = "balanced", weight_decay = 0.01)
  out <- capture.output(print(summary(m)))
  expect_match(out, "^Weighting: class weights balanced; weight decay 0.01$", all = FALSE)
  best <- m$best_epoch
  expect_lt(best, 1000)  # the validation loss rose again: the last epoch's weights are not the best
  expect_match(out, sprintf("loss %.4f at epoch 1000, the weights returned", m$valid_loss[1000]), all = FALSE,
               fixed = TRUE)
  expect_match(out, sprintf("The best epoch was %d (validation loss %.4f); without `patience` the last epoch's",
                            best, m$valid_loss[best]), all = FALSE, fixed = TRUE)
  early <- xor_train(am ~ hp + wt, cars, epochs = 3000, seed = 1, progress = FALSE, valid = 0.25, patience = 20,
                     weights = rep(1:2, 16))
  printed <- capture.output(print(early))
  expect_match(printed, "Weighting: case weights (sum 39)", all = FALSE, fixed = TRUE)
  expect_match(printed, sprintf("loss %.4f at epoch %d, the weights returned", early$valid_loss[early$best_epoch],
                                early$best_epoch), all = FALSE, fixed = TRUE)
  plain <- capture.output(print(xor_train(am ~ hp + wt, cars, epochs = 300, seed = 1, progress = FALSE)))
  expect_false(any(grepl("Weighting|Validation", plain)))
})

test_that("drop1() and step() work through extractAIC(); vcov(), confint() and anova() refuse in a sentence", {
  skip_if_no_python()
  m <- xor_train(am ~ hp + wt + qsec, cars, epochs = 300, seed = 1, progress = FALSE)
  expect_identical(stats::extractAIC(m), c(21, stats::AIC(m)))
  dropped <- suppressWarnings(stats::drop1(m))
  expect_identical(rownames(dropped), c("<none>", "hp", "wt", "qsec"))
  expect_equal(dropped$AIC[1], stats::AIC(m))
  expect_equal(dropped["wt", "AIC"], stats::AIC(suppressWarnings(update(m, . ~ . - wt))))
  expect_s3_class(suppressWarnings(stats::step(m, trace = 0)), "xor_model")
  for (verb in list(stats::vcov, stats::confint, stats::anova)) {
    err <- expect_error(verb(m), class = "xortorch_error")
    expect_match(conditionMessage(err), "is not available for a neural network: its weights have no sampling")
  }
})
