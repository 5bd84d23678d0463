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

# Every xortorch error has class `xortorch_error`, so callers can catch ours alone:
# tryCatch(..., xortorch_error = function(e) ...).
abort <- function(..., class = NULL) {
  stop(structure(class = c(class, "xortorch_error", "error", "condition"),
                 list(message = paste0(...), call = NULL)))
}

is_number <- function(x) is.numeric(x) && !is.factor(x) && length(x) == 1L && !is.na(x) && is.finite(x)

# The argument limits, read once from Python's `xortorch.LIMITS`, their one
# source: values as numbers, and as Python writes them (R's doubles cannot hold
# 2^63 - 1 exactly).
limit <- function(name) load_limits()$value[[name]]
limit_text <- function(name) load_limits()$text[[name]]

load_limits <- function() {
  if (is.null(.state$limits)) {
    xt()
    # As floats: reticulate 1.28 turns a Python int beyond R's integers into a wrong integer (2^63 - 1 into -1).
    .state$limits <- reticulate::py_eval(
      "{'value': {k: float(v) for k, v in __import__('xortorch').LIMITS.items()},
        'text': {k: f'{v:,}' for k, v in __import__('xortorch').LIMITS.items()}}"
    )
  }
  .state$limits
}

#' The limits on xortorch's arguments
#'
#' The largest values xortorch accepts, one list for both languages: R reads
#' them from the Python package (`xortorch.LIMITS`), so R and Python refuse the
#' same values with the same message.
#'
#' @returns A named list: `points` (rows of data), `hidden` (hidden units),
#'   `epochs`, `seed`, `weights` (in a loaded model), `grid_points` (cells of
#'   [xor_predict_grid()]), `bench_n` and `repeats` (of [xor_bench()]).
#' @seealso [xor_train()], [xor_data()], [xor_bench()].
#' @export
#' @examplesIf xortorch_available()
#' xor_limits()$hidden
xor_limits <- function() load_limits()$value

big_number <- function(x) format(x, big.mark = ",", scientific = FALSE, trim = TRUE)

# Word for word the message of Python's check_int() for the same mistake.
# `maximum` is a number or the name of one of xortorch's limits.
check_count <- function(x, name, minimum = 1, maximum = NULL) {
  maximum_text <- if (is.character(maximum)) limit_text(maximum) else big_number(maximum)
  if (is.character(maximum)) maximum <- limit(maximum)
  if (!is_count(x, minimum, maximum)) {
    span <- if (is.null(maximum)) {
      sprintf("of at least %s", big_number(minimum))
    } else {
      sprintf("between %s and %s", big_number(minimum), maximum_text)
    }
    abort("`", name, "` must be a whole number ", span, ", not ", if (is_number(x)) big_number(x) else describe(x), ".")
  }
  if (x > .Machine$integer.max) x else as.integer(x)
}

is_count <- function(x, minimum, maximum) {
  is_number(x) && x == round(x) && x >= minimum && (is.null(maximum) || x <= maximum)
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
  check_count(seed, name, minimum = 0, maximum = "seed")
}

# match.arg() for a user's argument, with an error that names it: `type` must be one of "a" or "b", not "c".
check_choice <- function(x, choices, name) {
  if (identical(x, choices)) return(choices[[1]])
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices) {
    abort("`", name, "` must be one of ", paste0("\"", choices, "\"", collapse = ", "), ", not ", describe(x), ".")
  }
  x
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
  if (fits_float32(x)) return(invisible(x))
  if (any(is.infinite(x))) abort("`", what, "` contains infinite values.")
  abort("`", what, "` holds ", format(max(abs(x), na.rm = TRUE)), ", beyond float32's range (about 3.4e38).")
}

# Whether every value of x that is not NA is finite and within float32's range. min() and max() copy
# nothing (is.infinite() and abs() copy x, half of predict()'s time at 1e6 rows; range() copies it too);
# with every value NA they give Inf and -Inf.
fits_float32 <- function(x) {
  ends <- suppressWarnings(c(min(x, na.rm = TRUE), max(x, na.rm = TRUE)))
  ends[1] > ends[2] || (all(is.finite(ends)) && max(abs(ends)) <= float32_max)
}
