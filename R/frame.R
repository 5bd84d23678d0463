# The learner's data, read as glm() and nnet() read it: a formula, evaluated
# by stats::model.frame() with `weights`, `subset` and `na.action`, expanded by
# stats::model.matrix() into the design matrix the network takes (factor
# predictors in treatment contrasts, interactions, poly(), I(), log(), ...),
# without the intercept column: the network has its own biases. A model keeps
# the result (its "spec": terms, factor levels, contrasts, the response's
# coding and the design's column names) so that predict(), xor_evaluate() and
# plots build the same columns from new data.

default_formula <- function() label ~ x1 + x2

# xor_train(formula, data), xor_train(data) and xor_train(data = d) all work:
# a data frame given first is the data, with the tutorial's formula.
formula_and_data <- function(formula, data, data_missing) {
  if (is.data.frame(formula)) {
    if (!data_missing) abort("`formula` must be a formula such as label ~ x1 + x2, not a data frame.")
    return(list(formula = default_formula(), data = formula))
  }
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort("`formula` must be a formula with a response, such as label ~ x1 + x2, not ", describe(formula), ".")
  }
  list(formula = formula, data = data)
}

check_frame <- function(data, name) {
  if (is.list(data) && !is.data.frame(data) && length(data) && all(lengths(data) == length(data[[1L]]))) {
    data <- as.data.frame(data, optional = TRUE)  # a list of equal-length columns, as predict.glm takes
  }
  if (!is.data.frame(data)) {
    abort("`", name, "` must be a data frame (such as xor_data() returns), not ", describe(data), ".")
  }
  data
}

# Variables the formula needs that neither `data` nor the formula's environment
# has (as a value: base's c() is no column c).
check_columns <- function(formula, data, name) {
  env <- environment(formula) %||% globalenv()
  wanted <- setdiff(all.vars(formula), ".")
  in_env <- function(v) exists(v, envir = env) && !is.function(get(v, envir = env))
  missing <- wanted[!wanted %in% names(data) & !vapply(wanted, in_env, logical(1))]
  if (length(missing)) abort("`", name, "` lacks the column(s) ", paste(missing, collapse = ", "), ".")
}

# The model frame of the training data, as glm() builds it: `weights` and
# `subset` are expressions evaluated in `data` (then the formula's environment).
# `na.action` is model.frame()'s own argument name.
training_frame <- function(formula, data, weights, subset, na.action) { # nolint: object_name_linter.
  data <- check_frame(data, "data")
  if (nrow(data) == 0) abort("`data` has no rows.")
  check_columns(formula, data, "data")
  na.action <- check_na_action(na.action) # nolint: object_name_linter.
  call <- list(quote(stats::model.frame), formula = formula, data = data, weights = weights, subset = subset,
               na.action = na.action, drop.unused.levels = TRUE)
  # model.frame() evaluates the variables, `weights` and `subset` in `data`: its errors, in the user's terms.
  frame <- tryCatch(eval(as.call(call[!vapply(call, is.null, logical(1))])), error = function(e) {
    msg <- conditionMessage(e)
    if (grepl("(weights)", msg, fixed = TRUE)) {
      abort("`weights` must have one value per row of `data` (", nrow(data), "): ", msg, ".")
    }
    abort("The formula's variables, `weights` and `subset` are evaluated in `data`, then where the formula was ",
          "written: ", msg, ".")
  })
  if (nrow(frame) == 0) {
    abort("`data` has no rows left: every row has NA in the variables used",
          if (!is.null(subset)) ", or `subset` picked none", ".")
  }
  # drop.unused.levels is for predictors; the response keeps its coding (a sample of one class stays a factor of two).
  response <- eval(formula[[2L]], data, environment(formula))
  if (is.factor(response) && is.factor(frame[[1L]])) frame[[1L]] <- factor(frame[[1L]], levels = levels(response))
  frame
}

# A function, or the name of one (R's na.action option holds a name), or NULL.
check_na_action <- function(na.action) { # nolint: object_name_linter.
  if (is.character(na.action) && length(na.action) == 1L && exists(na.action, mode = "function")) {
    na.action <- get(na.action, mode = "function") # nolint: object_name_linter.
  }
  if (!is.null(na.action) && !is.function(na.action)) {
    abort("`na.action` must be a function such as na.omit or na.exclude, or its name, not ", describe(na.action), ".")
  }
  na.action
}

