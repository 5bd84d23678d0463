#' Save and load a model
#'
#' The file is a plain PyTorch `state_dict` with the tutorial's names, the
#' same format as Python's `xortorch.save_model()`: a model saved in R loads in
#' Python (even with plain `torch.load(path, weights_only=True)`) and the other
#' way round. Saving is atomic; loading never runs code from the file.
#'
#' The file holds the weights only. A model trained with `scale = TRUE` has
#' its standardisation folded into the weights, so the file predicts from raw
#' inputs; the formula and the response's levels are not in the file, and
#' `xor_load()` names the inputs `x1`, `x2`, ... with 0/1 labels.
#' Like `saveRDS()`, a new file gets the mode the umask allows, an existing file
#' keeps its mode, and a symbolic link's target is written.
#'
#' @param model An `xor_model`.
#' @param path File path.
#' @returns `xor_save()` returns `path` invisibly; `xor_load()` an
#'   `xor_model` with no training history.
#' @seealso [xor_train()]; [saveRDS()] also keeps a model.
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
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
  model_from_py(py_call(xt()$load_model(path.expand(path))))
}
