#' A fitted model as glm() speaks of one
#'
#' The methods R's modelling functions expect: the model's formula, terms and
#' model frame, the number of observations, the log-likelihood (so [AIC()] and
#' [BIC()] work) and deviance, fitted values, residuals, weights and residual
#' degrees of freedom.
#'
#' Like a `glm`, a model keeps what it was fitted to, under glm's names: the
#' 0/1 response `y`, the `prior.weights`, the `linear.predictors` and
#' `fitted.values`, and the model frame `model` (unless `xor_train(model =
#' FALSE)`). These methods read what was stored, so they give the same
#' answers after the data changed or is gone, and after [readRDS()] in another
#' R session (without starting Python). With `valid` as a fraction they
#' describe the rows that trained (`trained_rows`), not the rows held out.
#'
#' The definitions are glm's for a binomial model with 0/1 responses and prior
#' (case) weights \eqn{w}: the log-likelihood is
#' \eqn{\sum w (y \log p + (1 - y) \log(1 - p))}, the deviance is minus twice
#' it and the sum of the squared deviance residuals, Pearson residuals are
#' \eqn{(y - p)\sqrt{w} / \sqrt{p (1 - p)}}. Class weights (`class_weight`)
#' steer training but are not part of the data: they do not enter these
#' figures. `df` of the log-likelihood is the number of weights in the network
#' (17 for the tutorial's 2-4-1 net), as `nnet` counts them, a loose count for
#' a network; `df.residual()` is the number of observations less that count
#' (0 where the network has more weights than rows).
#'
#' @param object,formula,x An `xor_model` from [xor_train()].
#' @param type Residuals: `"deviance"` (the default, as for [stats::glm()]),
#'   `"pearson"`, `"working"` or `"response"` (label minus probability).
#'   Weights: `"prior"` (the case weights, 1 without) or `"working"`.
#' @param ... Unused.
#' @returns `formula()`: the model formula. `model.frame()`: the training
#'   model frame. `nobs()`: the number of training rows (with non-zero weight).
#'   `logLik()`: an object of class `logLik`. `deviance()`: twice the
#'   negative log-likelihood. `fitted()`, `residuals()`, `weights()`: one value
#'   per training row, padded with `NA` for rows left out by
#'   [stats::na.exclude()]. `df.residual()`: a whole number.
#' @seealso [xor_train()], [summary.xor_model()], [stats::glm()].
#' @name xor_model_methods
#' @examplesIf xortorch_available()
#' cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
#' fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1)
#' formula(fit)
#' nobs(fit)
#' logLik(fit)
#' AIC(fit, glm(am ~ hp + wt, binomial, cars))
#' head(fitted(fit))
#' sum(residuals(fit)^2) - deviance(fit)  # 0, as for glm()
#' fit50 <- update(fit, epochs = 50)
NULL

#' @rdname xor_model_methods
#' @export
formula.xor_model <- function(x, ...) stats::formula(model_spec(x)$terms)

#' @rdname xor_model_methods
#' @export
terms.xor_model <- function(x, ...) model_spec(x)$terms

#' @rdname xor_model_methods
#' @export
model.frame.xor_model <- function(formula, ...) {
  if (!is.null(formula$model)) return(formula$model)
  call <- formula$call
  if (is.null(call)) abort("This model has no training call (it was loaded from a file or made by hand).")
  if (is.null(call$data)) {
    abort("This model was trained on xor_train()'s default data, a random draw, so its model frame cannot be rebuilt.")
  }
  # As model.frame.glm() does for a model fitted with `model = FALSE`: the call's data, evaluated again.
  env <- environment(model_spec(formula)$formula) %||% globalenv()
  args <- list(quote(stats::model.frame), formula = stats::formula(model_spec(formula)$terms), data = call$data,
               weights = call$weights, subset = call$subset, na.action = call$na.action %||% quote(stats::na.omit),
               drop.unused.levels = TRUE)
  eval(as.call(args[!vapply(args, is.null, logical(1))]), env)
}

#' @rdname xor_model_methods
#' @export
nobs.xor_model <- function(object, ...) object$n_obs %||% object$config$n # nolint: object_name_linter.

