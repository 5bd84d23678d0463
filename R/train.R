#' Train the tutorial's classifier
#'
#' Fits the tutorial's `SimpleClassifier` (`Linear(p, hidden)`, tanh,
#' `Linear(hidden, 1)`) with `BCEWithLogitsLoss` and plain SGD on reshuffled
#' mini-batches, in Python through reticulate. By default on the tutorial's
#' continuous XOR data; with a formula, on your own data.
#'
#' @param formula A formula `response ~ predictors`, read as [stats::glm()]
#'   reads it (through [stats::model.frame()] and [stats::model.matrix()]):
#'   `label ~ x1 + x2` (the default), `y ~ .`, `y ~ . - x`, factor and logical
#'   predictors (treatment contrasts), interactions (`a * b`, `a:b`), `poly()`,
#'   `I()`, `log()`, and backticked non-syntactic names. The network's inputs
#'   are the design matrix's columns (without the intercept column: the
#'   network has its own biases), in [stats::model.matrix()]'s order. The
#'   response may be 0/1 numbers, `TRUE`/`FALSE` or a two-level factor (the
#'   second level is class 1). `offset()` terms and matrix (`cbind()`)
#'   responses are errors. A data frame given first is taken as `data`:
#'   `xor_train(d)` works.
#' @param data A data frame, such as [xor_data()] returns.
#' @param weights Case weights, evaluated in `data` as [stats::glm()] does:
#'   a row of weight 2 counts as two rows in the loss. Non-negative, not all
#'   zero; rows of weight 0 do not count in [nobs()].
#' @param subset An expression evaluated in `data` that picks the training
#'   rows, as in [stats::glm()].
#' @param na.action What to do with rows that have `NA` in the variables used,
#'   by default R's `na.action` option, as for [stats::glm()]:
#'   [stats::na.omit()] (the option's default) leaves them out; [stats::na.exclude()]
#'   also leaves them out but pads [fitted()], [residuals()] and `predict()`
#'   without `newdata` with `NA` for them; [stats::na.fail()] makes them an
#'   error.
#' @param hidden Units in the hidden layer, 1 to 4,096 ([xor_limits()]).
#' @param lr Learning rate of SGD.
#' @param batch_size Mini-batch size; the last partial batch is kept.
#' @param epochs Passes over the data, 1 to 1,000,000.
#' @param seed A whole number from 0 to 2^63 - 1, or `NULL` to draw one
#'   from R's random number generator: `set.seed(1); xor_train()` is
#'   reproducible.
#' @param device `"auto"` (CUDA when available), `"cpu"`, `"cuda"`,
#'   `"cuda:N"` or `"mps"`.
#' @param scale Standardise each predictor (mean 0, standard deviation 1, as
#'   [base::scale()]) while training, then fold that into the first layer, so
#'   the model (its weights, [coef()], [xor_save()]'s file) takes raw inputs.
#'   The default does so for any data but the tutorial's [xor_data()], which
#'   trains on raw inputs as the tutorial does. Without it, large or uncentred
#'   predictors (horsepower in the hundreds, say) saturate tanh and the fit
#'   learns nothing. Ignored with `init`, whose scaling is used.
#' @param init An `xor_model` to continue training from: its weights are the
#'   starting point (its hidden size and scaling are used), its formula is
#'   reused when `formula` is not given, and its loss history continues.
#' @param valid A validation set, measured after every epoch: a data frame
#'   with the model's variables, or a fraction of the training rows to hold
#'   out (stratified by class, drawn from `seed`). The model then records the
#'   validation loss and accuracy per epoch ([as.data.frame()], `plot(m, type =
#'   "loss")`) and `best_epoch`.
#' @param patience Early stopping (needs `valid`): stop once the validation
#'   loss has not improved by `min_delta` for `patience` epochs, and keep the
#'   weights of the best validation epoch.
#' @param min_delta The improvement in validation loss that counts.
#' @param weight_decay L2 regularisation, as `nnet()`'s `decay` and
#'   `torch.optim.SGD`'s `weight_decay`: each step also shrinks every weight and
#'   bias by `lr * weight_decay` times itself.
#' @param class_weight `"balanced"` (each class weighted n / (2 n_class), as
#'   scikit-learn does) or a named vector of two weights, named by the
#'   response's classes (`c(automatic = 1, manual = 3)`), multiplying
#'   `weights`. For a rare class, with `predict(type = "class", threshold =)`.
#' @param log_dir A folder to write TensorBoard event files to, as the
#'   tutorial's `train_model_with_logger` does: the model graph, the training
#'   loss per epoch as the tutorial computes it, the mean of the batch losses
#'   (`training_loss`; the model's `loss` is the mean over rows, which differs
#'   a little when the last batch is short), the validation loss with `valid`
#'   (`validation_loss`) and, for two-input models, the decision boundary
#'   every `log_every` epochs (`predictions`). The model is the same with or
#'   without it. View the folder with [xor_tensorboard()].
#' @param log_every Epochs between logged decision-boundary figures.
#' @param progress Show a progress bar on the standard error stream (redrawn
#'   every 0.1 s and at the end). The default shows it in interactive sessions
#'   only, so knitr and Rscript output stays clean.
#' @param model Keep the model frame in the result (`model$model`), as
#'   [stats::glm()]'s `model` argument does. The fitted values, response and
#'   prior weights are kept either way.
#' @returns An object of class `xor_model`: a plain list with `state` (the
#'   weights as R matrices and vectors under the tutorial's names
#'   `linear1.weight` (hidden x p), `linear1.bias`, `linear2.weight` (1 x
#'   hidden), `linear2.bias`), `loss` (mean training loss per epoch), `config`,
#'   `device`, `seconds`, `terms` (the formula, predictors and the response's
#'   coding), and, as [stats::glm()] and `nnet` record theirs, what the fit is
#'   worth on its training data: `converged`, `null_loss` (the intercept-only
#'   model's loss, glm's null deviance / 2n), `train_loss`, `train_accuracy`;
#'   also `scaling` (`NULL`, or the folded `center` and `scale`) and
#'   `ranges` (each predictor's training minimum and maximum); and what it was
#'   fitted to, under glm's names: `y`, `prior.weights`, `linear.predictors`,
#'   `fitted.values` and the model frame `model` (see [xor_model_methods]).
#'   It holds no Python object, so it survives [saveRDS()] and works in a new
#'   R session.
#' @section Honest fits: Training that diverges is an error naming `lr`: the
#'   loss or the weights overflow, or the final loss ends more than 1.1 times
#'   above both the starting loss and the intercept-only loss. A fit that
#'   learned nothing (final loss not below 0.99 times the intercept-only loss)
#'   or predicts one class for every training row gives a warning of class
#'   `xortorch_fit_warning` naming the likely cause and the fix, and has
#'   `converged = FALSE`; so does a response with one class, or fewer rows than
#'   the network has weights.
#' @section Limits: At most 50,000,000 rows; values beyond float32's range
#'   (about 3.4e38) are refused, and so is a learning rate below float32's
#'   smallest normal number (about 1.2e-38), which would round to zero.
#' @seealso [predict.xor_model()], [xor_evaluate()], [plot.xor_model()],
#'   [coef.xor_model()], [logLik.xor_model()], [xor_save()], [xor_sweep()];
#'   [stats::glm()] and `nnet::nnet()`, whose formula interface this follows.
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' m
#' # The training loss per epoch: a plateau near log(2), then a fall as the network finds the corners
#' plot(m, type = "loss")
#' # Continue training where it left off
#' m <- xor_train(xor_data(2500), epochs = 50, init = m)
#'
#' # Your own data: a formula and numeric predictors, standardised by default
#' cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
#' fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1)
#' fit
#' table(predict(fit, cars, type = "class"), cars$am)
#' # Raw horsepower saturates tanh: a warning says the fit learned nothing
#' raw <- xor_train(am ~ hp + wt, data = cars, scale = FALSE, epochs = 300, seed = 1)
#' raw$converged
xor_train <- function(formula = label ~ x1 + x2, data = xor_data(2500), hidden = 4, lr = 0.1, batch_size = 128,
                      epochs = 100, seed = NULL, device = "auto", scale = !inherits(data, "xor_data"), init = NULL,
                      weights = NULL, subset = NULL, na.action = getOption("na.action"), # nolint: object_name_linter.
                      valid = NULL, patience = NULL, min_delta = 0, weight_decay = 0, class_weight = NULL,
                      log_dir = NULL, log_every = 10, progress = interactive(), model = TRUE) {
  call <- model_call(match.call(), formula)
  given <- c(hidden = !missing(hidden), scale = !missing(scale))  # before the checks assign them
  args <- formula_and_data(formula, data, missing(data))
  # The tutorial's formula, when defaulted, is read where the call was made, as a typed one would be.
  if (missing(formula) || is.data.frame(formula)) environment(args$formula) <- parent.frame()
  data <- args$data  # what `scale`'s default looks at: xor_train(d) passes d first
  if (!is.null(init) && (missing(formula) || is.data.frame(formula))) {
    args$formula <- model_spec(check_model(init, "init"))$formula
  }
  hidden <- check_count(hidden, "hidden", maximum = "hidden")
  lr <- check_positive(lr, "lr")
  batch_size <- check_count(batch_size, "batch_size")
  epochs <- check_count(epochs, "epochs", maximum = "epochs")
  seed <- check_seed(seed)
  device <- check_device(device)
  scale <- check_flag(scale, "scale")
  progress <- check_flag(progress, "progress")
  if (!is.null(patience)) patience <- check_count(patience, "patience")
  min_delta <- check_positive(min_delta, "min_delta", allow_zero = TRUE)
  weight_decay <- check_positive(weight_decay, "weight_decay", allow_zero = TRUE)
  if (!is.null(log_dir)) log_dir <- path.expand(check_string(log_dir, "log_dir"))
  log_every <- check_count(log_every, "log_every")
  keep_frame <- check_flag(model, "model")
  check_init(init, hidden, scale, given)

  frame <- training_frame(args$formula, data, substitute(weights), substitute(subset), na.action)
  td <- training_data(frame)
  spec <- td$spec
  start <- NULL
  if (!is.null(init)) {
    if (!identical(model_spec(init)$predictors, spec$predictors)) {
      abort("`init` takes the inputs ", paste(model_spec(init)$predictors, collapse = ", "), " but the formula gives ",
            paste(spec$predictors, collapse = ", "), ".")
    }
    start <- model_to_py(init)
  }
  py_model <- with_progress(progress, epochs, function(callback) {
    py_args <- data_to_py(td$X, td$y, td$weights)
    py_call(xt()$train(
      py_args$X, py_args$y, hidden = hidden, lr = lr, batch_size = int_to_py(batch_size), epochs = epochs,
      seed = int_to_py(seed), device = device, scale = scale, callback = callback, init = start,
      sample_weight = py_args$weights,
      valid = valid_to_py(valid, spec), patience = patience, min_delta = min_delta, weight_decay = weight_decay,
      class_weight = class_weight_to_py(class_weight, spec), log_dir = log_dir, log_every = log_every
    ), rename = c(X = "data", y = paste0("data$", spec$response), sample_weight = "weights",
                columns_for_messages(spec)),
    classes = class_names(spec))
  })
  fit <- with_formula(model_from_py(py_model, spec), call, td)
  fit$config <- c(fit$config, steering_config(valid, patience, class_weight))
  with_fit_data(fit, td, frame, if (is_number(valid)) trained_rows(td$y, valid, seed), keep_frame)
}

