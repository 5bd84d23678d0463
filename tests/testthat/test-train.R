test_that("xor_train gives a plain-list model with the tutorial's names", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, progress = FALSE)
  expect_s3_class(m, "xor_model")
  expect_type(unclass(m), "list")
  expect_identical(names(m$state), c("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"))
  expect_identical(dim(m$state[["linear1.weight"]]), c(4L, 2L))
  expect_null(dim(m$state[["linear1.bias"]]))
  expect_identical(dim(m$state[["linear2.weight"]]), c(1L, 4L))
  expect_length(m$state[["linear2.bias"]], 1)
  expect_length(m$loss, 100)
  expect_identical(m$config$seed, 1L)
  expect_identical(m$device, "cpu")
  expect_gte(xor_evaluate(m, xor_data(500, seed = 12)), 0.99)
})

test_that("the same seed gives identical weights, from the argument or set.seed()", {
  skip_if_no_python()
  d <- train_data()
  a <- xor_train(d, epochs = 10, seed = 3, progress = FALSE)
  expect_identical(xor_train(d, epochs = 10, seed = 3, progress = FALSE)$state, a$state)
  set.seed(8)
  b <- xor_train(d, epochs = 10, progress = FALSE)
  set.seed(8)
  expect_identical(xor_train(d, epochs = 10, progress = FALSE)$state, b$state)
  expect_false(identical(a$state, b$state))
})

test_that("R's weights equal Python's for the same data and seed", {
  skip_if_no_python()
  d <- train_data()
  m <- xor_train(d, epochs = 10, seed = 3, progress = FALSE)
  py <- xortorch:::xt()$train(cbind(d$x1, d$x2), d$label, epochs = 10L, seed = 3L)
  expect_equal(m$state[["linear1.weight"]], py$state[["linear1.weight"]], ignore_attr = TRUE, tolerance = 0)
})

test_that("progress = TRUE draws an R progress bar driven once per epoch", {
  skip_if_no_python()
  out <- capture.output(m <- xor_train(train_data(), epochs = 5, seed = 1, progress = TRUE))
  text <- paste(out, collapse = "")
  expect_match(text, "100%")
  expect_match(text, "=====")
  expect_length(m$loss, 5)
})

test_that("print and summary describe the model", {
  skip_if_no_python()
  m <- xor_train(train_data(), epochs = 5, seed = 1, progress = FALSE)
  out <- capture.output(print(m))
  expect_match(out[2], "(linear1): Linear(in_features=2, out_features=4, bias=True)", fixed = TRUE)
  expect_match(out, "Parameter linear2.weight, shape [1, 4]", fixed = TRUE, all = FALSE)
  expect_match(out, "final loss", all = FALSE)
  s <- capture.output(summary(m))
  expect_match(s[1], "SimpleClassifier 2-4-1, 17 parameters")
  expect_match(s, "lr 0.1, batch size 128, 5 epochs, seed 1", all = FALSE)
})

test_that("bad arguments are caught in R and name themselves", {
  d <- data.frame(x1 = c(0, 1), x2 = c(1, 1), label = c(1L, 0L))
  expect_error(xor_train(d, lr = -1), "`lr` must be a positive number, not -1.", fixed = TRUE)
  expect_error(xor_train(d, lr = 0), "`lr` must be a positive number, not 0.", fixed = TRUE)
  expect_error(xor_train(d, epochs = 0), "`epochs` must be a whole number of at least 1, not 0.", fixed = TRUE)
  expect_error(xor_train(d, batch_size = 0), "`batch_size`")
  expect_error(xor_train(d, hidden = 0), "`hidden`")
  expect_error(xor_train(d, device = "tpu"), "`device` must be")
  expect_error(xor_train(d, progress = "yes"), "`progress` must be TRUE or FALSE")
  expect_error(xor_train(d[c("x1", "x2")]), "`data` lacks the column(s) label.", fixed = TRUE)
  expect_error(xor_train(transform(d, label = c(0L, 3L))), "`data$label` must hold only 0 and 1", fixed = TRUE)
  expect_error(xor_train(transform(d, x2 = c(NA, 1))), "`data$x2` contains NA", fixed = TRUE)
})

test_that("asking for CUDA without CUDA is a clear error", {
  skip_if_no_python()
  skip_if(xor_config()$cuda_available, "this machine has CUDA")
  expect_error(xor_train(train_data(), device = "cuda", progress = FALSE), "CUDA is not available")
})

test_that("an error in the progress callback stops training and the session keeps working", {
  skip_if_no_python()
  calls <- 0
  cb <- function(epoch, loss) {
    calls <<- calls + 1
    if (epoch == 2) stop("stop at epoch 2")
  }
  args <- xortorch:::data_to_py(train_data())
  expect_error(xortorch:::py_call(xortorch:::xt()$train(args$X, args$y, epochs = 10L, callback = cb)), "stop at epoch 2")
  expect_identical(calls, 2)
  expect_s3_class(xor_train(train_data(), epochs = 2, progress = FALSE), "xor_model")
})
