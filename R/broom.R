#' Tidy, glance at and augment a model (broom)
#'
#' The broom verbs, registered for broom's generics when broom (or generics)
#' is installed. `tidy()` gives one row per weight, named as [coef()] names
#' them, with the unit each connects from and to in `nnet`'s notation (`b` the
#' bias, `h1` the first hidden unit, `o` the output). `glance()` gives one row
#' of fit statistics, defined as for a `glm` (see [xor_model_methods]), with
#' what is particular to training: `converged`, `epochs`, `best_epoch` and the
#' validation loss of the weights returned. `augment()` adds `.fitted` (the
#' probability of the second class, or the logit with `type.predict = "link"`),
#' `.resid` (deviance residuals; without `newdata` only) and `.pred_class` to
#' the training model frame, or to `newdata`.
#'
#' @param x An `xor_model` from [xor_train()].
#' @param data The data the model was trained on, to augment instead of its
#'   model frame: one row per training row (as padded by [stats::na.exclude()]).
#' @param newdata New data to augment with predictions.
#' @param type.predict `"response"` (the default, as for [predict.xor_model()])
#'   or `"link"`.
#' @param threshold The probability from which `.pred_class` is the second
#'   class.
#' @param ... Unused.
#' @returns A data frame (a tibble where the tibble package is installed).
#' @seealso [xor_model_methods], [coef.xor_model()].
#' @name xor_broom
#' @examplesIf xortorch_available() && requireNamespace("broom", quietly = TRUE)
#' cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
#' fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1)
#' broom::glance(fit)
#' head(broom::tidy(fit))
#' head(broom::augment(fit))
NULL

#' @rdname xor_broom
#' @exportS3Method generics::tidy
tidy.xor_model <- function(x, ...) { # nolint: object_name_linter.
  estimate <- coef(x)
  predictors <- model_spec(x)$predictors
  hidden <- length(x$state[["linear1.bias"]])
  index <- expand.grid(col = seq_along(predictors), row = seq_len(hidden))  # coef()'s row-major order
  units <- paste0("h", seq_len(hidden))
  from <- c(predictors[index$col], rep("b", hidden), units, "b")
  to <- c(units[index$row], units, rep("o", hidden), "o")
  as_tibble_if_possible(data.frame(term = names(estimate), from = from, to = to, estimate = unname(estimate)))
}

#' @rdname xor_broom
#' @exportS3Method generics::glance
glance.xor_model <- function(x, ...) { # nolint: object_name_linter.
  fit <- fit_data(x)
  w <- fit$prior.weights
  share <- sum(w * fit$y) / sum(w)
  null_deviance <- -2 * sum(w * (fit$y * log(share) + (1 - fit$y) * log1p(-share)))
  ll <- stats::logLik(x)
  best <- x$best_epoch %||% NA_integer_
  valid_loss <- if (is.null(x$valid_loss)) NA_real_ else x$valid_loss[held_epoch(x)]
  as_tibble_if_possible(data.frame(
    nobs = stats::nobs(x), logLik = as.numeric(ll), AIC = stats::AIC(x), BIC = stats::BIC(x),
    deviance = stats::deviance(x), null.deviance = null_deviance, df.null = stats::nobs(x) - 1L,
    df.residual = stats::df.residual(x), converged = isTRUE(x$converged), epochs = length(x$loss),
    best_epoch = as.integer(best), valid_loss = valid_loss
  ))
}

#' @rdname xor_broom
#' @exportS3Method generics::augment
augment.xor_model <- function(x, data = NULL, newdata = NULL, type.predict = c("response", "link"), # nolint
                              threshold = 0.5, ...) {
  type.predict <- check_choice(type.predict, c("response", "link"), "type.predict") # nolint: object_name_linter.
  if (!is.null(newdata)) {
    out <- with_rownames(as.data.frame(newdata))
    out$.fitted <- unname(stats::predict(x, newdata, type = type.predict))
    out$.pred_class <- unname(stats::predict(x, newdata, type = "class", threshold = threshold))
    return(as_tibble_if_possible(out))
  }
  if (is.null(data)) {
    out <- stats::model.frame(x)
    fit <- fit_data(x)
    fitted <- fit[[if (type.predict == "link") "linear.predictors" else "fitted.values"]]
    resid <- deviance_residuals(fit)
    cls <- decode_class(as.integer(fit$fitted.values >= threshold), model_spec(x))
  } else {
    out <- as.data.frame(data)
    fitted <- stats::predict(x, type = type.predict)
    resid <- stats::residuals(x)
    cls <- stats::predict(x, type = "class", threshold = threshold)
    if (nrow(out) != length(fitted)) {
      abort("`data` has ", nrow(out), " rows, but the model was fitted to ", length(fitted), ": give the data ",
            "it was trained on, or leave `data` out to augment its model frame.")
    }
  }
  out <- with_rownames(as.data.frame(out))
  out$.fitted <- unname(fitted)
  out$.resid <- unname(resid)
  out$.pred_class <- unname(cls)
  as_tibble_if_possible(out)
}

# As broom's augment() keeps them: row names that are not 1, 2, ... as a first column.
with_rownames <- function(df) {
  if (.row_names_info(df) > 0L) cbind(data.frame(.rownames = rownames(df)), df) else df
}

as_tibble_if_possible <- function(df) {
  if (requireNamespace("tibble", quietly = TRUE)) tibble::as_tibble(df) else df
}
