# Argument checks, run in R before anything crosses to Python so that errors
# name the argument the user typed.

describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.function(x)) return("a function")
  if (is.atomic(x) && length(x) == 1L) return(format(x))
  if (is.atomic(x)) return(sprintf("a %s vector of length %d", typeof(x), length(x)))
  sprintf("an object of class <%s>", paste(class(x), collapse = "/"))
}

abort <- function(...) stop(paste0(...), call. = FALSE)

is_number <- function(x) is.numeric(x) && length(x) == 1L && !is.na(x) && is.finite(x)

check_count <- function(x, name, minimum = 1, maximum = .Machine$integer.max) {
  if (!is_number(x) || x != round(x) || x < minimum || x > maximum) {
    range <- if (maximum < .Machine$integer.max) {
      sprintf("between %s and %s", format(minimum), format(maximum, big.mark = ","))
    } else {
      sprintf("of at least %s", format(minimum))
    }
    abort("`", name, "` must be a whole number ", range, ", not ", describe(x), ".")
  }
  as.integer(x)
}

check_positive <- function(x, name, allow_zero = FALSE) {
  if (!is_number(x) || x < 0 || (x == 0 && !allow_zero)) {
    kind <- if (allow_zero) "non-negative" else "positive"
    abort("`", name, "` must be a ", kind, " number, not ", describe(x), ".")
  }
  as.numeric(x)
}

# NULL draws a seed from R's RNG, so set.seed() makes the whole call reproducible.
check_seed <- function(seed) {
  if (is.null(seed)) return(sample.int(.Machine$integer.max, 1L))
  check_count(seed, "seed", minimum = 0)
}

check_flag <- function(x, name) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    abort("`", name, "` must be TRUE or FALSE, not ", describe(x), ".")
  }
  x
}

check_device <- function(device) {
  ok <- is.character(device) && length(device) == 1L && !is.na(device) &&
    grepl("^(auto|cpu|cuda(:[0-9]+)?|mps)$", device)
  if (!ok) {
    abort("`device` must be \"auto\", \"cpu\", \"cuda\", \"cuda:N\" or \"mps\", not ",
          describe(device), ".")
  }
  device
}

check_range <- function(x, name) {
  if (!is.numeric(x) || length(x) != 2L || anyNA(x) || any(!is.finite(x)) || x[1] >= x[2]) {
    abort("`", name, "` must be two increasing finite numbers such as c(-0.5, 1.5), not ",
          describe(x), ".")
  }
  as.numeric(x)
}

check_string <- function(x, name) {
  if (!is.character(x) || length(x) != 1L || is.na(x) || !nzchar(x)) {
    abort("`", name, "` must be a single file path, not ", describe(x), ".")
  }
  x
}

check_model <- function(model, name = "model") {
  if (!inherits(model, "xor_model")) {
    abort("`", name, "` must be an <xor_model> from xor_train() or xor_load(), not ",
          describe(model), ".")
  }
  model
}

# A data frame with x1, x2 and (when `labels`) a 0/1 label column, no NA.
check_data <- function(data, name = "data", labels = TRUE) {
  needed <- c("x1", "x2", if (labels) "label")
  if (!is.data.frame(data)) {
    abort("`", name, "` must be a data frame with columns ", paste(needed, collapse = ", "),
          ", not ", describe(data), ".")
  }
  missing <- setdiff(needed, names(data))
  if (length(missing) > 0) {
    abort("`", name, "` lacks the column(s) ", paste(missing, collapse = ", "), ".")
  }
  if (nrow(data) == 0) abort("`", name, "` has no rows.")
  for (col in c("x1", "x2")) {
    x <- data[[col]]
    if (!is.numeric(x)) abort("`", name, "$", col, "` must be numeric, not ", typeof(x), ".")
    if (anyNA(x) || any(!is.finite(x))) {
      abort("`", name, "$", col, "` contains NA or infinite values.")
    }
  }
  if (labels) {
    label <- data$label
    if (is.factor(label)) label <- as.character(label)
    if (anyNA(label)) abort("`", name, "$label` contains NA.")
    bad <- !(label %in% c(0, 1))
    if (any(bad)) {
      abort("`", name, "$label` must hold only 0 and 1, found ", format(label[bad][1]), ".")
    }
  }
  data
}
