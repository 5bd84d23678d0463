#' Predict with a trained model
#'
#' Predictions as [stats::predict.glm()] gives them: the probability of class 1
#' (`"response"`), the logit (`"link"`), or the class in the response's own
#' coding (`"class"`), for new data or, without `newdata`, for the training
#' rows. `newdata` is read through the model's formula: the same design
#' columns (factor levels, interactions, `poly()`) as in training.
#'
#' @param object An `xor_model`.
#' @param newdata A data frame or a list of equal-length columns (or a matrix
#'   with named columns) holding the variables of the model's formula (`x1`
#'   and `x2` for the tutorial's model). A factor level the model was not
#'   trained on is an error that names it; zero rows give a zero-length
#'   answer. Without it, the training rows (rebuilt from the training call's
#'   data, as [fitted()] does), padded with `NA` where [stats::na.exclude()]
#'   left rows out.
#' @param type `"response"` for the probability of class 1 (the sigmoid of the
#'   logit; `"prob"` is a synonym), `"link"` for the logit (the network's raw
#'   output), `"class"` for the predicted class (probability >= 0.5) in the
#'   response's own coding: 0/1, `TRUE`/`FALSE`, or a factor with the training
#'   response's levels.
#' @param na.action What to do with rows of `newdata` that have `NA` in a
#'   predictor: [stats::na.pass()] (the default) predicts `NA` for them and
#'   the other rows as usual; [stats::na.omit()] leaves them out;
#'   [stats::na.fail()] makes them an error.
#' @param threshold For `type = "class"`: the probability from which a row is
#'   class 1 (0.5 by default; lower it for a rare class).
#' @param se.fit Standard errors are not available for a network: `TRUE` is an
#'   error rather than being ignored.
#' @param ... Unused.
#' @returns A vector with one value per row of `newdata` (fewer with
#'   `na.omit`), named by its row names: numeric for `"response"` and `"link"`,
#'   the response's coding for `"class"`.
#' @seealso [xor_evaluate()], [xor_predict_grid()], [stats::predict.glm()].
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' new <- data.frame(x1 = c(0, 1, NA), x2 = c(1, 1, 0))
#' predict(m, new)
#' predict(m, new, type = "link")
#' predict(m, new, type = "class")
#' cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
#' fit <- xor_train(am ~ hp + wt + factor(cyl), data = cars, epochs = 300, seed = 1)
#' head(predict(fit, type = "class"))
# `na.action` is the name every predict() method uses.
predict.xor_model <- function(object, newdata, type = c("response", "link", "class", "prob"),
                              na.action = stats::na.pass, # nolint: object_name_linter.
                              threshold = 0.5, se.fit = FALSE, ...) { # nolint: object_name_linter.
  type <- check_choice(type, c("response", "link", "class", "prob"), "type")
  threshold <- check_positive(threshold, "threshold", allow_zero = TRUE)
  if (threshold > 1) abort("`threshold` must lie in [0, 1], not ", format(threshold), ".")
  if (type == "prob") type <- "response"
  if (!identical(se.fit, FALSE)) {
    abort("`se.fit` is not available for a neural network: there are no standard errors to give. Use glm() for them.")
  }
  spec <- model_spec(object)
  if (missing(newdata) || is.null(newdata)) {
    if (is.null(object$call) && is.null(object$fitted.values)) {
      abort("`newdata` is missing, and this model keeps no training data (it was loaded from a file): give a data ",
            "frame with the columns ", paste(all.vars(stats::delete.response(spec$terms)), collapse = ", "), ".")
    }
    # The stored fit, as predict.glm() without newdata gives it: the training data is never read again.
    fit <- fit_data(object)
    out <- switch(type,
      link = fit$linear.predictors,
      response = fit$fitted.values,
      class = stats::setNames(decode_class(as.integer(fit$fitted.values >= threshold), spec), names(fit$fitted.values))
    )
    return(pad(object, out))
  }
  if (is.matrix(newdata) && !is.null(colnames(newdata))) newdata <- as.data.frame(newdata)
  X <- model_data(spec, newdata, "newdata", response = FALSE)$X
  X <- apply_na_action(X, na.action) # nolint: object_name_linter.
  predictions(object, list(X = X), type, spec, threshold = threshold)
}

# Predictions for the rows of a design matrix (NA for rows with NA), as `type` asks;
# with `pad`, rows the training na.action excluded come back as NA.
predictions <- function(object, design, type, spec, pad = FALSE, threshold = 0.5) {
  X <- design$X
  out <- rep(NA_real_, nrow(X))
  complete <- stats::complete.cases(X)
  if (any(complete)) {
    kind <- switch(type, link = "logit", class = "class", "prob")  # Python's predict() owns the class rule
    rows <- if (all(complete)) X else X[complete, , drop = FALSE]
    out[complete] <- as.vector(py_call(
      xt()$predict(model_to_py(object), data_to_py(rows)$X, kind = kind, threshold = threshold),
      rename = c(X = "newdata")
    ))
  }
  if (type == "class") out <- decode_class(as.integer(out), spec)
  names(out) <- if (is.null(rownames(X))) seq_len(nrow(X)) else rownames(X)
  if (pad) out <- stats::naresid(design$na.action, out)
  out
}

