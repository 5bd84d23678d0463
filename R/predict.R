#' Predict with a trained model
#'
#' @param object An `xor_model`.
#' @param newdata A data frame with numeric columns `x1` and `x2`.
#' @param type `"prob"` for the probability of class 1 (the sigmoid of the
#'   logit), `"class"` for 0/1 labels (probability >= 0.5).
#' @param ... Unused.
#' @returns A numeric vector of probabilities, or an integer vector of labels,
#'   one per row of `newdata`.
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train(epochs = 20)
#' predict(m, data.frame(x1 = c(0, 1), x2 = c(1, 1)))
predict.xor_model <- function(object, newdata, type = c("prob", "class"), ...) {
  type <- match.arg(type)
  if (missing(newdata)) abort("`newdata` is missing: give a data frame with columns x1 and x2.")
  check_data(newdata, "newdata", labels = FALSE)
  prob <- as.vector(py_call(xt()$predict(model_to_py(object), data_to_py(newdata, labels = FALSE)$X)))
  if (type == "class") as.integer(prob >= 0.5) else prob
}

#' Accuracy of a model
#'
#' The tutorial's `eval_model`: the share of points whose predicted class
#' (probability >= 0.5) equals the label.
#'
#' @param model An `xor_model`.
#' @param data A data frame with columns `x1`, `x2` and `label`.
#' @returns A number in \[0, 1\].
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' xor_evaluate(m, xor_data(500))
xor_evaluate <- function(model, data) {
  check_model(model)
  check_data(data)
  args <- data_to_py(data)
  py_call(xt()$evaluate(model_to_py(model), args$X, args$y))
}

#' Predicted probabilities on a grid
#'
#' The tutorial's decision-boundary grid, ready for [graphics::image()].
#'
#' @param model An `xor_model`.
#' @param xlim,ylim Ranges of `x1` and `x2` (the upper end is excluded, as in
#'   `torch.arange`).
#' @param step Grid spacing.
#' @returns A list with `x1` (length k), `x2` (length m) and `prob`, a k x m
#'   matrix with `prob[i, j]` the probability at `(x1[i], x2[j])`.
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' g <- xor_predict_grid(xor_train(), step = 0.05)
#' image(g$x1, g$x2, g$prob)
xor_predict_grid <- function(model, xlim = c(-0.5, 1.5), ylim = c(-0.5, 1.5), step = 0.01) {
  check_model(model)
  xlim <- check_range(xlim, "xlim")
  ylim <- check_range(ylim, "ylim")
  step <- check_positive(step, "step")
  grid_from_py(py_call(xt()$predict_grid(model_to_py(model), xlim = xlim, ylim = ylim, step = step)))
}
