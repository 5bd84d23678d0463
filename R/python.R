# Finding, checking and installing the Python side.

#' The folder that holds reticulate's virtual environments
#'
#' `RETICULATE_VIRTUALENV_ROOT`, else `WORKON_HOME`, else `~/.virtualenvs`: the
#' same rule as reticulate and the set-up in the repository's `Makefile`.
#' @noRd
virtualenv_root <- function() {
  for (var in c("RETICULATE_VIRTUALENV_ROOT", "WORKON_HOME")) {
    root <- Sys.getenv(var)
    if (nzchar(root)) return(path.expand(root))
  }
  path.expand("~/.virtualenvs")
}

envname_path <- function(envname) {
  if (grepl("[/\\\\]", envname)) path.expand(envname) else file.path(virtualenv_root(), envname)
}

venv_python <- function(path) {
  if (.Platform$OS.type == "windows") file.path(path, "Scripts", "python.exe") else file.path(path, "bin", "python")
}

#' Which Python xortorch would use, what chose it, and what it looked at
#' @noRd
find_python <- function() {
  env <- Sys.getenv("RETICULATE_PYTHON")
  venv <- envname_path("r-xortorch")
  searched <- c(
    sprintf("RETICULATE_PYTHON (%s)", if (nzchar(env)) env else "unset"),
    sprintf("the r-xortorch virtualenv (%s)", venv)
  )
  python <- if (nzchar(env)) env else if (file.exists(venv_python(venv))) venv_python(venv)
  list(python = python, searched = searched, by_env = nzchar(env))
}

# What to do when a piece of the Python side is missing: install_xortorch()
# can only help when xortorch chose its own environment.
python_not_ready_message <- function(detail, by_env = find_python()$by_env, missing = NULL) {
  if (by_env && !is.null(missing)) {
    return(sprintf(paste0(
      "%s\nRETICULATE_PYTHON points to %s; unset it (xortorch then uses its r-xortorch environment) ",
      "or install %s there, then restart R."
    ), detail, Sys.getenv("RETICULATE_PYTHON"), missing))
  }
  paste0(detail, "\nRun `xortorch::install_xortorch()` to create the r-xortorch environment, ",
         "then restart R.")
}

use_xortorch_python <- function() {
  # Already running: under rpy2, or after other reticulate code started one.
  if (reticulate::py_available(initialize = FALSE)) return(check_running_python())
  found <- find_python()
  if (is.null(found$python)) {
    abort(python_not_ready_message(paste0(
      "xortorch could not find its Python. Searched:\n",
      paste0("  - ", found$searched, collapse = "\n")
    )))
  }
  if (found$by_env && dir.exists(found$python)) {
    inside <- venv_python(found$python)
    abort(sprintf(paste0(
      "RETICULATE_PYTHON is set to the folder %s, not to a Python executable. Set it to %s, ",
      "or unset it to use xortorch's r-xortorch environment; then restart R."
    ), found$python, if (file.exists(inside)) inside else "the python program inside it"))
  }
  if (!file.exists(found$python)) {
    abort(python_not_ready_message(sprintf("The Python at %s does not exist.", found$python)))
  }
  reticulate::use_python(found$python, required = TRUE)
  invisible()
}

# Python started before xortorch was called: fine if it has xortorch (rpy2,
# or RETICULATE_PYTHON), otherwise nothing this session can fix.
check_running_python <- function() {
  if (reticulate::py_module_available("xortorch")) return(invisible())
  found <- find_python()
  abort(sprintf(paste0(
    "Python is already running in this R session (%s), started by other reticulate code before xortorch, ",
    "and it does not have xortorch. xortorch needs its own Python (%s); one R session runs only one ",
    "Python. Restart R and call an xortorch function before any other reticulate code."
  ), reticulate::py_exe(), found$python %||% "run `xortorch::install_xortorch()` to create it"))
}

# reticulate 1.28 lets a pyproject.toml or Pipfile in the working directory's
# project override use_python() (and warns about Poetry for any [tool] table,
# such as this repository's own). xortorch has chosen its Python, so point
# those look-ups at a folder without either while Python starts.
start_python <- function() {
  nowhere <- file.path(tempdir(), "xortorch-no-project")
  old <- options(reticulate.poetry.project = nowhere, reticulate.pipenv.pipfile = file.path(nowhere, "Pipfile"))
  on.exit(options(old), add = TRUE)
  reticulate::py_config()
  invisible()
}

