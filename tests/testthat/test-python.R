test_that("library(xortorch) is quick and does not start Python", {
  out <- run_r(
    "t <- system.time(library(xortorch))[['elapsed']]; cat('elapsed', t, 'python', reticulate::py_available(), '\n')"
  )
  line <- grep("^elapsed", out, value = TRUE)
  expect_length(line, 1)
  parts <- strsplit(line, " ")[[1]]
  expect_lt(as.numeric(parts[2]), 2)
  expect_identical(parts[4], "FALSE")
})

test_that("without any Python the error says what was searched and leaves the session usable", {
  empty <- new_tempdir()
  out <- run_r(
    "library(xortorch); r <- tryCatch(xor_data(5), error = conditionMessage); cat(r, '\nalive', 1 + 1, '\n')",
    env = c("RETICULATE_PYTHON=", "RETICULATE_VIRTUALENV_ROOT=", sprintf("WORKON_HOME=%s", empty))
  )
  text <- paste(out, collapse = "\n")
  expect_match(text, "could not find its Python")
  expect_match(text, "RETICULATE_PYTHON (unset)", fixed = TRUE)
  expect_match(text, file.path(empty, "r-xortorch"), fixed = TRUE)
  expect_match(text, "install_xortorch()", fixed = TRUE)
  expect_match(text, "alive 2")
})

test_that("NumPy 2 under an old reticulate is an actionable error", {
  skip_if(utils::packageVersion("reticulate") >= "1.36", "this reticulate converts NumPy 2")
  expect_match(guard_message(fake_python(numpy = "2.1.0")), "NumPy 2.1.0 is installed, but reticulate")
})

test_that("a Python without PyTorch is an actionable error", {
  msg <- guard_message(fake_python(numpy = "1.26.0"))
  expect_match(msg, "PyTorch is not installed in ")
  # RETICULATE_PYTHON chose that Python, so install_xortorch() could not help.
  expect_match(msg, "RETICULATE_PYTHON points to .*; unset it .* or install torch there, then restart R.")
  expect_false(grepl("install_xortorch", msg))
})

test_that("RETICULATE_PYTHON naming a venv folder says what is wrong", {
  python <- fake_python(numpy = "1.26.0")
  folder <- dirname(dirname(python))
  msg <- guard_message(folder)
  expect_match(msg, sprintf("RETICULATE_PYTHON is set to the folder %s, not to a Python executable. Set it to %s",
                            folder, python), fixed = TRUE)
})

test_that("library(xortorch) loads after another Python started, and the first call says what to do", {
  other <- fake_python()  # a plain Python without xortorch
  out <- run_r(paste(
    "Sys.unsetenv('RETICULATE_PYTHON')",
    sprintf("reticulate::use_python('%s', required = TRUE); invisible(reticulate::import('os'))", other),
    "library(xortorch); cat('loaded\n')",
    "r <- tryCatch(xor_data(5), error = conditionMessage); cat(r, '\nalive', 1 + 1, '\n')",
    sep = "; "
  ))
  text <- paste(out, collapse = "\n")
  expect_match(text, "loaded")
  expect_match(text, "Python is already running in this R session (", fixed = TRUE)
  expect_match(text, "Restart R and call an xortorch function before any other reticulate code.", fixed = TRUE)
  expect_match(text, "alive 2")
})

test_that("mismatched R and Python package versions are an actionable error", {
  msg <- guard_message(fake_python(numpy = "1.26.0", torch = TRUE, xortorch = "9.9.9"))
  expect_match(msg, "R package is version .* but its Python package is version 9.9.9")
})

test_that("the version checks compare versions", {
  expect_error(xortorch:::check_numpy_version("2.0.1", "1.28"), "numpy<2")
  expect_invisible(xortorch:::check_numpy_version("1.26.4", "1.28"))
  expect_invisible(xortorch:::check_numpy_version("2.0.1", "1.40"))
  expect_error(xortorch:::check_package_versions("0.2.0", "0.1.0"),
               "version 0.1.0 but its Python package is version 0.2.0")
  expect_invisible(xortorch:::check_package_versions("0.1.0", "0.1.0"))
})

test_that("the virtualenv root follows reticulate's variables", {
  with_env(c(RETICULATE_VIRTUALENV_ROOT = "/a", WORKON_HOME = "/b"),
           expect_identical(xortorch:::virtualenv_root(), "/a"))
  with_env(c(RETICULATE_VIRTUALENV_ROOT = "", WORKON_HOME = "/b"), expect_identical(xortorch:::virtualenv_root(), "/b"))
  with_env(c(RETICULATE_VIRTUALENV_ROOT = "", WORKON_HOME = ""),
            expect_identical(xortorch:::virtualenv_root(), path.expand("~/.virtualenvs")))
})

test_that("xor_config reports both halves and the devices", {
  skip_if_no_python()
  cfg <- xor_config()
  expect_s3_class(cfg, "xor_config")
  expect_identical(cfg$xortorch, as.character(utils::packageVersion("xortorch")))
  expect_type(cfg$cuda_available, "logical")
  out <- capture.output(print(cfg))
  expect_match(out, "PyTorch:", all = FALSE)
  expect_match(out, "CUDA:", all = FALSE)
  expect_match(out, sprintf("R %s, Python %s", cfg$r_package, cfg$xortorch), all = FALSE)
})

test_that("Python errors arrive as one-line R errors and the session keeps working", {
  skip_if_no_python()
  m <- xor_train(train_data(), epochs = 2, seed = 1, progress = FALSE)
  err <- tryCatch(xor_predict_grid(m, step = 1e-6), error = identity)
  expect_s3_class(err, "xortorch_python_error")
  expect_identical(err$python_type, "ValueError")
  expect_match(conditionMessage(err), "^`step` = 1e-06 over `xlim` and `ylim` gives a")
  expect_false(grepl("Traceback|File \"", conditionMessage(err)))
  expect_length(predict(m, data.frame(x1 = 0, x2 = 1)), 1)
})

test_that("children forked by mclapply() finish their xortorch work after a multi-threaded op (issue 27)", {
  skip_if_no_python()
  # In a fresh R with a time limit: a hang (the children waiting forever inside OpenMP) fails the test.
  code <- '
    library(xortorch)
    Sys.setenv(XORTORCH_KERNEL = "0")  # the torch engine: its big ops run on every thread
    big <- suppressWarnings(xor_train(xor_data(200, seed = 1), hidden = 4096, epochs = 1, lr = 0.001, seed = 1))
    rows <- xor_data(100000, seed = 2)
    expected <- predict(big, rows)
    small <- suppressWarnings(xor_train(xor_data(500, seed = 3), epochs = 5, seed = 1))
    got <- parallel::mclapply(1:2, function(i) {
      again <- suppressWarnings(xor_train(xor_data(500, seed = 3), epochs = 5, seed = 1))
      # One thread sums the big product in another order than two: equal to rounding.
      isTRUE(all.equal(predict(big, rows), expected, tolerance = 1e-5)) && identical(again$state, small$state)
    }, mc.cores = 2)
    cat("children:", unlist(got), "\n")
  '
  out <- run_r(code, env = sprintf("RETICULATE_PYTHON=%s", reticulate::py_exe()), timeout = 150)
  expect_match(paste(out, collapse = "\n"), "children: TRUE TRUE", fixed = TRUE)
})
