in_ci <- function() tolower(Sys.getenv("CI")) %in% c("true", "1", "yes")

# Skip when xortorch's Python is genuinely missing, except in CI, where a
# missing environment must fail the run instead of silently passing it.
skip_if_no_python <- function() {
  if (xortorch_available()) return(invisible(TRUE))
  if (in_ci()) stop("CI=true but xortorch's Python environment is not available.", call. = FALSE)
  testthat::skip("xortorch's Python environment is not available")
}

# Run R code in a fresh R process with the given environment variables;
# returns its output lines.
run_r <- function(code, env = character()) {
  rscript <- file.path(R.home("bin"), "Rscript")
  env <- c(sprintf("R_LIBS=%s", paste(.libPaths(), collapse = .Platform$path.sep)), env)
  suppressWarnings(system2(rscript, c("--vanilla", "-e", shQuote(code)), stdout = TRUE, stderr = TRUE, env = env))
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
