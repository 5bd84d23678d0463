#' Save and load a model
#'
#' The file is a plain PyTorch `state_dict` with the tutorial's names, the
#' same format as Python's `xortorch.save_model()`: a model saved in R loads in
#' Python (even with plain `torch.load(path, weights_only=True)`) and the other
#' way round. Saving is atomic; loading never runs code from the file.
#'
#' @param model An `xor_model`.
#' @param path File path.
#' @returns `xor_save()` returns `path` invisibly; `xor_load()` an `xor_model`
#'   (with no training history).
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train(epochs = 20)
#' path <- tempfile(fileext = ".pt")
#' xor_save(m, path)
#' xor_load(path)
xor_save <- function(model, path) {
  check_model(model)
  check_string(path, "path")
  py_call(xt()$save_model(model_to_py(model), path.expand(path)))
  invisible(path)
}

#' @rdname xor_save
#' @export
xor_load <- function(path) {
  check_string(path, "path")
  if (!file.exists(path)) abort("`path` does not exist: ", path, ".")
  model_from_py(py_call(xt()$load_model(path.expand(path))))
}
