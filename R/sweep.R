#' Train many models at once
#'
#' One model per combination of `lr`, `seeds` and, where given several
#' values, `hidden`, `batch_size`, `epochs` and `weight_decay`; models that
#' share those settings train together in one vectorised run. Each equals the
#' model [xor_train()] gives with the same formula, data and settings.
#'
#' @inheritParams xor_train
#' @param weights,subset,na.action As for [xor_train()], evaluated in `data`.
#' @param hidden,batch_size,epochs,weight_decay As for [xor_train()]; a
#'   vector of values adds each to the grid.
#' @param lr Learning rates.
#' @param seeds Whole numbers from 0 to 2^63 - 1 (`xortorch::xor_limits()`).
#' @param executor `NULL` to train here, or a Python
#'   `concurrent.futures.Executor` made through reticulate: a process pool, or
#'   a Dask cluster's `client$get_executor()`, which trains chunks of the grid
#'   on its workers with the same results as here (see the example).
#' @param chunk_size Models per chunk with `executor`; `NULL` for about four
#'   chunks per worker.
#' @param valid A data frame of held-out rows every model is measured on
#'   after each epoch, as in [xor_train()] (a fraction is [xor_train()]'s only:
#'   it would split the rows differently for each seed).
#' @param patience,min_delta As for [xor_train()], per model: a model stops as
#'   it would alone and keeps its best validation epoch's weights.
#' @returns A data frame of class `xor_sweep`, one row per model, with `lr`,
#'   `seed`, `final_loss`, `accuracy` (on `data`), `diverged` and
#'   `converged` (judged as [xor_train()] judges a fit), the settings `hidden`,
#'   `batch_size`, `epochs` and `weight_decay`, `loss`, a matrix column (models
#'   x epochs; `NaN` past a model's own epochs), with `valid` also `best_epoch`
#'   and `valid_loss` (of the weights the model holds), and `model`, a list column of the trained `xor_model`s (see
#'   [xor_sweep_model()]). A model that diverged (where [xor_train()] stops
#'   with an error) has an infinite `final_loss` and an `NA` accuracy; its
#'   `loss` curve keeps what was measured. A sweep gives no warnings: read
#'   `converged`. It prints as a compact table.
#' @seealso [xor_sweep_model()], [plot.xor_sweep()], [xor_train()].
#' @export
#' @examplesIf xortorch_available()
#' s <- xor_sweep(xor_data(1000, seed = 1), lr = c(0.01, 0.1, 1), seeds = 1:2, epochs = 30)
#' s
#' # One loss curve per model, coloured by learning rate
#' plot(s)
#' best <- xor_sweep_model(s, which.max(s$accuracy))
#' \dontrun{
#' # On a Dask cluster (here one on this machine; pip install "xortorch[dask]"):
#' distributed <- reticulate::import("distributed")
#' client <- distributed$Client(distributed$LocalCluster(n_workers = 2L, threads_per_worker = 1L))
#' s <- xor_sweep(xor_data(1000, seed = 1), lr = 10^seq(-3, 0, 0.5), seeds = 1:10, epochs = 30,
#'                executor = client$get_executor())
#' }
xor_sweep <- function(formula = label ~ x1 + x2, data = xor_data(2500), lr = c(0.01, 0.1, 1), seeds = 1:3,
                      hidden = 4, batch_size = 128, epochs = 100, device = "auto",
                      scale = !inherits(data, "xor_data"), weights = NULL, subset = NULL,
                      na.action = getOption("na.action"), weight_decay = 0, # nolint: object_name_linter.
                      valid = NULL, patience = NULL, min_delta = 0, progress = interactive(), executor = NULL,
                      chunk_size = NULL) {
  call <- model_call(match.call(), formula)
  args <- formula_and_data(formula, data, missing(data))
  # The tutorial's formula, when defaulted, is read where the call was made, as a typed one would be.
  if (missing(formula) || is.data.frame(formula)) environment(args$formula) <- parent.frame()
  data <- args$data  # what `scale`'s default looks at
  check_rates(lr)
  seeds <- check_seeds(seeds)
  hidden <- check_each(hidden, "hidden", check_count, maximum = "hidden")
  batch_size <- lapply(check_each(batch_size, "batch_size", check_count), int_to_py)
  epochs <- check_each(epochs, "epochs", check_count, maximum = "epochs")
  weight_decay <- check_each(weight_decay, "weight_decay", check_positive, allow_zero = TRUE)
  device <- check_device(device)
  scale <- check_flag(scale, "scale")
  progress <- check_flag(progress, "progress")
  if (!is.null(chunk_size)) chunk_size <- check_count(chunk_size, "chunk_size")
  if (!is.null(patience)) patience <- check_count(patience, "patience")
  min_delta <- check_positive(min_delta, "min_delta", allow_zero = TRUE)
  if (is_number(valid)) {
    abort("`valid` as a fraction would split the rows by seed, so each seed would train on other rows: give a ",
          "data frame of held-out rows, or xor_train() one model at a time.")
  }
  # R's bar follows the epochs of one group of models trained together, here.
  one_group <- is.null(executor) && length(hidden) * length(batch_size) * length(epochs) * length(weight_decay) == 1

  frame <- training_frame(args$formula, data, substitute(weights), substitute(subset), na.action)
  td <- training_data(frame)
  spec <- td$spec
  # On an executor the epochs run elsewhere: no per-epoch callback to draw R's bar from.
  res <- with_progress(progress && one_group, epochs[[1]], function(callback) {
    py_args <- data_to_py(td$X, td$y, td$weights)
    py_call(xt(convert = FALSE)$sweep(
      py_args$X, py_args$y, lr = as.list(as.numeric(lr)), seeds = lapply(seeds, int_to_py), hidden = hidden,
      batch_size = batch_size, epochs = epochs, device = device, scale = scale, callback = callback,
      sample_weight = py_args$weights, weight_decay = weight_decay, executor = executor,
      chunk_size = chunk_size, valid = valid_to_py(valid, spec), patience = patience, min_delta = min_delta
    ), rename = c(X = "data", y = paste0("data$", spec$response), sample_weight = "weights",
                columns_for_messages(spec)),
    classes = class_names(spec))
  })
  out <- sweep_from_py(res, spec, c(list(n = nrow(td$X), scale = scale), steering_config(valid, patience, NULL)))
  out$model <- lapply(out$model, with_formula, call = call, td = td)
  # The data once, for xor_sweep_model() to give each model what xor_train() keeps.
  attr(out, "training") <- list(td = td, frame = frame)
  out
}

