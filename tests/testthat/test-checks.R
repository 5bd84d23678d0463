test_that("counts and numbers name the argument and the value", {
  expect_error(xortorch:::check_count(0, "n"), "`n` must be a whole number of at least 1, not 0.", fixed = TRUE)
  expect_error(xortorch:::check_count(2.5, "n"), "not 2.5")
  expect_error(xortorch:::check_count(NA, "n"), "not NA")
  expect_error(xortorch:::check_count("5", "n"), "`n` must be a whole number")
  expect_error(xortorch:::check_count(1:2, "n"), "vector of length 2")
  expect_identical(xortorch:::check_count(5, "n"), 5L)
  expect_error(xortorch:::check_positive(-1, "lr"), "`lr` must be a positive number, not -1.", fixed = TRUE)
  expect_error(xortorch:::check_positive(0, "lr"), "not 0.", fixed = TRUE)
  expect_error(xortorch:::check_positive(Inf, "lr"), "not Inf")
  expect_identical(xortorch:::check_positive(0, "std", allow_zero = TRUE), 0)
})

test_that("seeds are drawn from R's RNG when NULL", {
  skip_if_no_python()
  set.seed(3)
  a <- xortorch:::check_seed(NULL)
  set.seed(3)
  expect_identical(xortorch:::check_seed(NULL), a)
  expect_error(xortorch:::check_seed(-1),
               "`seed` must be a whole number between 0 and 9,223,372,036,854,775,807, not -1.", fixed = TRUE)
})

test_that("devices, ranges, flags and models are checked", {
  expect_error(xortorch:::check_device("gpu"), "`device` must be \"auto\"")
  expect_identical(xortorch:::check_device("cuda:1"), "cuda:1")
  expect_error(xortorch:::check_range(c(1, 0), "xlim"), "`xlim` must be two increasing")
  expect_error(xortorch:::check_flag(NA, "progress"), "`progress` must be TRUE or FALSE")
  expect_error(xortorch:::check_model(list(), "model"), "`model` must be an <xor_model>")
})

test_that("values are described the way a user would write them", {
  expect_error(xortorch:::check_positive("10", "lr"), "`lr` must be a positive number, not \"10\".", fixed = TRUE)
  expect_error(xortorch:::check_count(matrix(1, 30, 30), "n"), "not a 30 x 30 numeric matrix.", fixed = TRUE)
  expect_error(xortorch:::check_count(factor("a"), "n"), "not a factor of length 1.", fixed = TRUE)
  expect_error(xortorch:::check_count(1:900 + 0.5, "n"), "not a numeric vector of length 900.", fixed = TRUE)
  expect_error(xortorch:::check_positive(1e39, "lr"), "`lr` = 1e+39 is beyond float32's range", fixed = TRUE)
  expect_error(xortorch:::check_values(c(1, 1e300), "data$x1"), "`data$x1` holds 1e+300, beyond float32's range",
               fixed = TRUE)
  expect_error(xortorch:::check_values(c(NA, -1e300, 1), "x"), "`x` holds 1e+300, beyond float32's range", fixed = TRUE)
  expect_error(xortorch:::check_values(c(NA, 2, -Inf), "x"), "`x` contains infinite values.", fixed = TRUE)
  expect_identical(xortorch:::check_values(c(NA, NaN, -3e38, 3e38), "x"), c(NA, NaN, -3e38, 3e38))
  expect_identical(xortorch:::check_values(c(NA_real_, NA_real_), "x"), c(NA_real_, NA_real_))
})

test_that("the help pages state the limits and ?xortorch links to every topic", {
  rd <- tools::Rd_db("xortorch")
  text <- function(topic) {
    paste(capture.output(tools::Rd2txt(rd[[topic]], options = list(underline_titles = FALSE))), collapse = " ")
  }
  expect_match(text("xor_train.Rd"), "1 to 4,096")
  expect_match(text("xor_data.Rd"), "50,000,000")
  expect_match(text("xor_predict_grid.Rd"), "100,000,000")
  pkg <- paste(as.character(rd[["xortorch-package.Rd"]]), collapse = "")
  topics <- c("xor_data", "xor_train", "xor_sweep", "predict.xor_model", "xor_save", "xor_bench", "install_xortorch")
  for (topic in topics) {
    expect_match(pkg, sprintf("\\link[=%s]", topic), fixed = TRUE, info = topic)
  }
  expect_silent(utils::citation("xortorch"))
})

