# Argument checks, run in R before anything crosses to Python so that errors
# name the argument the user typed.

#' Largest magnitude a float32 holds: PyTorch computes in float32, so larger
#' values would silently become infinite.
#' @noRd
float32_max <- 3.4028234663852886e38

# A value as a message shows it: a single value as typed, anything else by its kind.
describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.function(x)) return("a function")
  if (is.factor(x)) return(sprintf("a factor of length %d", length(x)))
  if (is.data.frame(x)) return(sprintf("a data frame with %d rows and %d columns", nrow(x), ncol(x)))
  if (!is.atomic(x)) return(sprintf("an object of class <%s>", paste(class(x), collapse = "/")))
  describe_atomic(x)
}

describe_atomic <- function(x) {
  type <- if (is.double(x)) "numeric" else typeof(x)
  if (is.matrix(x)) return(sprintf("a %d x %d %s matrix", nrow(x), ncol(x), type))
  if (length(x) != 1L) return(sprintf("a %s vector of length %d", type, length(x)))
  if (is.character(x) && !is.na(x)) encodeString(x, quote = "\"") else format(x)
}

abort <- function(...) stop(paste0(...), call. = FALSE)

is_number <- function(x) is.numeric(x) && !is.factor(x) && length(x) == 1L && !is.na(x) && is.finite(x)

check_count <- function(x, name, minimum = 1, maximum = NULL) {
  if (!is_number(x) || x != round(x) || x < minimum || (!is.null(maximum) && x > maximum)) {
    range <- if (is.null(maximum)) {
      sprintf("of at least %s", format(minimum))
    } else {
      sprintf("between %s and %s", format(minimum), format(maximum, big.mark = ",", scientific = FALSE))
    }
    abort("`", name, "` must be a whole number ", range, ", not ", describe(x), ".")
  }
  if (x > .Machine$integer.max) x else as.integer(x)
}

check_positive <- function(x, name, allow_zero = FALSE) {
  if (!is_number(x) || x < 0 || (x == 0 && !allow_zero)) {
    kind <- if (allow_zero) "non-negative" else "positive"
    abort("`", name, "` must be a ", kind, " number, not ", describe(x), ".")
  }
  if (x > float32_max) abort("`", name, "` = ", format(x), " is beyond float32's range (about 3.4e38).")
  as.numeric(x)
}

# NULL draws a seed from R's RNG, so set.seed() makes the whole call reproducible.
check_seed <- function(seed, name = "seed") {
  if (is.null(seed)) return(sample.int(.Machine$integer.max, 1L))
  check_count(seed, name, minimum = 0, maximum = .Machine$integer.max)
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
  if (!is.numeric(x) || length(x) != 2L || !all(is.finite(x)) || x[1] >= x[2]) {
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

# Finite values float32 can hold; `what` names the column for the message.
check_values <- function(x, what) {
  if (any(is.infinite(x))) abort("`", what, "` contains infinite values.")
  big <- suppressWarnings(max(abs(x), na.rm = TRUE))
  if (is.finite(big) && big > float32_max) {
    abort("`", what, "` holds ", format(big), ", beyond float32's range (about 3.4e38).")
  }
  invisible(x)
}
