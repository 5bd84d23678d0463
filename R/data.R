#' Simulate the continuous XOR data set
#'
#' The tutorial's `XORDataset`: points at the corners of the unit square plus
#' Gaussian noise, labelled 1 where exactly one coordinate of the corner is 1.
#'
#' @param n Number of points, 1 to 50,000,000.
#' @param std Standard deviation of the noise; `0` gives the exact corners.
#' @param seed A whole number, or `NULL` to draw one from R's random number
#'   generator (so [set.seed()] makes the result reproducible).
#' @returns A data frame of class `xor_data` with columns `x1`, `x2` (double)
#'   and `label` (integer 0 or 1).
#' @seealso [plot.xor_data()], [xor_train()].
#' @export
#' @examplesIf xortorch_available()
#' d <- xor_data(200, seed = 1)
#' head(d)
#' # The 200 points, coloured by class: label 1 where exactly one coordinate is near 1
#' plot(d)
xor_data <- function(n = 200, std = 0.1, seed = NULL) {
  n <- check_count(n, "n", maximum = "points")
  std <- check_positive(std, "std", allow_zero = TRUE)
  seed <- check_seed(seed)
  data_from_py(py_call(xt()$make_data(n, std = std, seed = int_to_py(seed))))
}

#' @export
`[.xor_data` <- function(x, ...) {
  out <- NextMethod()
  # Still the tutorial's data only while it has all three columns.
  if (!is.data.frame(out) || !all(c("x1", "x2", "label") %in% names(out))) {
    class(out) <- setdiff(class(out), "xor_data")
  }
  out
}