# Each value of a setting the grid takes several of, checked; as a list for Python.
check_each <- function(x, name, check, ...) {
  if (!is.numeric(x) || is.factor(x) || length(x) == 0) {
    abort("`", name, "` must be a number or a vector of numbers, not ", describe(x), ".")
  }
  lapply(x, check, name, ...)
}

check_rates <- function(lr) {
  if (!is.numeric(lr) || length(lr) == 0) {
    abort("`lr` must be a numeric vector of positive numbers, not ", describe(lr), ".")
  }
  for (r in lr) check_positive(r, "lr")
}

check_seeds <- function(seeds) {
  if (!is.numeric(seeds) || is.factor(seeds) || length(seeds) == 0) {
    abort("`seeds` must be a vector of whole numbers, not ", describe(seeds), ".")
  }
  lapply(seeds, check_seed, name = "seeds")
}

# sweep()'s columns as a data frame: the loss curves as a matrix column, the
# models, each as Python's sweep_model() gives it, as a list column of xor_models.
sweep_from_py <- function(py_result, spec, config) {
  res <- reticulate::py_to_r(py_result)
  out <- data.frame(lr = as.vector(res$lr), seed = as.vector(res$seed),
                    final_loss = as.vector(res$final_loss), accuracy = as.vector(res$accuracy),
                    diverged = as.vector(res$diverged), converged = as.vector(res$converged),
                    hidden = as.integer(res$hidden), batch_size = as.vector(res$batch_size),
                    epochs = as.integer(res$epochs), weight_decay = as.vector(res$weight_decay))
  out$accuracy[is.nan(out$accuracy)] <- NA
  out$loss <- matrix(res$loss, nrow = nrow(out))  # NaN past a model's own epochs
  if (!is.null(res$valid_loss)) out$best_epoch <- as.integer(res$best_epoch)
  sweep_model <- xt(convert = FALSE)$sweep_model
  out$model <- lapply(seq_len(nrow(out)), function(i) {
    one <- reticulate::py_to_r(sweep_model(py_result, i - 1L))
    one$config <- c(one$config, config)
    one$train_accuracy <- out$accuracy[i]  # NA, as in the table, for a model that diverged
    model_from_py(one, spec)
  })
  if (!is.null(res$valid_loss)) {
    # The validation loss of the weights each model holds.
    out$valid_loss <- vapply(out$model, function(m) m$valid_loss[held_epoch(m)], numeric(1))
  }
  attr(out, "seconds") <- res$seconds
  class(out) <- c("xor_sweep", "data.frame")
  out
}

