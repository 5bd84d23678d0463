test_that("a model survives saveRDS and works in a new R session", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 2, progress = FALSE)
  path <- tempfile(fileext = ".rds")
  saveRDS(m, path)
  test <- xor_data(500, seed = 30)
  expected <- xor_evaluate(m, test)
  out <- run_r(sprintf(
    "library(xortorch); m <- readRDS('%s'); cat('acc', xor_evaluate(m, xor_data(500, seed = 30)), '\n')", path
  ))
  expect_match(out, sprintf("^acc %s\\s*$", format(expected)), all = FALSE)
})

test_that("models and data cross the boundary in both directions unchanged", {
  skip_if_no_python()
  m <- xor_train(train_data(), epochs = 3, seed = 2, progress = FALSE)
  checked <- xortorch:::xt()$`_model`$check_state(xortorch:::model_to_py(m)$state)
  back <- xortorch:::model_from_py(list(state = checked, loss = m$loss, config = m$config, device = "cpu", seconds = 1))
  expect_identical(back$state, m$state)
  d <- train_data()
  args <- xortorch:::data_to_py(cbind(d$x1, d$x2), d$label)
  expect_identical(dim(args$X), c(2500L, 2L))
  expect_type(args$y, "integer")
  one <- reticulate::r_to_py(xortorch:::data_to_py(matrix(1, 1, 2), 1L)$y)
  expect_identical(reticulate::py_to_r(one$shape), list(1L))
})
