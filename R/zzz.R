# The Python module, imported lazily: library(xortorch) does not start Python.
# Every function reaches it through xt(), which first picks the interpreter
# (see python.R) and checks the Python side once.
xortorch <- NULL

.state <- new.env(parent = emptyenv())

.onLoad <- function(libname, pkgname) {
  xortorch <<- reticulate::import("xortorch", delay_load = list(
    priority = 10,
    environment = "r-xortorch",
    on_error = function(e) abort(python_not_ready_message(conditionMessage(e)))
  ))
}