# How training was steered, for summary() and print(): Python's config does not record these.
steering_config <- function(valid, patience, class_weight) {
  list(patience = patience, class_weight = class_weight,
       valid = if (is_number(valid)) as.numeric(valid) else if (!is.null(valid)) "data")
}

# The rows train() kept when `valid` is a fraction: Python's own split, from the same seed.
trained_rows <- function(y, valid, seed) {
  xt()  # the Python side, before its helper
  steer <- reticulate::import("xortorch._steer")
  split <- steer$stratified_split(data_to_py(matrix(0), y)$y, as.numeric(valid), int_to_py(seed))
  as.integer(split[[1]]) + 1L
}

# What glm() keeps of the data a model was fitted to, under glm()'s names, for the rows that trained: the 0/1
# response `y`, the `prior.weights` (case weights; class weights are not part of the data), the
# `linear.predictors` and `fitted.values`, and unless `keep_frame` is FALSE the model frame `model`. fitted(),
# residuals(), predict() without newdata, logLik() and model.frame() read these, never the caller's data again.
with_fit_data <- function(model, td, frame, rows = NULL, keep_frame = TRUE) {
  all_rows <- is.null(rows)
  if (all_rows) rows <- seq_len(length(td$y))
  names <- row.names(frame)[rows]
  X <- td$X[rows, , drop = FALSE]
  rownames(X) <- names
  w <- if (is.null(td$weights)) rep(1, length(rows)) else as.numeric(td$weights[rows])
  model$y <- stats::setNames(as.numeric(td$y[rows]), names)
  model$prior.weights <- stats::setNames(w, names)
  model$linear.predictors <- predictions(model, list(X = X), "link", td$spec)
  model$fitted.values <- predictions(model, list(X = X), "response", td$spec)
  # With rows held out for validation, these describe the rows that trained (no NA padding by position).
  model$trained_rows <- if (!all_rows) rows
  model$n_obs <- sum(w != 0)
  model$weight_sum <- sum(w)
  model$class_counts <- stats::setNames(tabulate(td$y[rows] + 1L, 2L), class_names(td$spec) %||% c("0", "1"))
  if (keep_frame) {
    kept <- frame[rows, , drop = FALSE]
    attr(kept, "terms") <- attr(frame, "terms")
    if (all_rows) attr(kept, "na.action") <- attr(frame, "na.action") # nolint: object_name_linter.
    model$model <- kept
  }
  model
}