#' One model out of a sweep
#'
#' @param sweep An `xor_sweep` from [xor_sweep()].
#' @param i Row number of the model.
#' @returns The `xor_model` of row `i`: it predicts what
#'   `xor_train(formula, data, lr = sweep$lr[i], seed = sweep$seed[i])` predicts, with that row's `hidden`,
#'   `batch_size`, `epochs` and `weight_decay`.
#' @seealso [xor_sweep()], [xor_train()].
#' @export
#' @examplesIf xortorch_available()
#' s <- xor_sweep(xor_data(1000, seed = 1), lr = c(0.1, 1), seeds = 1, epochs = 30)
#' m <- xor_sweep_model(s, which.min(s$final_loss))
#' xor_evaluate(m, xor_data(500, seed = 2))
xor_sweep_model <- function(sweep, i) {
  if (!inherits(sweep, "xor_sweep") || is.null(sweep$model)) {
    abort("`sweep` must be an <xor_sweep> from xor_sweep(), not ", describe(sweep), ".")
  }
  i <- check_count(i, "i", maximum = nrow(sweep))
  training <- attr(sweep, "training")
  if (is.null(training)) return(sweep$model[[i]])
  with_fit_data(sweep$model[[i]], training$td, training$frame)
}

#' @export
print.xor_sweep <- function(x, n = 20, ...) {
  epochs <- range(x$epochs %||% ncol(x$loss))
  cat(sprintf("<xor_sweep> %d models (%d learning rates x %d seeds%s), %s epochs, trained in %.2f s\n",
              nrow(x), length(unique(x$lr)), length(unique(x$seed)),
              if (nrow(x) > length(unique(x$lr)) * length(unique(x$seed))) " x settings" else "",
              if (epochs[1] == epochs[2]) epochs[1] else paste(epochs, collapse = " to "), attr(x, "seconds") %||% NA))
  table <- data.frame(lr = x$lr, seed = x$seed)
  for (setting in c("hidden", "batch_size", "epochs", "weight_decay")) {
    if (length(unique(x[[setting]])) > 1) table[[setting]] <- x[[setting]]  # the settings the grid varies
  }
  table$final_loss <- round(x$final_loss, 4)
  table$accuracy <- round(x$accuracy, 4)
  table$converged <- x$converged  # NULL for a sweep made before it existed
  print(utils::head(table, n), row.names = FALSE)
  if (nrow(x) > n) cat(sprintf("... and %d more rows: print(x, n = %d) shows all\n", nrow(x) - n, nrow(x)))
  invisible(x)
}
