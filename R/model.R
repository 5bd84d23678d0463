#' A fitted model as glm() speaks of one
#'
#' The methods R's modelling functions expect: the model's formula, terms and
#' model frame, the number of observations, the log-likelihood (so [AIC()] and
#' [BIC()] work) and deviance, fitted values and residuals. A model keeps no
#' copy of its training data: `model.frame()`, `fitted()` and `residuals()`
#' evaluate the training call's data again (as [stats::model.frame.lm()] does),
#' so they need it to be where it was.
#'
#' The log-likelihood is that of the training data under the fitted
#' probabilities, `-sum(w * BCE)`, with `df` the number of weights in the
#' network (17 for the tutorial's 2-4-1 net), as `nnet` counts them. It is
#' the same quantity as [stats::glm()]'s for a binomial model with 0/1
#' responses, so the two compare, though a network's `df` is a loose count.
#'
#' @param object,formula,x An `xor_model` from [xor_train()].
#' @param type Residuals: `"deviance"` (the default, as for [stats::glm()]),
#'   `"response"` (label minus probability) or `"pearson"`.
#' @param ... Unused.
#' @returns `formula()`: the model formula. `model.frame()`: the training
#'   model frame. `nobs()`: the number of training rows (with non-zero weight).
#'   `logLik()`: an object of class `logLik`. `deviance()`: twice the
#'   negative log-likelihood. `fitted()`, `residuals()`: one value per training
#'   row, padded with `NA` for rows left out by [stats::na.exclude()].
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
  call <- formula$call
  if (is.null(call)) abort("This model has no training call (it was loaded from a file or made by hand).")
  if (is.null(call$data)) {
    abort("This model was trained on xor_train()'s default data, a random draw, so its model frame cannot be rebuilt.")
  }
  env <- environment(model_spec(formula)$formula) %||% globalenv()
  args <- list(quote(stats::model.frame), formula = stats::formula(model_spec(formula)$terms), data = call$data,
               weights = call$weights, subset = call$subset, na.action = call$na.action %||% quote(stats::na.omit),
               drop.unused.levels = TRUE)
  eval(as.call(args[!vapply(args, is.null, logical(1))]), env)
}

#' @rdname xor_model_methods
#' @export
nobs.xor_model <- function(object, ...) object$n_obs %||% object$config$n # nolint: object_name_linter.

#' @rdname xor_model_methods
#' @export
logLik.xor_model <- function(object, ...) {
  if (is.null(object$train_loss)) abort("This model has no training loss (it was loaded from a file).")
  weights <- object$weight_sum %||% object$config$n
  structure(-weights * object$train_loss, df = sum(lengths(object$state)), nobs = stats::nobs(object),
            class = "logLik")
}

#' @rdname xor_model_methods
#' @export
deviance.xor_model <- function(object, ...) -2 * as.numeric(stats::logLik(object))

# The training rows' design matrix, 0/1 labels and na.action, from the rebuilt model frame.
training_design <- function(object) {
  frame <- stats::model.frame(object)
  spec <- model_spec(object)
  X <- design_matrix(stats::delete.response(spec$terms), frame, spec$contrasts, "data")
  rownames(X) <- if (.row_names_info(frame) > 0L) row.names(frame)
  y <- encode_response(stats::model.response(frame), spec, paste0("data$", spec$response))
  list(X = X, y = y, na.action = attr(frame, "na.action"))
}

#' @rdname xor_model_methods
#' @export
fitted.xor_model <- function(object, ...) stats::predict(object, type = "response")

#' @rdname xor_model_methods
#' @export
residuals.xor_model <- function(object, type = c("deviance", "response", "pearson"), ...) {
  type <- match.arg(type)
  design <- training_design(object)
  p <- predictions(object, design, "response", model_spec(object))
  y <- design$y
  r <- switch(type,
    response = y - p,
    pearson = (y - p) / sqrt(p * (1 - p)),
    deviance = sign(y - p) * sqrt(-2 * (y * log(p) + (1 - y) * log1p(-p)))
  )
  stats::naresid(design$na.action, stats::setNames(r, names(p)))
}