# Pure checks, kept apart so that tests can feed them any versions.
check_numpy_version <- function(numpy, reticulate = utils::packageVersion("reticulate")) {
  if (numeric_version(numpy) >= "2" && numeric_version(reticulate) < "1.36") {
    abort(sprintf(paste0(
      "NumPy %s is installed, but reticulate %s can only convert NumPy 1.x arrays ",
      "(\"incompatible NumPy binary version\"). Install `numpy<2` into this Python ",
      "(`xortorch::install_xortorch()` does), or update reticulate to 1.36 or later; then restart R."
    ), numpy, reticulate))
  }
  invisible(TRUE)
}

check_package_versions <- function(python_version, r_version = utils::packageVersion("xortorch")) {
  if (numeric_version(python_version) != numeric_version(r_version)) {
    abort(sprintf(paste0(
      "The xortorch R package is version %s but its Python package is version %s. ",
      "Run `xortorch::install_xortorch()` to install the matching Python package, then restart R."
    ), r_version, python_version))
  }
  invisible(TRUE)
}

# R has already loaded its own BLAS (on Debian often the slow reference one)
# into the global symbol scope, and torch's statically linked MKL would resolve
# its BLAS calls to it: a 5000 x 5000 matmul ran 30 times slower from R than
# from Python. RTLD_DEEPBIND makes torch bind to its own copy first.
import_torch_with_own_blas <- function() {
  reticulate::py_run_string(local = TRUE, paste(
    "import os, sys",
    "if 'torch' not in sys.modules and hasattr(os, 'RTLD_DEEPBIND'):",
    "    flags = sys.getdlopenflags()",
    "    sys.setdlopenflags(flags | os.RTLD_DEEPBIND)",
    "    try:",
    "        import torch",
    "    except ImportError:",
    "        pass",
    "    finally:",
    "        sys.setdlopenflags(flags)",
    sep = "\n"
  ))
  invisible()
}

check_python_stack <- function() {
  python <- reticulate::py_exe()
  # Ask for versions through plain Python strings: with an incompatible NumPy,
  # converting a NumPy object is what would fail.
  has <- function(module) reticulate::py_module_available(module)
  missing <- function(what, requirement) {
    abort(python_not_ready_message(sprintf("%s is not installed in %s.", what, python), missing = requirement))
  }
  if (!has("numpy")) missing("NumPy", "numpy<2")
  check_numpy_version(reticulate::py_eval("__import__('numpy').__version__"))
  import_torch_with_own_blas()
  if (!has("torch")) missing("PyTorch", "torch")
  if (!has("xortorch")) missing("The Python package xortorch", "xortorch")
  check_package_versions(reticulate::py_eval("__import__('xortorch').__version__"))
}

# The module, after the first call has picked and checked the Python. With `convert = FALSE`, its functions
# return Python objects, for results that go back to Python before R reads them.
xt <- function(convert = TRUE) {
  if (is.null(.state$module)) {
    use_xortorch_python()
    start_python()
    check_python_stack()
    .state$module <- reticulate::import("xortorch")
    clean_children_library_path()
  }
  if (convert) .state$module else reticulate::import("xortorch", convert = FALSE)
}

# Processes that Python starts from R (Dask or multiprocessing workers, TensorBoard) inherit R's LD_LIBRARY_PATH,
# whose system library folder makes a Python with its own libpython (pyenv, conda) load the system's instead
# ("undefined symbol" on import). Those processes need none of R's additions: R's own library folder, Java's, and
# the system folders the loader searches anyway. The user's own entries stay.
clean_children_library_path <- function() {
  path <- Sys.getenv("LD_LIBRARY_PATH")
  if (!nzchar(path)) return(invisible())
  kept <- without_r_library_folders(path)
  environ <- reticulate::import("os", convert = FALSE)$environ
  if (nzchar(kept)) environ$`__setitem__`("LD_LIBRARY_PATH", kept) else environ$pop("LD_LIBRARY_PATH", NULL)
  invisible()
}