apply_na_action <- function(X, action) {
  if (is.character(action)) action <- get(action, mode = "function")
  if (!is.function(action)) {
    abort("`na.action` must be a function such as na.pass or na.omit, not ", describe(action), ".")
  }
  # Without NA every na.action keeps every row; skip the data frame copy of X, which costs seconds at 1e6 rows.
  if (!anyNA(X)) return(X)
  if (is.null(rownames(X))) rownames(X) <- seq_len(nrow(X))  # the kept rows keep their numbers as names
  kept <- action(as.data.frame(X))  # na.pass, na.omit and na.fail work on data frames
  dropped <- attr(kept, "na.action")  # positions of the rows na.omit() and na.exclude() leave out
  if (!is.null(dropped)) return(X[-as.integer(dropped), , drop = FALSE])
  if (nrow(kept) == nrow(X)) X else X[row.names(kept), , drop = FALSE]
}

#' Accuracy of a model
#'
#' The tutorial's `eval_model`: the share of points whose predicted class
#' (probability >= 0.5) equals the label. Uses the model's formula, so `data`
#' needs its response and predictors; rows with `NA` in them are left out.
#'
#' @param model An `xor_model`.
#' @param data A data frame with the model's response and predictors (`x1`,
#'   `x2`, `label` for the tutorial's model).
#' @returns A number in \[0, 1\].
#' @seealso [predict.xor_model()], [xor_train()].
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' xor_evaluate(m, xor_data(500))
xor_evaluate <- function(model, data) {
  check_model(model)
  spec <- model_spec(model)
  xy <- complete_rows(model_data(spec, data, "data"), "data")
  args <- data_to_py(xy$X, xy$y)
  py_call(xt()$evaluate(model_to_py(model), args$X, args$y),
          rename = c(X = "data", y = paste0("data$", spec$response)))
}

#' Predicted probabilities on a grid
#'
#' The tutorial's decision-boundary grid, ready for [graphics::image()], for
#' a model with two inputs.
#'
#' @param model An `xor_model` with two inputs.
#' @param xlim,ylim Ranges of the first and second input (the upper end is
#'   excluded, as in `torch.arange`). `NULL`: the tutorial's `c(-0.5, 1.5)`
#'   where that holds the model's training data (always for [xor_data()], and
#'   for a model loaded from a file, which does not know its data), otherwise
#'   the predictor's training range widened by 10% on each side.
#' @param step Grid spacing: one number, or two (one per axis). `NULL`: 200
#'   cells per axis (0.01 on the tutorial's window). The grid may have at most
#'   100,000,000 cells.
#' @returns An object of class `xor_grid`: a list with `x1` (length k),
#'   `x2` (length m) and `prob`, a k x m matrix with `prob[i, j]` the
#'   probability at `(x1[i], x2[j])`. `as.data.frame()` turns it into one row
#'   per cell, with columns `x1`, `x2` and `prob`.
#' @seealso [plot.xor_model()], which draws it.
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' g <- xor_predict_grid(xor_train(), step = 0.05)
#' # The predicted probability of class 1 over the unit square: high where exactly one coordinate is 1
#' image(g$x1, g$x2, g$prob)
#' head(as.data.frame(g))
#' # Your own data: the grid covers the training data
#' fit <- xor_train(am ~ hp + wt, data = mtcars, epochs = 200, seed = 1)
#' range(xor_predict_grid(fit)$x1)
xor_predict_grid <- function(model, xlim = NULL, ylim = NULL, step = NULL) {
  check_model(model)
  if (!is.null(xlim)) xlim <- check_range(xlim, "xlim")
  if (!is.null(ylim)) ylim <- check_range(ylim, "ylim")
  if (!is.null(step)) {
    if (!is.numeric(step) || !length(step) %in% 1:2) {
      abort("`step` must be one or two positive numbers, or NULL, not ", describe(step), ".")
    }
    step <- vapply(step, check_positive, numeric(1), name = "step")
    step <- if (length(step) == 2) as.list(step) else step
  }
  inputs <- length(model_spec(model)$predictors)
  if (inputs != 2) abort("`model` has ", inputs, " inputs; a grid over two axes needs a model with 2.")
  grid_from_py(py_call(xt()$predict_grid(model_to_py(model), xlim = xlim, ylim = ylim, step = step)))
}

#' @rdname xor_predict_grid
#' @param x An `xor_grid`.
#' @param row.names,optional Unused; for compatibility with the generic.
#' @param ... Unused.
#' @export
# `row.names` is the generic's argument name.
as.data.frame.xor_grid <- function(x, row.names = NULL, optional = FALSE, ...) { # nolint: object_name_linter.
  cells <- expand.grid(x1 = x$x1, x2 = x$x2)  # x1 varies fastest, as prob's columns are stored
  cells$prob <- as.vector(x$prob)
  cells
}
