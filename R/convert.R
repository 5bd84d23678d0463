# The R side of the R/Python boundary: every conversion happens here.
# (The Python side converts in xortorch._validation.check_X/check_y and
# xortorch._model.check_state.)

param_names <- c("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")

data_to_py <- function(data, labels = TRUE) {
  X <- cbind(as.numeric(data$x1), as.numeric(data$x2))
  if (!labels) return(list(X = X))
  list(X = X, y = as.integer(as.character(data$label)))
}

# A Python model dict (already converted by reticulate) as a plain R list.
model_from_py <- function(py_model) {
  state <- py_model$state[param_names]
  state[["linear1.weight"]] <- matrix(state[["linear1.weight"]], ncol = 2)
  state[["linear1.bias"]] <- as.vector(state[["linear1.bias"]])
  state[["linear2.weight"]] <- matrix(state[["linear2.weight"]], nrow = 1)
  state[["linear2.bias"]] <- as.vector(state[["linear2.bias"]])
  config <- py_model$config
  config$hidden <- length(state[["linear1.bias"]])
  structure(list(
    state = state,
    loss = as.vector(py_model$loss),
    config = config,
    device = py_model$device %||% "cpu",
    seconds = py_model$seconds
  ), class = "xor_model")
}

model_to_py <- function(model) {
  list(state = unclass(model$state))
}

# make_data()'s (X, y) tuple as an xor_data data frame.
data_from_py <- function(out) {
  structure(
    data.frame(x1 = out[[1]][, 1], x2 = out[[1]][, 2], label = as.integer(out[[2]])),
    class = c("xor_data", "data.frame")
  )
}

grid_from_py <- function(grid) {
  list(x1 = as.vector(grid$x1), x2 = as.vector(grid$x2),
       prob = matrix(grid$prob, length(grid$x1), length(grid$x2)))
}

# bench()'s dict of equal-length columns as a data frame.
table_from_py <- function(table, class) {
  out <- as.data.frame(lapply(table, unlist), stringsAsFactors = FALSE)
  class(out) <- c(class, "data.frame")
  out
}

# sweep()'s columns as a data frame, the loss curves as a matrix column.
sweep_from_py <- function(res) {
  out <- data.frame(lr = as.vector(res$lr), seed = as.vector(res$seed),
                    final_loss = as.vector(res$final_loss), accuracy = as.vector(res$accuracy))
  out$loss <- matrix(res$loss, nrow = nrow(out))
  attr(out, "seconds") <- res$seconds
  class(out) <- c("xor_sweep", "data.frame")
  out
}

`%||%` <- function(x, y) if (is.null(x)) y else x