# Until the calling function returns, the processes it starts get LD_LIBRARY_PATH without R's folders.
local_children_library_path <- function(envir = parent.frame()) {
  path <- Sys.getenv("LD_LIBRARY_PATH", unset = NA)
  if (is.na(path)) return(invisible())
  kept <- without_r_library_folders(path)
  if (nzchar(kept)) Sys.setenv(LD_LIBRARY_PATH = kept) else Sys.unsetenv("LD_LIBRARY_PATH")
  do.call(on.exit, list(substitute(Sys.setenv(LD_LIBRARY_PATH = p), list(p = path)), add = TRUE), envir = envir)
}

without_r_library_folders <- function(path) {
  entries <- strsplit(path, ":", fixed = TRUE)[[1]]
  system <- grepl("^/(usr/)?lib(64)?(/[^/]+-linux-gnu)?/?$", entries)
  r_own <- entries %in% c(R.home("lib"), normalizePath(R.home("lib"), mustWork = FALSE)) |
    grepl("/jvm/.*/server/?$", entries)
  paste(entries[nzchar(entries) & !system & !r_own], collapse = ":")
}

# Run a call into Python. A Python exception becomes a one-line R error, and a
# Python warning an R warning (class `xortorch_fit_warning` for a FitWarning),
# both speaking R: argument names as R's (`rename`, e.g. c(X = "newdata")) and
# classes 0 and 1 in the response's coding (`classes`, e.g. its two levels).
py_call <- function(expr, rename = NULL, classes = NULL) {
  xt()  # choose and check the Python before anything else starts one
  warnings <- reticulate::import("warnings", convert = FALSE)
  catcher <- warnings$catch_warnings(record = TRUE)
  caught <- catcher$`__enter__`()
  warnings$simplefilter("always")
  on.exit(catcher$`__exit__`(NULL, NULL, NULL), add = TRUE)
  in_r <- function(msg) {
    for (name in names(rename)) msg <- gsub(paste0("`", name, "`"), paste0("`", rename[[name]], "`"), msg, fixed = TRUE)
    if (!is.null(classes)) {
      for (k in 0:1) msg <- gsub(paste0("\\bclass ", k, "\\b"), paste("class", classes[k + 1L]), msg)
    }
    msg
  }
  result <- tryCatch(expr, error = function(e) {
    msg <- sub("\\s+$", "", conditionMessage(e))
    msg <- sub("\nDetailed traceback:.*$", "", msg)
    type <- regmatches(msg, regexpr("^[A-Za-z_.]+(Error|Exception|Interrupt)(?=: )", msg, perl = TRUE))
    if (length(type)) msg <- sub("^[A-Za-z_.]+: ", "", msg)
    stop(structure(
      class = c("xortorch_python_error", "xortorch_error", "error", "condition"),
      list(message = in_r(msg), call = NULL, python_type = if (length(type)) type else NA_character_)
    ))
  })
  for (w in reticulate::py_to_r(caught)) {
    fit <- identical(w$category$`__name__`, "FitWarning")  # reticulate has made the name an R string
    warning(structure(
      class = c(if (fit) "xortorch_fit_warning", "warning", "condition"),
      list(message = in_r(reticulate::py_str(w$message)), call = NULL)
    ))
  }
  result
}

#' Is the Python side of xortorch ready?
#'
#' `TRUE` when xortorch's Python, PyTorch and the matching Python package can be
#' loaded; `FALSE` otherwise. Used to guard examples.
#'
#' @returns `TRUE` or `FALSE`.
#' @seealso [install_xortorch()], [xor_config()].
#' @export
#' @examples
#' xortorch_available()
xortorch_available <- function() {
  tryCatch({
    xt()
    TRUE
  }, error = function(e) FALSE)
}