# The training rows' response, prior weights and linear predictors: stored by xor_train(), or (for a model
# taken from a sweep's list column) rebuilt from its model frame.
fit_data <- function(object) {
  fields <- c("y", "prior.weights", "linear.predictors", "fitted.values")
  if (!is.null(object$fitted.values)) return(object[fields])
  if (is.null(object$call)) {
    abort("This model has no training data (it was loaded from a file or made by hand): give `newdata`.")
  }
  frame <- stats::model.frame(object)
  with_fit_data(object, training_data(frame), frame, keep_frame = FALSE)[fields]
}

# Per training row, as glm() defines them for a binomial model with 0/1 responses and prior weights w.
log_likelihoods <- function(fit) {
  eta <- fit$linear.predictors
  fit$prior.weights * (fit$y * stats::plogis(eta, log.p = TRUE) + (1 - fit$y) * stats::plogis(-eta, log.p = TRUE))
}

deviance_residuals <- function(fit) {
  sign(fit$y - fit$fitted.values) * sqrt(pmax(-2 * log_likelihoods(fit), 0))
}

# Values per training row, padded with NA where na.exclude() left rows out (not when rows were held out for
# validation: the padding is by position in the full data).
pad <- function(object, x) {
  if (is.null(object$trained_rows)) stats::naresid(object$na.action, x) else x
}

#' @rdname xor_model_methods
#' @export
logLik.xor_model <- function(object, ...) {
  structure(sum(log_likelihoods(fit_data(object))), df = sum(lengths(object$state)), nobs = stats::nobs(object),
            class = "logLik")
}

#' @rdname xor_model_methods
#' @export
deviance.xor_model <- function(object, ...) -2 * sum(log_likelihoods(fit_data(object)))

#' @rdname xor_model_methods
#' @export
fitted.xor_model <- function(object, ...) pad(object, fit_data(object)$fitted.values)

#' @rdname xor_model_methods
#' @export
residuals.xor_model <- function(object, type = c("deviance", "pearson", "working", "response"), ...) {
  type <- check_choice(type, c("deviance", "pearson", "working", "response"), "type")
  fit <- fit_data(object)
  y <- fit$y
  p <- fit$fitted.values
  w <- fit$prior.weights
  r <- switch(type,
    response = y - p,
    working = (y - p) / (p * (1 - p)),
    pearson = (y - p) * sqrt(w) / sqrt(p * (1 - p)),
    deviance = deviance_residuals(fit)
  )
  pad(object, r)
}

#' @rdname xor_model_methods
#' @export
weights.xor_model <- function(object, type = c("prior", "working"), ...) { # nolint: object_name_linter.
  type <- check_choice(type, c("prior", "working"), "type")
  fit <- fit_data(object)
  p <- fit$fitted.values
  pad(object, if (type == "prior") fit$prior.weights else fit$prior.weights * p * (1 - p))
}

#' @rdname xor_model_methods
#' @export
df.residual.xor_model <- function(object, ...) { # nolint: object_name_linter.
  max(stats::nobs(object) - sum(lengths(object$state)), 0L)
}

#' @rdname xor_model_methods
#' @param fit,scale,k For `extractAIC()`: the model, an unused scale (as for a
#'   glm) and the penalty per degree of freedom.
#' @export
extractAIC.xor_model <- function(fit, scale = 0, k = 2, ...) { # nolint: object_name_linter.
  df <- sum(lengths(fit$state))
  c(df, -2 * as.numeric(stats::logLik(fit)) + k * df)
}

no_inference <- function(what) {
  abort(what, " is not available for a neural network: its weights have no sampling distribution to draw on ",
        "(they are one of many equally good optima, not estimates with standard errors). Compare models by ",
        "held-out accuracy or AIC(), or use glm() for inference.")
}

#' @rdname xor_model_methods
#' @param parm,level Unused: `confint()` refuses.
#' @export
vcov.xor_model <- function(object, ...) no_inference("`vcov()`")

#' @rdname xor_model_methods
#' @export
confint.xor_model <- function(object, parm, level = 0.95, ...) no_inference("`confint()`")

#' @rdname xor_model_methods
#' @export
anova.xor_model <- function(object, ...) no_inference("`anova()`")
