#' Train the tutorial's classifier
#'
#' Fits the tutorial's `SimpleClassifier` (`Linear(2, hidden)`, tanh,
#' `Linear(hidden, 1)`) with `BCEWithLogitsLoss` and plain SGD on reshuffled
#' mini-batches, in Python through reticulate.
#'
#' @param data A data frame with columns `x1`, `x2` and `label` (0/1), such as
#'   [xor_data()] returns.
#' @param hidden Units in the hidden layer.
#' @param lr Learning rate of SGD.
#' @param batch_size Mini-batch size; the last partial batch is kept.
#' @param epochs Passes over the data.
#' @param seed A whole number, or `NULL` to draw one from R's random number
#'   generator: `set.seed(1); xor_train()` is reproducible.
#' @param device `"auto"` (CUDA when available), `"cpu"`, `"cuda"`,
#'   `"cuda:N"` or `"mps"`.
#' @param progress Show a progress bar (advanced once per epoch).
#' @returns An object of class `xor_model`: a plain list with `state` (the
#'   weights as R matrices and vectors under the tutorial's names
#'   `linear1.weight`, `linear1.bias`, `linear2.weight`, `linear2.bias`),
#'   `loss` (mean training loss per epoch), `config`, `device` and `seconds`.
#'   It holds no Python object, so it survives [saveRDS()] and works in a new
#'   R session.
#' @seealso [predict.xor_model()], [xor_evaluate()], [plot.xor_model()],
#'   [xor_save()].
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train(epochs = 20)
#' m
#' plot(m, type = "loss")
xor_train <- function(data = xor_data(2500), hidden = 4, lr = 0.1, batch_size = 128,
                      epochs = 100, seed = NULL, device = "auto", progress = interactive()) {
  check_data(data)
  hidden <- check_count(hidden, "hidden")
  lr <- check_positive(lr, "lr")
  batch_size <- check_count(batch_size, "batch_size")
  epochs <- check_count(epochs, "epochs")
  seed <- check_seed(seed)
  device <- check_device(device)
  progress <- check_flag(progress, "progress")

  callback <- NULL
  if (progress) {
    bar <- utils::txtProgressBar(min = 0, max = epochs, style = 3)
    on.exit(close(bar), add = TRUE)
    callback <- function(epoch, loss) utils::setTxtProgressBar(bar, epoch)
  }
  args <- data_to_py(data)
  py_model <- py_call(xt()$train(
    args$X, args$y, hidden = hidden, lr = lr, batch_size = batch_size, epochs = epochs,
    seed = seed, device = device, callback = callback
  ))
  model_from_py(py_model)
}

#' @export
print.xor_model <- function(x, ...) {
  hidden <- length(x$state[["linear1.bias"]])
  cat(
    "<xor_model> SimpleClassifier(\n",
    "  (linear1): Linear(in_features=2, out_features=", hidden, ", bias=True)\n",
    "  (act_fn): Tanh()\n",
    "  (linear2): Linear(in_features=", hidden, ", out_features=1, bias=True)\n",
    ")\n",
    sep = ""
  )
  for (name in param_names) {
    cat(sprintf("Parameter %s, shape [%s]\n", name,
                paste(dim(x$state[[name]]) %||% length(x$state[[name]]), collapse = ", ")))
  }
  if (length(x$loss)) {
    cat(sprintf("Trained %d epochs on %s (%.2f s); final loss %.4f\n",
                length(x$loss), x$device, x$seconds %||% NA_real_, x$loss[length(x$loss)]))
  } else {
    cat("Loaded from a file (no training history)\n")
  }
  invisible(x)
}

#' @export
summary.xor_model <- function(object, ...) {
  structure(list(
    hidden = length(object$state[["linear1.bias"]]),
    parameters = sum(lengths(object$state)),
    config = object$config,
    device = object$device,
    seconds = object$seconds,
    epochs = length(object$loss),
    loss = if (length(object$loss)) object$loss[c(1, length(object$loss))] else numeric()
  ), class = "summary.xor_model")
}

#' @export
print.summary.xor_model <- function(x, ...) {
  cat(sprintf("SimpleClassifier 2-%d-1, %d parameters\n", x$hidden, x$parameters))
  cfg <- x$config
  if (x$epochs > 0) {
    cat(sprintf("Training: lr %g, batch size %d, %d epochs, seed %s, %s points\n",
                cfg$lr, cfg$batch_size, cfg$epochs, format(cfg$seed), format(cfg$n)))
    cat(sprintf("Loss: %.4f (epoch 1) -> %.4f (epoch %d)\n", x$loss[1], x$loss[2], x$epochs))
    cat(sprintf("Device: %s, %.3f s\n", x$device, x$seconds))
  } else {
    cat("Loaded from a file (no training history)\n")
  }
  invisible(x)
}