#' Install the Python side of xortorch
#'
#' Creates a virtual environment (by default `r-xortorch` in reticulate's
#' virtualenv root, the place xortorch looks first) and installs PyTorch, a
#' NumPy that this reticulate can convert, and the xortorch Python package of
#' the same version as this R package, with TensorBoard (for `log_dir`) and
#' numba (the compiled training path), whose kernels it then compiles (a few
#' seconds), so that the first fit does not wait. Like `keras3::install_keras()`.
#'
#' On a machine without an NVIDIA GPU it installs PyTorch's CPU build, as
#' PyTorch's own instructions do: from PyTorch's CPU package index (about 200 MB
#' to download), or, where that index cannot be reached, from your default
#' index. With a GPU (or `gpu = TRUE`) it installs the default build, with
#' CUDA (several GB). Either way the PyTorch release is one xortorch's tests
#' have run, unless `torch` names another. It says what it will download
#' before it starts, and shows pip's own output only if a step fails.
#'
#' @param envname Name of the environment in the virtualenv root, or a path.
#' @param torch pip requirement for PyTorch; `NULL` for the release the tests
#'   have run (`"torch==2.13.*"`).
#' @param gpu `TRUE` for PyTorch's CUDA build, `FALSE` for its CPU build, `NULL`
#'   (the default) for CUDA exactly when an NVIDIA GPU's driver is present.
#' @param python Python used to create the environment (`NULL`: `python3` on
#'   the `PATH`).
#' @param source Folder holding the Python package (`pyproject.toml`). `NULL`
#'   uses the copy bundled with this R package.
#' @param editable Install `source` in editable (development) mode.
#' @param extra Further pip requirements, e.g. `"pytest"`.
#' @returns The environment's Python executable, invisibly.
#' @seealso [xor_config()] to see what was found, [xortorch_available()].
#' @export
#' @examples
#' \dontrun{
#' install_xortorch()
#' install_xortorch(gpu = TRUE)
#' install_xortorch(torch = "torch==2.13.0", extra = "pytest")
#' }
install_xortorch <- function(envname = "r-xortorch", torch = NULL, gpu = NULL, python = NULL,
                             source = NULL, editable = FALSE, extra = character()) {
  check_string(envname, "envname")
  if (is.null(torch)) torch <- tested_torch else check_string(torch, "torch")
  if (is.null(gpu)) gpu <- has_nvidia_gpu() else check_flag(gpu, "gpu")
  check_flag(editable, "editable")
  if (is.null(source)) source <- system.file("python", package = "xortorch")
  if (!nzchar(source) || !file.exists(file.path(source, "pyproject.toml"))) {
    abort("`source` must be a folder with the xortorch Python package (pyproject.toml); ",
          "this installation of the R package has no bundled copy.")
  }
  if (is.null(python)) python <- Sys.which("python3")
  if (!nzchar(python)) abort("`python` was not given and no `python3` is on the PATH.")

  local_children_library_path()  # the pip subprocesses
  path <- envname_path(envname)
  build <- if (gpu) "the CUDA build, several GB" else "the CPU build, about 200 MB"
  message(sprintf("Installing xortorch's Python side into %s:\n  PyTorch (%s; %s) and about 150 MB of other ",
                  path, torch, build), "packages (NumPy, matplotlib, TensorBoard, numba, xortorch), ",
          "about 1.3 GB on disk with the CPU build.")
  if (!file.exists(venv_python(path))) {
    install_step("Creating the environment", function(log) {
      system2(python, c("-m", "venv", shQuote(path)), stdout = log, stderr = log)
    })
  }
  install_torch(path, torch, gpu)
  numpy <- if (utils::packageVersion("reticulate") < "1.36") "numpy>=1.24,<2" else "numpy>=1.24,<3"
  source <- normalizePath(source)
  if (!editable) {
    # pip builds in the source folder, which in an installed R package may be read-only.
    copy <- tempfile("xortorch-python-")
    dir.create(copy)
    on.exit(unlink(copy, recursive = TRUE), add = TRUE)
    file.copy(list.files(source, full.names = TRUE, all.files = TRUE, no.. = TRUE), copy, recursive = TRUE)
    source <- copy
  }
  # The package's own requirements (pyproject.toml, with the `tensorboard` extra for `log_dir` and `fast`,
  # numba, for the compiled training path) leave the PyTorch just installed as it is.
  package <- paste0(source, "[tensorboard,fast]")
  install_step("Installing NumPy, matplotlib, TensorBoard, numba and xortorch",
               pip_install(path, c(numpy, extra, if (editable) "--editable", package)))
  # Compile the training kernels now rather than in the first fit; a failure costs only that.
  precompile <- shQuote("from xortorch import _fused; _fused.precompile()")
  install_step("Compiling the training kernels", function(log) {
    system2(venv_python(path), c("-c", precompile), stdout = log, stderr = log)
  }, fail = FALSE)
  # Each file once: a virtualenv's lib64 is a link to lib, which list.files() follows.
  files <- unique(normalizePath(list.files(path, recursive = TRUE, all.files = TRUE, full.names = TRUE)))
  size <- sum(file.size(files), na.rm = TRUE)
  message(sprintf("Installed xortorch's Python side in %s (%.1f GB). Restart R to use it.", path, size / 1e9))
  invisible(venv_python(path))
}