# The spec of a model trained on `frame`, and its design matrix, labels and case weights.
training_data <- function(frame) {
  tt <- attr(frame, "terms")
  if (!is.null(attr(tt, "offset")) || !is.null(stats::model.offset(frame))) {
    abort("`formula` has an offset (", deparse1(attr(tt, "variables")[[attr(tt, "offset")[1] + 1L]]), "): ",
          "the network has no offset term. Make it a predictor, or leave it out.")
  }
  y <- stats::model.response(frame)
  response <- deparse1(attr(tt, "variables")[[attr(tt, "response") + 1L]])
  if (is.matrix(y)) {
    abort("`formula`'s response ", response, " is a matrix (successes and failures, as glm() takes them): ",
          "xortorch needs one 0/1, logical or two-level factor response. Give each trial its own row, or use ",
          "`weights` for counts.")
  }
  what <- paste0("data$", response)
  coding <- response_coding(y, what)
  X <- design_matrix(tt, frame, NULL, "data")
  if (!ncol(X)) abort("`formula` names no predictors.")
  spec <- list(
    formula = stats::formula(tt), terms = tt, xlevels = stats::.getXlevels(tt, frame),
    contrasts = attr(X, "contrasts"), response = response, predictors = colnames(X), type = coding$type,
    levels = coding$levels
  )
  w <- stats::model.weights(frame)
  if (!is.null(w)) check_weights(w)
  list(spec = spec, X = X, y = encode_response(y, spec, what), weights = w,
       na.action = attr(frame, "na.action"))
}

check_weights <- function(w) {
  if (!is.numeric(w) || any(!is.finite(w)) || any(w < 0) || !any(w > 0)) {
    abort("`weights` must be finite, non-negative numbers, not all zero.")
  }
  invisible(w)
}

# model.matrix() without the intercept column, checked for what float32 holds.
design_matrix <- function(tt, frame, contrasts, name) {
  X <- stats::model.matrix(tt, frame, contrasts.arg = contrasts)
  keep <- colnames(X) != "(Intercept)"
  out <- X[, keep, drop = FALSE]
  attr(out, "contrasts") <- attr(X, "contrasts")
  # One check of the whole matrix; column by column (a copy each) only to name the column that fails.
  if (!fits_float32(out)) for (j in seq_len(ncol(out))) check_values(out[, j], paste0(name, "$", colnames(out)[j]))
  out
}

# The spec of a model that came without one (xor_load(), or a model saved before
# formulas): p inputs named x1 ... xp, 0/1 labels.
default_spec <- function(inputs) {
  predictors <- paste0("x", seq_len(inputs))
  formula <- stats::reformulate(predictors, "label", env = globalenv())
  list(formula = formula, terms = stats::terms(formula), xlevels = list(),
       contrasts = NULL, response = "label", predictors = predictors, type = "numeric", levels = NULL)
}

model_spec <- function(model) {
  spec <- model$spec
  # Models saved by earlier versions kept their spec as `terms`, a plain list.
  if (is.null(spec) && is.list(model$terms) && !inherits(model$terms, "terms")) spec <- model$terms
  if (is.null(spec)) return(default_spec(NCOL(model$state[["linear1.weight"]] %||% matrix(0, 1, 2))))
  if (is.null(spec$terms)) spec$terms <- stats::terms(spec$formula)
  spec
}

response_coding <- function(y, what) {
  if (is.logical(y)) return(list(type = "logical", levels = NULL))
  if (is.factor(y)) {
    if (nlevels(y) != 2L) {
      abort("`", what, "` must be a factor with two levels (the second is class 1), not ",
            nlevels(y), " (", paste(utils::head(levels(y), 5), collapse = ", "), ").")
    }
    return(list(type = "factor", levels = levels(y)))
  }
  if (is.numeric(y)) return(list(type = "numeric", levels = NULL))
  abort("`", what, "` must be 0/1 numbers, TRUE/FALSE or a two-level factor, not ", describe(y), ".")
}

