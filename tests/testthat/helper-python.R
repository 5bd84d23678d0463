in_ci <- function() tolower(Sys.getenv("CI")) %in% c("true", "1", "yes")

# Skip when xortorch's Python is genuinely missing, except in CI, where a
# missing environment must fail the run instead of silently passing it.
skip_if_no_python <- function() {
  if (xortorch_available()) return(invisible(TRUE))
  if (in_ci()) stop("CI=true but xortorch's Python environment is not available.", call. = FALSE)
  testthat::skip("xortorch's Python environment is not available")
}

skip_if_no_broom <- function() {
  if (requireNamespace("broom", quietly = TRUE)) return(invisible(TRUE))
  if (in_ci()) stop("CI=true but the broom package is not installed.", call. = FALSE)
  testthat::skip("broom is not installed")
}

# Run R code in a fresh R process with the given environment variables;
# returns its output lines.
run_r <- function(code, env = character(), timeout = 0) {
  rscript <- file.path(R.home("bin"), "Rscript")
  env <- c(sprintf("R_LIBS=%s", paste(.libPaths(), collapse = .Platform$path.sep)), env)
  suppressWarnings(system2(rscript, c("--vanilla", "-e", shQuote(code)), stdout = TRUE, stderr = TRUE, env = env,
                           timeout = timeout))
}

train_data <- function() xor_data(2500, seed = 11)

new_tempdir <- function() {
  dir <- tempfile("xortorch-")
  dir.create(dir)
  normalizePath(dir)
}

with_env <- function(vars, code) {
  old <- Sys.getenv(names(vars), unset = NA, names = TRUE)
  on.exit({
    for (name in names(old)) if (is.na(old[[name]])) Sys.unsetenv(name) else do.call(Sys.setenv, as.list(old[name]))
  })
  do.call(Sys.setenv, as.list(vars))
  force(code)
}

# Draw into a PNG and return the share of pixels that are not white.
ink <- function(draw) {
  path <- tempfile(fileext = ".png")
  grDevices::png(path, width = 300, height = 300)
  par_before <- graphics::par(no.readonly = TRUE)
  value <- draw()
  par_after <- graphics::par(no.readonly = TRUE)
  grDevices::dev.off()
  testthat::expect_identical(par_after[c("mar", "pty")], par_before[c("mar", "pty")])
  size <- file.size(path)
  list(value = value, size = size)
}

# A Python with stand-in modules, to hit each guard for real.
fake_python <- function(numpy = NULL, torch = FALSE, xortorch = NULL) {
  dir <- new_tempdir()
  python <- Sys.which("python3")
  if (!nzchar(python)) python <- Sys.which("python")
  status <- system2(python, c("-m", "venv", "--without-pip", file.path(dir, "env")), stdout = FALSE, stderr = FALSE)
  if (status != 0) stop("could not create a virtual environment")
  site <- Sys.glob(file.path(dir, "env", "lib", "python*", "site-packages"))
  module <- function(name, version) {
    dir.create(file.path(site, name))
    writeLines(sprintf("__version__ = '%s'", version), file.path(site, name, "__init__.py"))
  }
  if (!is.null(numpy)) module("numpy", numpy)
  if (torch) module("torch", "2.0.0")
  if (!is.null(xortorch)) module("xortorch", xortorch)
  file.path(dir, "env", "bin", "python")
}

guard_message <- function(python) {
  out <- run_r(
    "library(xortorch); r <- tryCatch(xor_data(5), error = conditionMessage); cat(r, '\nalive', 1 + 1, '\n')",
    env = sprintf("RETICULATE_PYTHON=%s", python)
  )
  testthat::expect_match(paste(out, collapse = "\n"), "alive 2")
  paste(out, collapse = "\n")
}

# Record what a graphics function is called with: run `expr` at its start.
graphics_trace <- function(fun, expr) {
  suppressMessages(trace(fun, expr, print = FALSE, where = asNamespace("graphics")))
}

graphics_untrace <- function(funs) {
  for (fun in funs) suppressMessages(untrace(fun, where = asNamespace("graphics")))
}
