test_that("xor_bench returns a consistent table", {
  skip_if_no_python()
  b <- xor_bench(n = 200, repeats = 2)
  expect_s3_class(b, c("xor_bench", "data.frame"))
  expect_identical(names(b), c("device", "name", "n", "precision", "seconds", "gflops", "repeats"))
  expect_identical(b$device[1], "cpu")
  expect_equal(b$gflops, 2 * 200^3 / b$seconds / 1e9)
  expect_identical(xor_bench(n = 50, repeats = 1, devices = "cpu", precision = "tf32")$precision, "float32")
})

test_that("bad arguments are caught in R and name themselves", {
  skip_if_no_python()  # the limits come from Python
  expect_error(xor_bench(n = 0), "`n` must be a whole number between 1 and 20,000, not 0.", fixed = TRUE)
  expect_error(xor_bench(repeats = -1), "`repeats`")
  expect_error(xor_bench(devices = "tpu"), "`device` must be")
  expect_error(xor_bench(devices = 1), "`devices` must be NULL or a character vector")
  expect_error(xor_bench(precision = "half"), "`precision` must be one of \"float32\", \"tf32\", not \"half\".",
               fixed = TRUE)
})

test_that("torch keeps its own fast BLAS inside R", {
  skip_if_no_python()
  # Python alone, in a subprocess, as the yardstick; R's BLAS would be ~30x slower.
  script <- "import xortorch; print(xortorch.bench(n=1500, repeats=3)['gflops'][0])"
  alone <- system2(reticulate::py_exe(), c("-c", shQuote(script)), stdout = TRUE, env = "LD_LIBRARY_PATH=")
  in_r <- xor_bench(n = 1500, repeats = 3, devices = "cpu")$gflops
  expect_gt(in_r, 0.4 * as.numeric(utils::tail(alone, 1)))
})
