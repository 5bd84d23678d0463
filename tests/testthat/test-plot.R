# Draw into a PNG and return the share of pixels that are not white.
ink <- function(draw) {
  path <- tempfile(fileext = ".png")
  grDevices::png(path, width = 300, height = 300)
  par_before <- graphics::par(no.readonly = TRUE)
  value <- draw()
  par_after <- graphics::par(no.readonly = TRUE)
  grDevices::dev.off()
  expect_identical(par_after[c("mar", "pty")], par_before[c("mar", "pty")])
  size <- file.size(path)
  list(value = value, size = size)
}

test_that("plot.xor_data draws and returns its data invisibly", {
  skip_if_no_python()
  d <- xor_data(200, seed = 1)
  out <- ink(function() withVisible(plot(d)))
  expect_false(out$value$visible)
  expect_identical(out$value$value, d)
  expect_gt(out$size, 3000)
})

test_that("plot.xor_model draws the boundary and the loss curve", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, progress = FALSE)
  boundary <- ink(function() withVisible(plot(m, data = xor_data(100, seed = 2))))
  expect_false(boundary$value$visible)
  expect_gt(boundary$size, 5000)
  loss <- ink(function() plot(m, type = "loss"))
  expect_gt(loss$size, 2000)
  expect_error(plot(m, data = data.frame(x1 = 1)), "`data` lacks")
  expect_error(plot(m, type = "roc"), "should be one of")
})

test_that("plot.xor_bench and plot.xor_sweep draw", {
  skip_if_no_python()
  expect_gt(ink(function() plot(xor_bench(n = 100, repeats = 1)))$size, 2000)
  s <- xor_sweep(xor_data(300, seed = 1), lr = c(0.1, 1), seeds = 1, epochs = 5)
  expect_gt(ink(function() plot(s))$size, 2000)
})

test_that("a model loaded from a file has no loss curve to plot", {
  m <- structure(list(state = list(), loss = numeric()), class = "xor_model")
  expect_error(plot(m, type = "loss"), "no training history")
})
