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
  expect_error(xortorch:::check_seed(-1), "`seed` must be a whole number between 0 and 2,147,483,647, not -1.",
               fixed = TRUE)
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
  expect_error(xortorch:::check_seed(2^31),
               "`seed` must be a whole number between 0 and 2,147,483,647, not 2147483648.", fixed = TRUE)
  expect_error(xortorch:::check_positive(1e39, "lr"), "`lr` = 1e+39 is beyond float32's range", fixed = TRUE)
  expect_error(xortorch:::check_values(c(1, 1e300), "data$x1"), "`data$x1` holds 1e+300, beyond float32's range",
               fixed = TRUE)
})

test_that("the help pages state the limits and ?xortorch links to every topic", {
  rd <- tools::Rd_db("xortorch")
  text <- function(topic) {
    paste(capture.output(tools::Rd2txt(rd[[topic]], options = list(underline_titles = FALSE))), collapse = " ")
  }
  expect_match(text("xor_train.Rd"), "1 to 4096")
  expect_match(text("xor_data.Rd"), "50,000,000")
  expect_match(text("xor_predict_grid.Rd"), "100,000,000")
  pkg <- paste(as.character(rd[["xortorch-package.Rd"]]), collapse = "")
  topics <- c("xor_data", "xor_train", "xor_sweep", "predict.xor_model", "xor_save", "xor_bench", "install_xortorch")
  for (topic in topics) {
    expect_match(pkg, sprintf("\\link[=%s]", topic), fixed = TRUE, info = topic)
  }
  expect_silent(utils::citation("xortorch"))
})