test_that("R and Python refuse the same values with the same words, from Python's one list of limits", {
  skip_if_no_python()
  limits <- xor_limits()
  expect_identical(limits$hidden, 4096)
  expect_identical(limits$repeats, 1000)
  expect_identical(limits$seed, 2^63)  # 2^63 - 1 as R's nearest double
  x <- xortorch:::xt()
  X <- matrix(c(0, 0, 1, 1, 0, 1, 0, 1), 4)
  y <- c(0, 1, 1, 0)
  d <- data.frame(x1 = X[, 1], x2 = X[, 2], label = y)
  r_says <- function(call) {
    tryCatch({
      call()
      "no error"
    }, xortorch_error = conditionMessage)
  }
  py_says <- function(call) r_says(function() xortorch:::py_call(call()))
  # Each mistake once from R and once straight into Python.
  same <- list(
    list(function() xor_train(label ~ ., d, hidden = 5000), function() x$train(X, y, hidden = 5000L)),
    list(function() xor_train(label ~ ., d, epochs = 0), function() x$train(X, y, epochs = 0L)),
    list(function() xor_train(label ~ ., d, seed = -1), function() x$train(X, y, seed = -1L)),
    list(function() xor_train(label ~ ., d, seed = 1e19),
         function() x$train(X, y, seed = reticulate::py_eval("10**19", convert = FALSE))),
    list(function() xor_data(0), function() x$make_data(0L)),
    list(function() xor_data(5e7 + 1), function() x$make_data(50000001L)),
    list(function() xor_bench(n = 30000), function() x$bench(n = 30000L)),
    list(function() xor_bench(repeats = 1001), function() x$bench(repeats = 1001L))
  )
  for (case in same) {
    r <- r_says(case[[1]])
    expect_match(r, "^`[a-z]+` must be a whole number between")
    expect_identical(r, py_says(case[[2]]))
  }
  # Seeds beyond R's integers reach Python as exact integers.
  expect_identical(xor_data(3, seed = 2^40)$x1, xor_data(3, seed = 1099511627776)$x1)
  big <- xor_data(3, seed = 2^53)
  expect_identical(big$x1, as.vector(x$make_data(3L, seed = reticulate::py_eval("2**53"))[[1]][, 1]))
})

test_that("every xortorch error has the class xortorch_error, from R's checks and from Python", {
  expect_s3_class(tryCatch(xortorch:::check_positive(-1, "lr"), error = identity), "xortorch_error")
  skip_if_no_python()
  from_python <- tryCatch(xor_train(xor_data(10, seed = 1), lr = 1e10, epochs = 5, seed = 1), error = identity)
  expect_s3_class(from_python, c("xortorch_python_error", "xortorch_error"))
  # A caller can catch ours and let others through.
  caught <- tryCatch(xor_data(-1), xortorch_error = function(e) "ours")
  expect_identical(caught, "ours")
  expect_error(tryCatch(stop("not ours"), xortorch_error = function(e) "ours"), "not ours")
})

test_that("hostile arguments give xortorch errors in the user's terms, never base R's (issue 29)", {
  skip_if_no_python()
  cars <- transform(mtcars, am = factor(am))
  m <- suppressWarnings(xor_train(am ~ hp + wt, cars, epochs = 5, seed = 1, progress = FALSE))
  d <- xor_data(50, seed = 1)
  ours <- function(expr, message) {
    err <- tryCatch(suppressWarnings(expr), error = identity)
    expect_s3_class(err, "xortorch_error")
    expect_match(conditionMessage(err), message, fixed = TRUE)
  }
  ours(xor_train(d, weights = "a", progress = FALSE), "`weights` must have one value per row of `data` (50)")
  ours(xor_train(am ~ hp, cars, subset = nope > 1, progress = FALSE), "evaluated in `data`, then where the formula")
  ours(xor_train(am ~ hp, cars, weights = nope, progress = FALSE), "object 'nope' not found")
  ours(xor_train(am ~ hp, cars, na.action = "nope", progress = FALSE),
       "`na.action` must be a function such as na.omit or na.exclude, or its name, not \"nope\".")
  ours(xor_train(am ~ hp, cars, na.action = 3, progress = FALSE), "`na.action` must be a function")
  ours(predict(m, cars, type = "nope"),
       "`type` must be one of \"response\", \"link\", \"class\", \"prob\", not \"nope\".")
  ours(plot(m, type = "nope"), "`type` must be one of \"boundary\", \"loss\"")
  ours(residuals(m, type = "nope"), "`type` must be one of \"deviance\"")
  ours(weights(m, type = "nope"), "`type` must be one of \"prior\", \"working\"")
  ours(xor_bench(precision = "fp8"), "`precision` must be one of \"float32\", \"tf32\", not \"fp8\".")
  expect_identical(residuals(m), residuals(m, type = "deviance"))  # the default is still the first choice
})
