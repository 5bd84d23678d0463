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
  expect_error(plot(m, type = "roc"), "`type` must be one of \"boundary\", \"loss\", not \"roc\".", fixed = TRUE)
})

test_that("plot.xor_bench and plot.xor_sweep draw", {
  skip_if_no_python()
  expect_gt(ink(function() plot(xor_bench(n = 100, repeats = 1)))$size, 2000)
  s <- xor_sweep(xor_data(300, seed = 1), lr = c(0.1, 1), seeds = 1, epochs = 5, progress = FALSE)
  expect_gt(ink(function() plot(s))$size, 2000)
})

test_that("graphical parameters reach every plot and override its defaults", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, epochs = 5, progress = FALSE)
  s <- xor_sweep(xor_data(300, seed = 1), lr = c(0.1, 1), seeds = 1, epochs = 5, progress = FALSE)
  b <- xor_bench(n = 50, repeats = 1, devices = "cpu")
  d <- xor_data(50, seed = 1)
  # Each of these failed with "formal argument matched by multiple actual arguments".
  calls <- list(
    function() plot(m, main = "My title"), function() plot(m, type = "loss", col = "red"),
    function() plot(m, xlab = "a"), function() plot(s, main = "Sweep"), function() plot(b, main = "Bench"),
    function() plot(d, col = "red", pch = 3, cex = 2)
  )
  for (call in calls) expect_gt(ink(call)$size, 1000)
  # And they arrive: record what plot.default and image.default are given.
  seen <- new.env()
  graphics_trace("plot.default", bquote(assign("plot", list(main = main, col = list(...)$col), envir = .(seen))))
  graphics_trace("image.default", bquote(assign("image", list(main = list(...)$main), envir = .(seen))))
  on.exit(graphics_untrace(c("plot.default", "image.default")), add = TRUE)
  ink(function() plot(m, type = "loss", col = "red", main = "My title"))
  expect_identical(seen$plot, list(main = "My title", col = "red"))
  ink(function() plot(d, col = "red", pch = 3))
  expect_identical(seen$plot$col, "red")
  ink(function() plot(m, main = "Boundary"))
  expect_identical(seen$image$main, "Boundary")
})

test_that("the sweep plot's log axis has plain labels", {
  skip_if_no_python()
  s <- xor_sweep(xor_data(300, seed = 1), lr = c(0.01, 1), seeds = 1, epochs = 20, progress = FALSE)
  seen <- new.env()
  seen$labels <- list()
  graphics_trace("axis", bquote(assign("labels", c(get("labels", .(seen)), list(labels)), envir = .(seen))))
  on.exit(graphics_untrace("axis"))
  ink(function() plot(s))
  text <- unlist(seen$labels)
  expect_false(any(grepl("e-", text)))
  expect_true(any(grepl("^0\\.[0-9]+$", text)))
})

test_that("a model loaded from a file has no loss curve to plot", {
  m <- structure(list(state = list(), loss = numeric()), class = "xor_model")
  expect_error(plot(m, type = "loss"), "no training history")
})

test_that("boundaries and grids need a model with two inputs, and say so", {
  skip_if_no_python()
  set.seed(2)
  d <- data.frame(a = rnorm(60), b = rnorm(60), c = rnorm(60))
  d$y <- d$a > 0
  m <- xor_train(y ~ a + b + c, d, epochs = 2, seed = 1, progress = FALSE)
  expect_error(xor_predict_grid(m), "`model` has 3 inputs; a grid over two axes needs a model with 2.", fixed = TRUE)
  expect_error(plot(m, data = d), "needs a model with two inputs")
  two <- xor_train(y ~ a + b, d, epochs = 2, seed = 1, progress = FALSE)
  expect_gt(ink(function() plot(two, data = d, main = "a and b"))$size, 3000)
})

test_that("own-data boundaries cover the data, and the grid follows the window drawn", {
  skip_if_no_python()
  cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
  fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1, progress = FALSE)
  expect_equal(unname(fit$ranges), cbind(range(cars$hp), range(cars$wt)) |> t(), tolerance = 1e-6)
  g <- xor_predict_grid(fit)
  expect_lt(min(g$x1), min(cars$hp))
  expect_gt(max(g$x1), max(cars$hp))
  expect_lt(min(g$x2), min(cars$wt))
  expect_gt(max(g$x2), max(cars$wt))
  expect_true(min(g$prob) < 0.1 && max(g$prob) > 0.9)  # the boundary crosses the window
  # A step per axis over the window (hp 52-335 and wt 1.513-5.424, each widened by 10% a side).
  expect_identical(dim(xor_predict_grid(fit, step = c(10, 0.1))$prob), c(34L, 47L))
  expect_error(xor_predict_grid(fit, step = c(1, 2, 3)), "`step` must be one or two positive numbers")
  seen <- new.env()
  graphics_trace("image.default", bquote(assign("image", list(x = range(x), main = list(...)$main), envir = .(seen))))
  on.exit(graphics_untrace("image.default"), add = TRUE)
  ink(function() plot(fit, data = cars))
  expect_identical(seen$image$main, "P(am = manual) by the model")
  expect_lt(seen$image$x[1], min(cars$hp))
  ink(function() plot(fit, data = cars, xlim = c(0, 500)))
  expect_equal(seen$image$x, c(0, 500 - 2.5))  # 200 cells over the window asked for
  # The tutorial's model keeps the tutorial's square.
  m <- xor_train(train_data(), seed = 1, progress = FALSE)
  expect_equal(range(xor_predict_grid(m)$x1), c(-0.5, 1.49))
  ink(function() plot(m))
  expect_identical(seen$image$main, "P(label = 1) by the model")
})