# `init` continues a model with its own hidden units and scaling: an explicit other value is a conflict.
check_init <- function(init, hidden, scale, given) {
  if (is.null(init)) return(invisible())
  check_model(init, "init")
  if (!given[["hidden"]]) hidden <- NULL
  if (!given[["scale"]]) scale <- NULL
  units <- length(init$state[["linear1.bias"]])
  if (!is.null(hidden) && hidden != units) {
    abort("`hidden` = ", hidden, " conflicts with `init`, which has ", units, " hidden units: leave `hidden` out ",
          "to continue `init`, or drop `init` to train a new network.")
  }
  scaled <- !is.null(init$scaling)
  if (!is.null(scale) && scale != scaled) {
    abort("`scale` = ", scale, " conflicts with `init`, which was trained on ", if (scaled) "standardised" else "raw",
          " inputs: leave `scale` out to continue `init` as it was trained.")
  }
}

# Python names the columns of an unnamed `X` as `X[:, j]`; in R they have the design matrix's names.
columns_for_messages <- function(spec) {
  stats::setNames(gsub("^`|`$", "", spec$predictors), sprintf("X[:, %d]", seq_along(spec$predictors) - 1L))
}

# The call as update() should replay it: xor_train(d) names d as `data`.
model_call <- function(call, formula) {
  if (is.data.frame(formula) && !is.null(call$formula)) {
    call$data <- call$formula
    call$formula <- NULL
  }
  call
}

