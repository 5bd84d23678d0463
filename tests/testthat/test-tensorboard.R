test_that("xor_train(log_dir =) logs the tutorial's loss and figures without changing the model", {
  skip_if_no_python()
  log <- new_tempdir()
  # Three full batches of 128: the logged loss, the tutorial's mean of batch losses, is then the model's mean
  # over rows (with a short last batch they differ: tests/python/test_tensorboard.py).
  d <- xor_data(384, seed = 1)
  # 20 epochs stay on the tutorial's plateau and say so; the logging is what is tested here.
  logged <- suppressWarnings(xor_train(d, epochs = 20, seed = 2, log_dir = log, log_every = 5))
  plain <- suppressWarnings(xor_train(d, epochs = 20, seed = 2))
  expect_identical(logged$state, plain$state)
  ea <- reticulate::import("tensorboard.backend.event_processing.event_accumulator")
  events <- ea$EventAccumulator(log, size_guidance = list(scalars = 0L, images = 0L))
  events$Reload()
  loss <- vapply(events$Scalars("training_loss"), function(e) e$value, numeric(1))
  expect_equal(loss, logged$loss, tolerance = 1e-6)
  expect_identical(vapply(events$Images("predictions"), function(e) e$step, numeric(1)), c(5, 10, 15, 20))
  expect_error(xor_train(d, epochs = 2, log_dir = 3), "`log_dir` must be a single file path, not 3.", fixed = TRUE)
  expect_error(xor_train(d, epochs = 2, log_dir = log, log_every = 0), "`log_every` must be a whole number")
})

test_that("xor_tensorboard() serves the log on loopback, says where, and stops", {
  skip_if_no_python()
  log <- new_tempdir()
  suppressWarnings(xor_train(xor_data(200, seed = 1), epochs = 2, seed = 1, log_dir = log))
  out <- capture.output(board <- xor_tensorboard(log, browse = FALSE))
  expect_match(board$url, "^http://127\\.0\\.0\\.1:[0-9]+/$")
  expect_match(out[1], "TensorBoard (running) at http://127.0.0.1:", fixed = TRUE)
  page <- paste(readLines(board$url, warn = FALSE), collapse = "\n")
  expect_match(page, "TensorBoard")
  board$stop()
  expect_match(capture.output(print(board)), "TensorBoard (stopped)", fixed = TRUE)
  expect_error(suppressWarnings(readLines(board$url)), "cannot open")
  expect_error(xor_tensorboard(file.path(log, "nothing"), browse = FALSE), "does not exist")
  expect_error(xor_tensorboard(log, port = 0, browse = FALSE), "`port` must be a whole number between 1 and 65,535")
})

test_that("a server ends with the R session that started it, however it ends (issue 27)", {
  skip_if_no_python()
  log <- new_tempdir()
  suppressWarnings(xor_train(xor_data(200, seed = 1), epochs = 2, seed = 1, log_dir = log))
  os <- reticulate::import("os")
  alive <- function(pgid) !inherits(try(os$killpg(as.integer(pgid), 0L), silent = TRUE), "try-error")
  rscript <- file.path(R.home("bin"), "Rscript")
  env <- c(sprintf("R_LIBS=%s", paste(.libPaths(), collapse = .Platform$path.sep)),
           sprintf("RETICULATE_PYTHON=%s", reticulate::py_exe()))
  start <- function(ending) {
    out <- tempfile()
    code <- sprintf(paste0(
      'b <- xortorch::xor_tensorboard("%s", browse = FALSE); os <- reticulate::import("os"); ',
      'cat(Sys.getpid(), os$getpgid(b$server$process$pid), "\\n", file = "%s"); ',
      'if ("%s" == "quit") quit(save = "no") else Sys.sleep(120)'
    ), log, out, ending)
    system2(rscript, c("--vanilla", "-e", shQuote(code)), env = env, wait = FALSE, stdout = FALSE, stderr = FALSE)
    out
  }
  files <- c(quit = start("quit"), killed = start("killed"))
  deadline <- Sys.time() + 60
  while (Sys.time() < deadline && !all(file.exists(files) & file.size(files) > 0)) Sys.sleep(0.2)
  ids <- lapply(files, function(f) scan(f, quiet = TRUE))
  tools::pskill(ids$killed[1], tools::SIGKILL)
  deadline <- Sys.time() + 20
  while (Sys.time() < deadline && any(vapply(ids, function(i) alive(i[2]), logical(1)))) Sys.sleep(0.2)
  expect_identical(vapply(ids, function(i) alive(i[2]), logical(1)), c(quit = FALSE, killed = FALSE))
})
