test_that("xor_data returns the tutorial's data as a data frame", {
  skip_if_no_python()
  d <- xor_data(300, seed = 4)
  expect_s3_class(d, c("xor_data", "data.frame"))
  expect_identical(names(d), c("x1", "x2", "label"))
  expect_type(d$x1, "double")
  expect_type(d$label, "integer")
  expect_identical(nrow(d), 300L)
  corners <- round(cbind(d$x1, d$x2))
  expect_identical(d$label, as.integer(rowSums(corners) == 1))
})

test_that("std = 0 gives the exact corners", {
  skip_if_no_python()
  d <- xor_data(50, std = 0, seed = 1)
  expect_true(all(c(d$x1, d$x2) %in% c(0, 1)))
})

test_that("seeds make data reproducible, from the argument or from set.seed()", {
  skip_if_no_python()
  expect_identical(xor_data(20, seed = 9), xor_data(20, seed = 9))
  expect_false(identical(xor_data(20, seed = 9), xor_data(20, seed = 10)))
  set.seed(5)
  a <- xor_data(20)
  set.seed(5)
  expect_identical(xor_data(20), a)
})

test_that("xor_data equals Python's make_data for the same seed", {
  skip_if_no_python()
  py <- xortorch:::xt()$make_data(20L, seed = 3L)
  d <- xor_data(20, seed = 3)
  expect_equal(cbind(d$x1, d$x2), py[[1]], ignore_attr = TRUE)
  expect_identical(d$label, as.integer(py[[2]]))
})

test_that("bad arguments are caught in R and name themselves", {
  skip_if_no_python()  # the limits come from Python
  expect_error(xor_data(0), "`n` must be a whole number between 1 and 50,000,000, not 0.", fixed = TRUE)
  expect_error(xor_data(-3), "`n`")
  expect_error(xor_data(2.5), "not 2.5")
  expect_error(xor_data("a"), "`n`")
  expect_error(xor_data(10, std = -1), "`std` must be a non-negative number, not -1.", fixed = TRUE)
  expect_error(xor_data(10, seed = -2), "`seed`")
  expect_error(xor_data(10, seed = 1.5), "`seed`")
})

test_that("xor_data() keeps R's automatic row names, which a million-row predict() must not turn into strings", {
  skip_if_no_python()
  d <- xor_data(100, seed = 1)
  expect_lt(.row_names_info(d), 0L)  # negative: automatic (compact) row names
  expect_identical(row.names(d), as.character(1:100))
})
