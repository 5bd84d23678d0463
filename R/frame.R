# The learner's data: a formula picks a binary response and numeric
# predictors from a data frame, as in glm() and nnet(). A model keeps the
# result (its "spec") so that predict(), xor_evaluate() and xor_sweep() read
# the same columns in the same coding.

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
  if (!is.data.frame(data)) {
    abort("`", name, "` must be a data frame (such as xor_data() returns), not ", describe(data), ".")
  }
  if (nrow(data) == 0) abort("`", name, "` has no rows.")
  data
}

check_columns <- function(formula, data, name) {
  missing <- setdiff(all.vars(formula), c(".", names(data)))
  if (length(missing)) abort("`", name, "` lacks the column(s) ", paste(missing, collapse = ", "), ".")
}

# The spec of a model trained with `formula` on `data`: `.` expanded, the
# predictors' names and the response's coding.
new_spec <- function(formula, data, name = "data") {
  check_frame(data, name)
  check_columns(formula, data, name)
  tt <- stats::terms(formula, data = data)
  predictors <- attr(tt, "term.labels")
  if (!length(predictors)) abort("`formula` names no predictors.")
  if (any(attr(tt, "order") > 1L)) {
    abort("`formula` may only list predictors (no interactions such as u:v); make such columns yourself.")
  }
  response <- deparse1(formula[[2L]])
  y <- stats::model.frame(stats::reformulate("1", response, env = environment(formula)), data,
                          na.action = stats::na.pass)[[1L]]
  coding <- response_coding(y, paste0(name, "$", response))
  list(formula = stats::reformulate(predictors, response, env = globalenv()), response = response,
       predictors = predictors, type = coding$type, levels = coding$levels)
}

# The spec of a model that came without one (xor_load(), or a model saved before
# formulas): p inputs named x1 ... xp, 0/1 labels.
default_spec <- function(inputs) {
  predictors <- paste0("x", seq_len(inputs))
  list(formula = stats::reformulate(predictors, "label", env = globalenv()), response = "label",
       predictors = predictors, type = "numeric", levels = NULL)
}

model_spec <- function(model) model$terms %||% default_spec(NCOL(model$state[["linear1.weight"]] %||% matrix(0, 1, 2)))

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

# The predictors as an n x p double matrix, and the 0/1 response when asked.
# Rows keep their NAs; callers decide what to do with them.
model_data <- function(spec, data, name = "data", response = TRUE) {
  check_frame(data, name)
  formula <- if (response) spec$formula else stats::delete.response(stats::terms(spec$formula))
  check_columns(formula, data, name)
  frame <- stats::model.frame(formula, data, na.action = stats::na.pass)
  X <- matrix(0, nrow(frame), length(spec$predictors), dimnames = list(rownames(data), spec$predictors))
  for (j in seq_along(spec$predictors)) {
    x <- frame[[spec$predictors[j]]]
    what <- paste0(name, "$", spec$predictors[j])
    if (!is.numeric(x) || is.factor(x) || !is.null(dim(x))) {
      abort("`", what, "` must be numeric, not ", describe(x), ": xortorch does no automatic ",
            "dummy coding; convert it first (for example with model.matrix()).")
    }
    check_values(x, what)
    X[, j] <- x
  }
  y <- if (response) encode_response(frame[[1L]], spec, paste0(name, "$", spec$response))
  list(X = X, y = y)
}

# Training rows: those with no NA (na.omit, as glm() does).
complete_rows <- function(args, name) {
  keep <- stats::complete.cases(args$X) & (if (is.null(args$y)) TRUE else !is.na(args$y))
  if (!any(keep)) abort("`", name, "` has no rows without NA.")
  list(X = args$X[keep, , drop = FALSE], y = args$y[keep])
}

# What training sees: the spec, the complete rows' inputs and their 0/1 labels.
# Standardising (`scale`) happens in Python, which folds it into the weights.
training_data <- function(formula, data) {
  spec <- new_spec(formula, data)
  xy <- complete_rows(model_data(spec, data), "data")
  list(spec = spec, X = xy$X, y = xy$y)
}

# The names of classes 0 and 1 in the response's own coding, for messages
# (NULL when the response is 0/1 numbers).
class_names <- function(spec) {
  switch(spec$type, factor = spec$levels, logical = c("FALSE", "TRUE"), NULL)
}