# What a fitted model keeps of its formula and data, under glm()'s names.
with_formula <- function(model, call, td) {
  model$call <- call
  model$formula <- td$spec$formula
  model$terms <- td$spec$terms
  model$xlevels <- td$spec$xlevels
  model$contrasts <- td$spec$contrasts
  model$na.action <- td$na.action
  model$n_obs <- if (is.null(td$weights)) length(td$y) else sum(td$weights != 0)
  model$weight_sum <- if (is.null(td$weights)) length(td$y) else sum(td$weights)
  model$class_counts <- stats::setNames(tabulate(td$y + 1L, 2L), class_names(td$spec) %||% c("0", "1"))
  model
}

# Run `fit(callback)` with R's own progress bar driven by the per-epoch callback
# (reticulate does not flush Python's output during a call, so tqdm would not show).
with_progress <- function(progress, epochs, fit) {
  if (!progress) return(fit(NULL))
  bar <- utils::txtProgressBar(min = 0, max = epochs, style = 3, file = stderr())
  on.exit(close(bar), add = TRUE)
  # Redrawn every 0.1 s and at the end, not every epoch: each call from Python into R costs about 0.25 ms.
  draw <- function(epoch, loss) utils::setTxtProgressBar(bar, epoch)
  xt()  # the Python side, before its helper
  fit(reticulate::import("xortorch._steer")$every(0.1, draw, as.integer(epochs)))
}

