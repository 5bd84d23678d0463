#' View training logs in TensorBoard
#'
#' Starts TensorBoard on a folder that [xor_train()] wrote with `log_dir`, in
#' the background on 127.0.0.1 (this machine only), and returns once its page
#' answers: the R counterpart of the tutorial's
#' `%tensorboard --logdir runs/our_experiment`, as `tensorflow::tensorboard()`
#' is for Keras. The server runs until you call `stop()` on the result or R
#' ends.
#'
#' @param log_dir The log folder.
#' @param port A port number, or `NULL` for a free one.
#' @param browse Open the page in the browser ([utils::browseURL()]); by
#'   default in interactive sessions.
#' @returns An object of class `xor_tensorboard`, invisibly: a list with `url`
#'   and `stop`, a function that stops the server.
#' @seealso [xor_train()]'s `log_dir`; `vignette("xortorch")`, whose last
#'   section reads a log back into R.
#' @export
#' @examplesIf xortorch_available() && nzchar(Sys.which("python3"))
#' log <- file.path(tempdir(), "xor-run")
#' m <- xor_train(xor_data(2500, seed = 1), seed = 1, log_dir = log)  # the tutorial's fit, logged
#' board <- xor_tensorboard(log, browse = FALSE)
#' board$url
#' board$stop()
xor_tensorboard <- function(log_dir, port = NULL, browse = interactive()) {
  log_dir <- path.expand(check_string(log_dir, "log_dir"))
  if (!is.null(port)) port <- check_count(port, "port", maximum = 65535)
  browse <- check_flag(browse, "browse")
  server <- py_call(xt()$tensorboard(log_dir, port = port))
  board <- structure(list(url = server$url, stop = function() invisible(server$stop()), server = server),
                     class = "xor_tensorboard")
  if (browse) utils::browseURL(board$url)
  print(board)
  invisible(board)
}

#' @export
print.xor_tensorboard <- function(x, ...) {
  state <- if (isTRUE(x$server$running)) "running" else "stopped"
  cat(sprintf("TensorBoard (%s) at %s\n", state, x$url))
  if (identical(state, "running")) cat("Stop it with `board$stop()`.\n")
  invisible(x)
}