# The response as 0/1 integers (NA stays NA).
encode_response <- function(y, spec, what) {
  if (spec$type == "factor") {
    if (!is.factor(y) && !is.character(y)) {
      abort("`", what, "` must be a factor with levels ", paste(spec$levels, collapse = ", "), ", not ",
            describe(y), ".")
    }
    bad <- !is.na(y) & !(as.character(y) %in% spec$levels)
    if (any(bad)) {
      abort("`", what, "` must hold the levels ", paste(spec$levels, collapse = " and "),
            ", found ", encodeString(as.character(y[bad][1]), quote = "\""), ".")
    }
    return(as.integer(as.character(y) == spec$levels[2L]))
  }
  if (is.logical(y)) return(as.integer(y))
  if (is.factor(y)) y <- as.character(y)
  value <- suppressWarnings(as.numeric(y))
  bad <- (!is.na(y) & is.na(value)) | (!is.na(value) & !(value %in% c(0, 1)))
  if (any(bad)) abort("`", what, "` must hold only 0 and 1, found ", format(y[bad][1]), ".")
  as.integer(value)
}

# 0/1 classes in the response's own coding.
decode_class <- function(cls, spec) {
  switch(spec$type,
    factor = factor(spec$levels[cls + 1L], levels = spec$levels),
    logical = as.logical(cls),
    as.integer(cls)
  )
}

# The model's design matrix of new data (n x p, rows named as `data`'s, NA rows
# kept), and its 0/1 response when asked: the columns the model was trained on.
model_data <- function(spec, data, name = "data", response = TRUE) {
  data <- check_frame(data, name)
  # The training terms keep poly()'s and scale()'s coefficients (predvars); without the response for predict.
  tt <- if (response) spec$terms else stats::delete.response(spec$terms)
  check_columns(tt, data, name)
  frame <- tryCatch(
    stats::model.frame(tt, data, na.action = stats::na.pass, xlev = spec$xlevels),
    error = function(e) {
      msg <- conditionMessage(e)
      if (grepl("has new levels?", msg)) {
        variable <- sub("^factor (.*) has new levels? .*$", "\\1", msg)
        abort("`", name, "$", variable, "` has a level the model was not trained on (", sub("^.* has new levels? ", "",
              msg), "); it knows ", paste(spec$xlevels[[variable]], collapse = ", "), ".")
      }
      abort(msg)
    }
  )
  check_classes(tt, frame, name)
  X <- design_matrix(stats::delete.response(tt), frame, spec$contrasts, name)
  if (!identical(colnames(X), spec$predictors)) {
    abort("`", name, "` gives the columns ", paste(colnames(X), collapse = ", "), " but the model takes ",
          paste(spec$predictors, collapse = ", "), ".")
  }
  # Real row names only: R's automatic 1..n would become a million strings here, and the garbage collector
  # would walk them on every collection. predictions() names the result at the end, as predict.glm() does.
  rownames(X) <- if (.row_names_info(data) > 0L) row.names(data)
  y <- if (response) encode_response(stats::model.response(frame), spec, paste0(name, "$", spec$response))
  list(X = X, y = y)
}

# Each variable of new data of the kind it was trained on (the training terms' dataClasses, which
# predict.lm() checks too), named with both kinds: a character or factor `hp` for a numeric one, 0/1 for a logical.
check_classes <- function(tt, frame, name) {
  trained <- attr(tt, "dataClasses")
  for (variable in intersect(names(trained), names(frame))) {
    given <- stats::.MFclass(frame[[variable]])
    expected <- trained[[variable]]
    if (identical(given, expected) || (expected == "factor" && given %in% c("ordered", "character")) ||
        (expected == "ordered" && given == "factor")) {
      next
    }
    hint <- switch(expected,
      numeric = "convert it with as.numeric()",
      logical = "convert it with as.logical()",
      factor = , ordered = "give it as a factor or character",
      "give it as it was in the training data"
    )
    abort("`", name, "$", variable, "` is ", given, ", but the model was trained on a ", expected, " `", variable,
          "`: ", hint, ".")
  }
}

# Rows to evaluate on: those with no NA (na.omit, as glm() does).
complete_rows <- function(args, name) {
  keep <- stats::complete.cases(args$X) & (if (is.null(args$y)) TRUE else !is.na(args$y))
  if (!any(keep)) abort("`", name, "` has no rows without NA.")
  list(X = args$X[keep, , drop = FALSE], y = args$y[keep])
}

# The names of classes 0 and 1 in the response's own coding, for messages
# (NULL when the response is 0/1 numbers).
class_names <- function(spec) {
  switch(spec$type, factor = spec$levels, logical = c("FALSE", "TRUE"), NULL)
}
