# The formula interface: response codings, numeric predictors, NA rows. (Scaling is Python's: test_scaling.py.)

spec_of <- function(formula, data) {
  xortorch:::training_data(xortorch:::training_frame(formula, data, NULL, NULL, stats::na.omit))$spec
}

test_that("a formula picks the response and builds the design matrix, `.` included", {
  d <- data.frame(u = c(1, 2, 3), v = c(0.5, 0.1, 0.2), status = c(0, 1, 1), note = c("a", "b", "a"))
  spec <- spec_of(status ~ u + v, d)
  expect_identical(spec$predictors, c("u", "v"))
  expect_identical(spec$response, "status")
  expect_identical(spec_of(status ~ ., d[c("u", "v", "status")])$predictors, c("u", "v"))
  xy <- xortorch:::model_data(spec, d)
  expect_identical(unname(xy$X), cbind(c(1, 2, 3), c(0.5, 0.1, 0.2)))
  expect_identical(xy$y, c(0L, 1L, 1L))
  # Characters and factors are dummy-coded in treatment contrasts, as model.matrix() codes them.
  expect_identical(spec_of(status ~ u + note, d)$predictors, c("u", "noteb"))
  expect_identical(spec_of(status ~ u:v, d)$predictors, "u:v")
  expect_error(spec_of(status ~ w, d), "`data` lacks the column(s) w.", fixed = TRUE)
  expect_error(spec_of(status ~ c, d), "`data` lacks the column(s) c.", fixed = TRUE)  # base's c() is no column
})

test_that("responses may be 0/1, logical or a two-level factor, and classes come back in that coding", {
  f <- factor(c("no", "yes", "yes"))
  spec <- spec_of(y ~ u, data.frame(u = 1:3, y = f))
  expect_identical(spec$levels, c("no", "yes"))
  expect_identical(xortorch:::encode_response(f, spec, "y"), c(0L, 1L, 1L))
  expect_identical(xortorch:::decode_class(c(1L, 0L), spec), factor(c("yes", "no"), levels = c("no", "yes")))
  expect_error(xortorch:::encode_response(factor("maybe"), spec, "data$y"),
               "must hold the levels no and yes, found \"maybe\"")
  lspec <- spec_of(y ~ u, data.frame(u = 1:2, y = c(TRUE, FALSE)))
  expect_identical(xortorch:::encode_response(c(TRUE, FALSE, NA), lspec, "y"), c(1L, 0L, NA))
  expect_identical(xortorch:::decode_class(c(1L, 0L), lspec), c(TRUE, FALSE))
  nspec <- xortorch:::default_spec(2)
  expect_error(xortorch:::encode_response(c(0, 3), nspec, "data$label"),
               "`data$label` must hold only 0 and 1, found 3.", fixed = TRUE)
  expect_error(spec_of(y ~ u, data.frame(u = 1:3, y = factor(c("a", "b", "c")))), "two levels")
  expect_error(spec_of(y ~ u, data.frame(u = 1:2, y = c("a", "b"))), "must be 0/1 numbers, TRUE/FALSE")
})

test_that("subsetting xor_data away from its columns drops the class, so plot() is the default one", {
  d <- structure(data.frame(x1 = 1:2, x2 = 3:4, label = 0:1), class = c("xor_data", "data.frame"))
  expect_s3_class(d[1, ], "xor_data")
  expect_false(inherits(d[, c("x1", "x2")], "xor_data"))
  path <- tempfile(fileext = ".png")
  grDevices::png(path)
  expect_silent(plot(d[, c("x1", "x2")]))
  grDevices::dev.off()
})
