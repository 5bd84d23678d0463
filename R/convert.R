# The R side of the R/Python boundary: every conversion happens here.
# (The Python side converts in xortorch._validation.check_X/check_y and
# xortorch._model.check_state.)

param_names <- c("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")

# A whole number as a Python int: R holds counts above 2^31 - 1 (seeds) as
# doubles, which Python would receive as floats.
int_to_py <- function(x) {
  if (is.integer(x)) x else reticulate::py_eval(sprintf("%.0f", x), convert = FALSE)
}

# Inputs as an n x p double matrix, labels and case weights as 1-d arrays:
# with a dim, reticulate sends NumPy arrays even for one row (a plain
# length-one vector would arrive as a Python scalar).
data_to_py <- function(X, y = NULL, weights = NULL) {
  shape <- dim(X)
  X <- as.double(X)  # drops the dimnames; matrix(as.double(X), ...) was 15 times slower at 1e6 rows
  dim(X) <- shape
  if (is.null(y)) return(list(X = X))
  list(X = X, y = array(as.integer(y), dim = length(y)),
       weights = if (!is.null(weights)) array(as.double(weights), dim = length(weights)))
}

# `valid` for Python: a fraction as it is, a data frame as the model's (X, y).
valid_to_py <- function(valid, spec) {
  if (is.null(valid)) return(NULL)
  if (is_number(valid)) return(as.numeric(valid))
  if (!is.data.frame(valid)) abort("`valid` must be a data frame or a fraction, not ", describe(valid), ".")
  xy <- complete_rows(model_data(spec, valid, "valid"), "valid")
  args <- data_to_py(xy$X, xy$y)
  reticulate::tuple(args$X, args$y)
}

# `class_weight` for Python: "balanced", or a named pair keyed by the response's classes.
class_weight_to_py <- function(class_weight, spec) {
  if (is.null(class_weight) || identical(class_weight, "balanced")) return(class_weight)
  names <- class_names(spec) %||% c("0", "1")
  if (!is.numeric(class_weight) || length(class_weight) != 2 || !setequal(names(class_weight), names)) {
    abort("`class_weight` must be \"balanced\" or two weights named ", paste(names, collapse = " and "), ", not ",
          describe(class_weight), ".")
  }
  reticulate::py_dict(list(0L, 1L), as.list(as.numeric(class_weight[names])))
}

# A Python model dict (already converted by reticulate) as a plain R list.
model_from_py <- function(py_model, spec = NULL) {
  state <- py_model$state[param_names]
  W1 <- state[["linear1.weight"]]
  state[["linear1.weight"]] <- matrix(as.vector(W1), nrow(W1), ncol(W1))
  state[["linear1.bias"]] <- as.vector(state[["linear1.bias"]])
  state[["linear2.weight"]] <- matrix(as.vector(state[["linear2.weight"]]), nrow = 1)
  state[["linear2.bias"]] <- as.vector(state[["linear2.bias"]])
  config <- py_model$config
  config$hidden <- length(state[["linear1.bias"]])
  config$inputs <- ncol(state[["linear1.weight"]])
  spec <- spec %||% default_spec(config$inputs)
  ranges <- py_model$ranges
  if (!is.null(ranges)) ranges <- matrix(as.vector(ranges), ncol = 2, dimnames = list(spec$predictors, c("min", "max")))
  scaling <- py_model$scaling
  if (!is.null(scaling)) {
    scaling <- lapply(scaling[c("center", "scale")], function(v) stats::setNames(as.vector(v), spec$predictors))
  }
  structure(list(
    state = state,
    loss = as.vector(py_model$loss),
    config = config,
    device = py_model$device %||% "cpu",
    seconds = py_model$seconds,
    spec = spec,
    # What the fit is worth on its training data (NULL for a model loaded from a file).
    converged = py_model$converged,
    null_loss = py_model$null_loss,
    train_loss = py_model$train_loss,
    train_accuracy = py_model$train_accuracy,
    scaling = scaling,
    ranges = ranges,
    # How training went: the validation curve, where it was best and why it stopped.
    valid_loss = if (!is.null(py_model$valid_loss)) as.vector(py_model$valid_loss),
    valid_accuracy = if (!is.null(py_model$valid_accuracy)) as.vector(py_model$valid_accuracy),
    best_epoch = py_model$best_epoch,
    stopped_by = py_model$stopped_by
  ), class = "xor_model")
}

# The weights as NumPy arrays of exactly the tutorial's shapes. R drops
# length-one dimensions (a 1 x h matrix indexed as a vector, a length-one bias
# becoming a scalar); those are restored here, and nothing else is reshaped.
model_to_py <- function(model) {
  state <- model$state
  missing <- setdiff(param_names, names(state))
  if (length(missing)) abort("`model$state` lacks ", paste(missing, collapse = ", "), ".")
  hidden <- length(state[["linear1.bias"]])
  inputs <- length(model_spec(model)$predictors)
  shape <- function(x) paste0("(", paste(dim(x) %||% length(x), collapse = ", "), ")")
  as_shape <- function(name, dims) {
    x <- state[[name]]
    if (!is.numeric(x)) abort("`model$state$", name, "` must be numeric, not ", describe(x), ".")
    # A vector fits when the shape has at most one dimension longer than one.
    fits <- if (is.null(dim(x))) length(x) == prod(dims) && sum(dims > 1) <= 1 else identical(dim(x), as.integer(dims))
    if (!fits) {
      abort("`model$state$", name, "` must have shape (", paste(dims, collapse = ", "), "), not ", shape(x), ".")
    }
    array(as.double(x), dim = dims)
  }
  out <- list(state = list(
    linear1.weight = as_shape("linear1.weight", c(hidden, inputs)),
    linear1.bias = as_shape("linear1.bias", hidden),
    linear2.weight = as_shape("linear2.weight", c(1L, hidden)),
    linear2.bias = as_shape("linear2.bias", 1L)
  ))
  # What Python reads beside the weights: the training ranges (predict_grid's window),
  # the folded scaling and the loss history (train's init).
  if (!is.null(model$ranges)) out$ranges <- matrix(as.double(model$ranges), ncol = 2)
  if (!is.null(model$scaling)) {
    out$scaling <- lapply(model$scaling[c("center", "scale")], function(v) array(as.double(v)))
  }
  if (length(model$loss)) out$loss <- array(as.double(model$loss))
  out
}

# make_data()'s (X, y) tuple as an xor_data data frame.
data_from_py <- function(out) {
  d <- data.frame(x1 = out[[1]][, 1], x2 = out[[1]][, 2], label = as.integer(out[[2]]))
  # class<- rather than structure(), which would expand the automatic row names into 1:n.
  class(d) <- c("xor_data", "data.frame")
  d
}

grid_from_py <- function(grid) {
  structure(list(x1 = as.vector(grid$x1), x2 = as.vector(grid$x2),
                 prob = matrix(grid$prob, length(grid$x1), length(grid$x2))), class = "xor_grid")
}

# bench()'s dict of equal-length columns as a data frame.
table_from_py <- function(table, class) {
  out <- as.data.frame(lapply(table, unlist), stringsAsFactors = FALSE)
  class(out) <- c(class, "data.frame")
  out
}

`%||%` <- function(x, y) if (is.null(x)) y else x