# The PyTorch release xortorch's tests have run (tools/constraints.txt pins the one tested).
tested_torch <- "torch==2.13.*"

# A step for install_step(): pip install `args` into the environment at `path`.
pip_install <- function(path, args) {
  function(log) {
    system2(venv_python(path), c("-m", "pip", "install", "--disable-pip-version-check", "--no-input", shQuote(args)),
            stdout = log, stderr = log)
  }
}

install_torch <- function(path, torch, gpu) {
  if (gpu) return(install_step("Installing PyTorch", pip_install(path, torch)))
  # PyTorch's own instructions for the CPU build; where that index cannot be reached, the default one.
  cpu_index <- c("--index-url", "https://download.pytorch.org/whl/cpu", "--retries", "1", "--timeout", "20")
  done <- install_step("Installing PyTorch from its CPU index", pip_install(path, c(cpu_index, torch)), fail = FALSE)
  if (!done) {
    message("  PyTorch's CPU index could not be reached; trying your default package index ",
            "(on Linux it may serve the larger CUDA build).")
    install_step("Installing PyTorch", pip_install(path, torch))
  }
}

has_nvidia_gpu <- function() {
  nzchar(Sys.which("nvidia-smi")) || dir.exists("/proc/driver/nvidia/gpus")
}

# One line per step with its time; the tool's own output only if it fails.
install_step <- function(what, run, fail = TRUE) {
  log <- tempfile("xortorch-install-", fileext = ".log")
  on.exit(unlink(log))
  message("  ", what, " ...", appendLF = FALSE)
  started <- Sys.time()
  status <- run(log)
  seconds <- as.numeric(Sys.time() - started, units = "secs")
  if (identical(as.integer(status), 0L)) {
    message(sprintf(" done (%.0f s)", seconds))
    return(invisible(TRUE))
  }
  message(" failed")
  if (!fail) return(invisible(FALSE))
  output <- readLines(log, warn = FALSE)
  abort(what, " failed. The last lines of its output:\n", paste(utils::tail(output, 30), collapse = "\n"))
}

#' Report on xortorch's Python, PyTorch and devices
#'
#' Starts Python if needed and reports the interpreter, the versions of
#' PyTorch, NumPy and both halves of xortorch, and the GPUs PyTorch can see.
#'
#' @returns A list of class `xor_config`, printed as a short report.
#' @seealso [install_xortorch()], [xortorch_available()].
#' @export
#' @examplesIf xortorch_available()
#' xor_config()
xor_config <- function() {
  report <- py_call(xt()$info())
  report$r_package <- as.character(utils::packageVersion("xortorch"))
  report$reticulate <- as.character(utils::packageVersion("reticulate"))
  report$found_by <- find_python()$searched
  structure(report, class = "xor_config")
}

#' @export
print.xor_config <- function(x, ...) {
  cuda <- if (isTRUE(x$cuda_available)) {
    paste0("yes: ", paste(unlist(x$cuda_devices), collapse = ", "))
  } else {
    "no"
  }
  cat(
    "xortorch configuration\n",
    sprintf("  Python:      %s (%s)\n", x$python, x$python_version),
    sprintf("  PyTorch:     %s (%s CPU threads)\n", x$torch, x$threads),
    sprintf("  NumPy:       %s (reticulate %s)\n", x$numpy, x$reticulate),
    sprintf("  CUDA:        %s\n", cuda),
    sprintf("  xortorch:    R %s, Python %s\n", x$r_package, x$xortorch),
    sep = ""
  )
  invisible(x)
}
