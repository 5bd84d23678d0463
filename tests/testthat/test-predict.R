model <- function() xor_train(train_data(), seed = 1, progress = FALSE)

test_that("predict gives probabilities and classes", {
  skip_if_no_python()
  m <- model()
  d <- xor_data(200, seed = 40)
  p <- predict(m, d)
  expect_type(p, "double")
  expect_length(p, 200)
  expect_true(all(p >= 0 & p <= 1))
  cls <- predict(m, d, type = "class")
  expect_identical(cls, as.integer(p >= 0.5))
  expect_identical(mean(cls == d$label), xor_evaluate(m, d))
  corners <- data.frame(x1 = c(0, 0, 1, 1), x2 = c(0, 1, 0, 1))
  expect_identical(predict(m, corners, type = "class"), c(0L, 1L, 1L, 0L))
})

test_that("predict agrees with the weights computed by hand in R", {
  skip_if_no_python()
  m <- model()
  s <- m$state
  d <- xor_data(50, seed = 41)
  X <- cbind(d$x1, d$x2)
  hidden <- tanh(sweep(X %*% t(s[["linear1.weight"]]), 2, s[["linear1.bias"]], "+"))
  by_hand <- stats::plogis(drop(hidden %*% t(s[["linear2.weight"]])) + s[["linear2.bias"]])
  expect_equal(predict(m, d), by_hand, tolerance = 1e-5)
})

test_that("xor_predict_grid is ready for image()", {
  skip_if_no_python()
  m <- model()
  g <- xor_predict_grid(m)
  expect_length(g$x1, 200)
  expect_identical(dim(g$prob), c(200L, 200L))
  i <- 20
  j <- 170
  expect_equal(g$prob[i, j], predict(m, data.frame(x1 = g$x1[i], x2 = g$x2[j])), tolerance = 1e-6)
  g2 <- xor_predict_grid(m, xlim = c(0, 1), ylim = c(0, 2), step = 0.1)
  expect_identical(dim(g2$prob), c(10L, 20L))
})

test_that("bad arguments are caught in R and name themselves", {
  m <- structure(list(), class = "xor_model")
  expect_error(xor_evaluate(list(), data.frame()), "`model` must be an <xor_model>")
  expect_error(xor_predict_grid("m"), "`model` must be an <xor_model>")
  expect_error(xor_predict_grid(m, step = 0), "`step` must be a positive number, not 0.", fixed = TRUE)
  expect_error(xor_predict_grid(m, step = -1), "`step`")
  expect_error(xor_predict_grid(m, xlim = c(1, 0)), "`xlim` must be two increasing")
  expect_error(predict(m), "`newdata` is missing")
  expect_error(predict(m, data.frame(x1 = 1)), "`newdata` lacks the column(s) x2.", fixed = TRUE)
  expect_error(predict(m, data.frame(x1 = 1, x2 = 1), type = "link"), "should be one of")
})

test_that("a huge grid is a clear error, not a crash", {
  skip_if_no_python()
  expect_error(xor_predict_grid(model(), step = 1e-5), "the limit is 100,000,000. Use a larger `step`.", fixed = TRUE)
})
