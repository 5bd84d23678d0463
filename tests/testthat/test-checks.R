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
  set.seed(3)
  a <- xortorch:::check_seed(NULL)
  set.seed(3)
  expect_identical(xortorch:::check_seed(NULL), a)
  expect_error(xortorch:::check_seed(-1), "`seed` must be a whole number of at least 0, not -1.", fixed = TRUE)
})

test_that("devices, ranges, flags and models are checked", {
  expect_error(xortorch:::check_device("gpu"), "`device` must be \"auto\"")
  expect_identical(xortorch:::check_device("cuda:1"), "cuda:1")
  expect_error(xortorch:::check_range(c(1, 0), "xlim"), "`xlim` must be two increasing")
  expect_error(xortorch:::check_flag(NA, "progress"), "`progress` must be TRUE or FALSE")
  expect_error(xortorch:::check_model(list(), "model"), "`model` must be an <xor_model>")
})

test_that("data frames need x1, x2, 0/1 labels and no NA", {
  ok <- data.frame(x1 = c(0, 1), x2 = c(1, 1), label = c(1L, 0L))
  expect_identical(xortorch:::check_data(ok), ok)
  expect_error(xortorch:::check_data(as.matrix(ok)), "`data` must be a data frame")
  expect_error(xortorch:::check_data(ok[c("x1", "label")]), "`data` lacks the column(s) x2.", fixed = TRUE)
  expect_error(xortorch:::check_data(ok[0, ]), "`data` has no rows.")
  bad <- ok
  bad$x1[1] <- NA
  expect_error(xortorch:::check_data(bad), "`data$x1` contains NA", fixed = TRUE)
  bad <- ok
  bad$label[1] <- 2L
  expect_error(xortorch:::check_data(bad), "`data$label` must hold only 0 and 1, found 2.", fixed = TRUE)
  bad$label[1] <- NA
  expect_error(xortorch:::check_data(bad), "`data$label` contains NA.", fixed = TRUE)
  expect_identical(xortorch:::check_data(ok["x1"], labels = TRUE, name = "newdata") |> tryCatch(error = conditionMessage),
                   "`newdata` lacks the column(s) x2, label.")
})