#' @export
print.xor_model <- function(x, ...) {
  hidden <- length(x$state[["linear1.bias"]])
  spec <- model_spec(x)
  cat(
    "<xor_model> SimpleClassifier(\n",
    "  (linear1): Linear(in_features=", length(spec$predictors), ", out_features=", hidden, ", bias=True)\n",
    "  (act_fn): Tanh()\n",
    "  (linear2): Linear(in_features=", hidden, ", out_features=1, bias=True)\n",
    ")\n",
    sep = ""
  )
  for (name in param_names) {
    cat(sprintf("Parameter %s, shape [%s]\n", name,
                paste(dim(x$state[[name]]) %||% length(x$state[[name]]), collapse = ", ")))
  }
  cat("Formula: ", deparse1(spec$formula), if (isTRUE(x$config$scale)) " (inputs standardised)", "\n", sep = "")
  if (length(x$loss)) {
    cat(sprintf("Trained %d epochs on %s (%.2f s); final loss %.4f\n",
                length(x$loss), x$device, x$seconds %||% NA_real_, x$loss[length(x$loss)]))
  } else {
    cat("Loaded from a file (no training history)\n")
  }
  print_fit_quality(x)
  writeLines(steering_lines(x))
  invisible(x)
}

# The epoch whose weights a model trained with validation holds: its best epoch with `patience`, else its last.
held_epoch <- function(x) {
  if (!is.null(x$config$patience) && !is.null(x$best_epoch)) x$best_epoch else length(x$valid_loss)
}

# What steered training beyond lr and epochs: case and class weights, weight decay, validation and early
# stopping, and which epoch's weights the model holds.
steering_lines <- function(x) {
  cfg <- x$config
  lines <- character()
  weighing <- c(
    if (!is.null(x$prior.weights) && any(x$prior.weights != 1)) {
      sprintf("case weights (sum %s)", format(sum(x$prior.weights)))
    },
    if (identical(cfg$class_weight, "balanced")) "class weights balanced",
    if (is.numeric(cfg$class_weight)) {
      paste0("class weights ", paste(names(cfg$class_weight), cfg$class_weight, sep = " = ", collapse = ", "))
    },
    if (isTRUE(cfg$weight_decay > 0)) sprintf("weight decay %g", cfg$weight_decay)
  )
  if (length(weighing)) lines <- c(lines, paste0("Weighting: ", paste(weighing, collapse = "; ")))
  valid <- x$valid_loss
  if (!is.null(valid)) {
    best <- x$best_epoch %||% which.min(valid)
    held <- if (is.numeric(cfg$valid)) sprintf("%g of the rows held out", cfg$valid) else "validation data"
    returned <- held_epoch(x)
    lines <- c(lines, sprintf("Validation (%s): loss %.4f at epoch %d, the weights returned", held,
                              valid[returned], returned))
    if (returned != best) {
      lines <- c(lines, sprintf(paste0("  The best epoch was %d (validation loss %.4f); without `patience` the ",
                                       "last epoch's weights were returned."), best, valid[best]))
    } else if (identical(x$stopped_by, "early stopping")) {
      lines <- c(lines, sprintf("  Stopped early at epoch %d (`patience` = %d); the best epoch's weights returned.",
                                length(valid), cfg$patience))
    }
  }
  lines
}

# Training loss against the intercept-only loss, and a verdict when it is bad.
print_fit_quality <- function(x) {
  if (is.null(x$converged)) return(invisible())
  cat(sprintf("Training loss %.4f (intercept-only %.4f), training accuracy %.4f\n",
              x$train_loss, x$null_loss, x$train_accuracy))
  if (!isTRUE(x$converged)) {
    cat("Warning: the fit did not converge: ", if (!is.finite(x$train_loss)) {
      "it diverged (use a smaller `lr`).\n"
    } else if (x$train_loss < 0.99 * x$null_loss) {
      "it did not train (its loss barely moved from the random start).\n"
    } else {
      "it learned nothing (its loss is not below the intercept-only loss).\n"
    }, sep = "")
  }
  invisible()
}

#' Summarise a trained model
#'
#' What a statistician asks of a fit first: how much data (rows, classes, rows
#' dropped for `NA`), how training went (epochs, learning rate, scaling) and
#' what the fit is worth on its training data: the training loss against the
#' null (intercept-only) loss, as [stats::glm()]'s deviance against its null
#' deviance, the training accuracy, and whether it converged.
#'
#' @param object An `xor_model`.
#' @param x A `summary.xor_model`.
#' @param ... Unused.
#' @returns A list of class `summary.xor_model`, printed as a short report.
#' @seealso [xor_train()], [xor_model_methods].
#' @export
#' @examplesIf xortorch_available()
#' cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
#' summary(xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1))
summary.xor_model <- function(object, ...) {
  spec <- model_spec(object)
  structure(list(
    formula = spec$formula,
    hidden = length(object$state[["linear1.bias"]]),
    inputs = length(spec$predictors),
    parameters = sum(lengths(object$state)),
    config = object$config,
    device = object$device,
    seconds = object$seconds,
    epochs = length(object$loss),
    loss = if (length(object$loss)) object$loss[c(1, length(object$loss))] else numeric(),
    class_counts = object$class_counts,
    dropped = length(object$na.action),
    steering = steering_lines(object),
    fit = object[c("converged", "null_loss", "train_loss", "train_accuracy")]
  ), class = "summary.xor_model")
}

