test_that("xor_sweep trains every lr x seed and matches xor_train", {
  skip_if_no_python()
  d <- xor_data(1000, seed = 5)
  s <- xor_sweep(d, lr = c(0.05, 0.5), seeds = c(1, 2), epochs = 10, progress = FALSE)
  expect_s3_class(s, c("xor_sweep", "data.frame"))
  expect_identical(nrow(s), 4L)
  expect_identical(s$lr, c(0.05, 0.05, 0.5, 0.5))
  expect_identical(dim(s$loss), c(4L, 10L))
  expect_identical(s$final_loss, s$loss[, 10])
  alone <- xor_train(d, lr = 0.5, seed = 2, epochs = 10, progress = FALSE)
  expect_equal(s$loss[4, ], alone$loss, tolerance = 1e-5)
  expect_identical(s$accuracy[4], xor_evaluate(alone, d))
  picked <- xor_sweep_model(s, 4)
  expect_s3_class(picked, "xor_model")
  expect_equal(predict(picked, d), predict(alone, d), tolerance = 1e-4)
  expect_identical(picked$config$lr, 0.5)
  expect_error(xor_sweep_model(s, 5), "`i` must be a whole number between 1 and 4, not 5.", fixed = TRUE)
  expect_error(xor_sweep_model(list(), 1), "`sweep` must be an <xor_sweep>")
})

test_that("a sweep prints as a compact table and takes progress like xor_train", {
  skip_if_no_python()
  s <- xor_sweep(xor_data(300, seed = 1), lr = c(0.1, 0.5, 1), seeds = 1:6, epochs = 5, progress = FALSE)
  out <- capture.output(print(s))
  expect_lte(length(out), 25)
  expect_match(out[2], "lr\\s+seed\\s+final_loss\\s+accuracy")
  expect_match(out[1], "18 models")
  err <- capture.output(xor_sweep(xor_data(300, seed = 1), lr = 0.1, seeds = 1, epochs = 3, progress = TRUE),
                        type = "message")
  expect_match(paste(err, collapse = ""), "100%")
})

test_that("a sweep on your own data keeps the formula and the scaling", {
  skip_if_no_python()
  set.seed(3)
  d <- data.frame(u = rnorm(300, 100, 20), v = rnorm(300))
  d$ok <- (d$u - 100) / 20 + d$v > 0
  s <- xor_sweep(ok ~ u + v, d, lr = c(0.1, 0.5), seeds = 1, epochs = 30, scale = TRUE, progress = FALSE)
  m <- xor_train(ok ~ u + v, d, lr = 0.5, seed = 1, epochs = 30, scale = TRUE, progress = FALSE)
  expect_equal(predict(xor_sweep_model(s, 2), d), predict(m, d), tolerance = 1e-4)
  expect_type(predict(m, d, type = "class"), "logical")
})

test_that("bad arguments are caught in R and name themselves", {
  d <- data.frame(x1 = c(0, 1), x2 = c(1, 1), label = c(1L, 0L))
  expect_error(xor_sweep(d, lr = c(0.1, -1)), "`lr` must be a positive number, not -1.", fixed = TRUE)
  expect_error(xor_sweep(d, lr = character()), "`lr` must be a numeric vector")
  expect_error(xor_sweep(d, seeds = 1.5), "`seeds` must be a whole number")
  expect_error(xor_sweep(d, epochs = 0), "`epochs`")
})

test_that("R's library path is left out of what Python's child processes inherit, the user's entries kept", {
  path <- paste(R.home("lib"), "/usr/lib/x86_64-linux-gnu", "/opt/cuda/lib64", "/usr/lib/jvm/default-java/lib/server",
                "/lib", sep = ":")
  expect_identical(xortorch:::without_r_library_folders(path), "/opt/cuda/lib64")
  expect_identical(xortorch:::without_r_library_folders(R.home("lib")), "")
})

