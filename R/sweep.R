#' Train many models at once
#'
#' One model per combination of `lr` and `seeds`, trained together in one
#' vectorised run. Each equals the model [xor_train()] gives with the same
#' learning rate and seed.
#'
#' @inheritParams xor_train
#' @param lr Learning rates.
#' @param seeds Whole numbers.
#' @returns A data frame of class `xor_sweep`, one row per model, with `lr`,
#'   `seed`, `final_loss`, `accuracy` (on `data`) and `loss`, a matrix column
#'   (models x epochs).
#' @export
#' @examplesIf xortorch_available()
#' s <- xor_sweep(xor_data(1000, seed = 1), lr = c(0.01, 0.1, 1), seeds = 1:2, epochs = 30)
#' s[c("lr", "seed", "final_loss", "accuracy")]
#' plot(s)
xor_sweep <- function(data = xor_data(2500), lr = c(0.01, 0.1, 1), seeds = 1:3, hidden = 4,
                      batch_size = 128, epochs = 100, device = "auto") {
  check_data(data)
  if (!is.numeric(lr) || length(lr) == 0) abort("`lr` must be a numeric vector of positive numbers, not ", describe(lr), ".")
  for (r in lr) check_positive(r, "lr")
  if (!is.numeric(seeds) || length(seeds) == 0) abort("`seeds` must be a vector of whole numbers, not ", describe(seeds), ".")
  seeds <- vapply(seeds, check_count, integer(1), name = "seeds", minimum = 0)
  hidden <- check_count(hidden, "hidden")
  batch_size <- check_count(batch_size, "batch_size")
  epochs <- check_count(epochs, "epochs")
  device <- check_device(device)
  args <- data_to_py(data)
  sweep_from_py(py_call(xt()$sweep(
    args$X, args$y, lr = as.list(as.numeric(lr)), seeds = as.list(seeds), hidden = hidden,
    batch_size = batch_size, epochs = epochs, device = device
  )))
}