#' @rdname summary.xor_model
#' @export
print.summary.xor_model <- function(x, ...) {
  cat("Formula: ", deparse1(x$formula), "\n", sep = "")
  cat(sprintf("SimpleClassifier %d-%d-1, %d parameters\n", x$inputs, x$hidden, x$parameters))
  cfg <- x$config
  if (x$epochs == 0) {
    cat("Loaded from a file (no training history)\n")
    return(invisible(x))
  }
  counts <- if (length(x$class_counts)) {
    paste0(" (", paste(sprintf("%s: %d", names(x$class_counts), x$class_counts), collapse = ", "), ")")
  }
  cat(sprintf("Data: %s rows%s%s\n", format(cfg$n), counts,
              if (x$dropped) sprintf("; %d rows with NA left out", x$dropped) else ""))
  cat(sprintf("Training: lr %g, batch size %d, %d epochs, seed %s, inputs %s\n", cfg$lr, cfg$batch_size, x$epochs,
              format(cfg$seed), if (isTRUE(cfg$scale)) "standardised" else "raw"))
  cat(sprintf("Loss: %.4f (epoch 1) -> %.4f (epoch %d)\n", x$loss[1], x$loss[2], x$epochs))
  if (!is.null(x$fit$converged)) {
    cat(sprintf("Null (intercept-only) loss: %.4f; training loss %.4f, accuracy %.4f; converged: %s\n",
                x$fit$null_loss, x$fit$train_loss, x$fit$train_accuracy, if (x$fit$converged) "yes" else "no"))
  }
  if (length(x$steering)) writeLines(x$steering)
  cat(sprintf("Device: %s, %.3f s\n", x$device, x$seconds))
  invisible(x)
}

#' Weights, training history and other views of a model
#'
#' `coef()` returns every weight as one named vector, named after the
#' tutorial's `state_dict` (`linear1.weight[2,1]` is row 2, column 1 of
#' `linear1.weight`; PyTorch's row-major order). `as.data.frame()` returns the
#' training history, one row per epoch (with the validation loss and accuracy
#' when the model was trained with `valid`).
#'
#' @param object,x An `xor_model`.
#' @param row.names,optional Unused; for compatibility with the generic.
#' @param ... Unused.
#' @returns `coef()`: a named numeric vector (17 values for the tutorial's
#'   2-4-1 network). `as.data.frame()`: a data frame with columns `epoch` and
#'   `loss` (no rows for a model loaded from a file).
#' @seealso [predict.xor_model()], [summary()][summary.xor_model] and the other [model methods][xor_model_methods].
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' coef(m)
#' tail(as.data.frame(m))
coef.xor_model <- function(object, ...) {
  parts <- lapply(param_names, function(name) {
    x <- object$state[[name]]
    if (is.null(dim(x))) return(stats::setNames(as.numeric(x), sprintf("%s[%d]", name, seq_along(x))))
    index <- expand.grid(col = seq_len(ncol(x)), row = seq_len(nrow(x)))  # row-major, as PyTorch flattens
    stats::setNames(x[cbind(index$row, index$col)], sprintf("%s[%d,%d]", name, index$row, index$col))
  })
  unlist(parts)
}

#' @rdname coef.xor_model
#' @export
# `row.names` is the generic's argument name.
as.data.frame.xor_model <- function(x, row.names = NULL, optional = FALSE, ...) { # nolint: object_name_linter.
  out <- data.frame(epoch = seq_along(x$loss), loss = as.numeric(x$loss))
  if (!is.null(x$valid_loss)) {
    out$valid_loss <- as.numeric(x$valid_loss)
    out$valid_accuracy <- as.numeric(x$valid_accuracy)
  }
  out
}