test_that("xor_sweep() runs on a Dask cluster started from R with the same results (issue 31)", {
  skip_if_no_python()
  if (!reticulate::py_module_available("distributed")) {
    if (in_ci()) stop("CI=true but dask.distributed is not installed.", call. = FALSE)
    skip("dask.distributed is not installed")
  }
  d <- xor_data(1000, seed = 1)
  local <- xor_sweep(d, lr = c(0.1, 0.5), seeds = 1:3, epochs = 20, progress = FALSE)
  distributed <- reticulate::import("distributed")
  environ <- reticulate::import("os", convert = FALSE)$environ
  snapshot <- function() reticulate::py_to_r(reticulate::import("builtins", convert = FALSE)$dict(environ))
  before <- snapshot()
  cluster <- distributed$LocalCluster(n_workers = 2L, threads_per_worker = 1L, host = "127.0.0.1",
                                      dashboard_address = NULL, silence_logs = 40L)
  # Dask sets OMP_NUM_THREADS=1 and the like in this process's environment for its workers: take back what it
  # changed, and only that (Python's os.environ also holds what reticulate set for Python alone).
  after <- snapshot()
  for (key in setdiff(names(after), names(before))) environ$pop(key)
  for (key in names(before)) if (!identical(after[[key]], before[[key]])) environ$`__setitem__`(key, before[[key]])
  client <- distributed$Client(cluster)
  on.exit({
    client$close()
    cluster$close()
  })
  remote <- xor_sweep(d, lr = c(0.1, 0.5), seeds = 1:3, epochs = 20, executor = client$get_executor(),
                      chunk_size = 2, progress = TRUE)
  expect_identical(remote$loss, local$loss)
  expect_identical(lapply(remote$model, `[[`, "state"), lapply(local$model, `[[`, "state"))
  expect_error(xor_sweep(d, executor = "dask", progress = FALSE), "`executor` must be a concurrent.futures.Executor")
})

test_that("a grid of sizes, schedules and decays gives xor_train()'s models, each with its own settings (issue 31)", {
  skip_if_no_python()
  d <- xor_data(600, seed = 1)
  s <- suppressWarnings(xor_sweep(d, lr = c(0.1, 0.5), seeds = 1, hidden = c(2, 4), epochs = c(5, 10),
                                  weight_decay = c(0, 0.01), progress = FALSE))
  expect_identical(nrow(s), 16L)
  expect_identical(dim(s$loss), c(16L, 10L))
  expect_true(all(is.nan(s$loss[s$epochs == 5, 6:10])))
  for (i in c(1, 6, 11, 16)) {
    m <- xor_sweep_model(s, i)
    alone <- suppressWarnings(xor_train(d, lr = s$lr[i], seed = s$seed[i], hidden = s$hidden[i], epochs = s$epochs[i],
                                        weight_decay = s$weight_decay[i], progress = FALSE))
    expect_identical(m$state, alone$state, info = i)
    expect_identical(m$loss, alone$loss, info = i)
    expect_identical(m$config$hidden, s$hidden[i])
  }
  printed <- capture.output(print(s))
  expect_match(printed[1], "16 models (2 learning rates x 1 seeds x settings), 5 to 10 epochs", fixed = TRUE)
  expect_match(printed[2], "lr seed hidden epochs weight_decay final_loss accuracy", fixed = TRUE)
  expect_error(xor_sweep(d, hidden = c(2, -1), progress = FALSE), "`hidden` must be a whole number")
})

test_that("valid and patience in a sweep give xor_train()'s early-stopped models (issue 31)", {
  skip_if_no_python()
  d <- xor_data(300, std = 0.4, seed = 1)
  held_out <- xor_data(500, std = 0.4, seed = 2)
  s <- suppressWarnings(xor_sweep(d, lr = c(0.1, 1), seeds = 1:2, hidden = 16, epochs = 300, batch_size = 16,
                                  valid = held_out, patience = 20, progress = FALSE))
  expect_true(length(unique(s$best_epoch)) > 1)
  for (i in 1:4) {
    m <- xor_sweep_model(s, i)
    alone <- suppressWarnings(xor_train(d, lr = s$lr[i], seed = s$seed[i], hidden = 16, epochs = 300,
                                        batch_size = 16, valid = held_out, patience = 20, progress = FALSE))
    expect_identical(m$state, alone$state, info = i)
    expect_identical(m[c("loss", "valid_loss", "best_epoch", "stopped_by")],
                     alone[c("loss", "valid_loss", "best_epoch", "stopped_by")], info = i)
    expect_identical(s$valid_loss[i], alone$valid_loss[alone$best_epoch])  # one row per model: its held weights
  }
  expect_match(capture.output(print(xor_sweep_model(s, 1))), "the weights returned", all = FALSE)
  expect_error(xor_sweep(d, valid = 0.2, progress = FALSE), "`valid` as a fraction would split the rows by seed")
})

test_that("a function's child processes get the path without R's folders until it returns", {
  old <- Sys.getenv("LD_LIBRARY_PATH", unset = NA)
  on.exit(if (is.na(old)) Sys.unsetenv("LD_LIBRARY_PATH") else Sys.setenv(LD_LIBRARY_PATH = old))
  Sys.setenv(LD_LIBRARY_PATH = paste(R.home("lib"), "/opt/cuda/lib64", sep = ":"))
  inside <- local({
    xortorch:::local_children_library_path()
    Sys.getenv("LD_LIBRARY_PATH")
  })
  expect_identical(inside, "/opt/cuda/lib64")
  expect_identical(Sys.getenv("LD_LIBRARY_PATH"), paste(R.home("lib"), "/opt/cuda/lib64", sep = ":"))
})
