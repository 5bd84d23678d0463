#' Time a matrix product on the CPU and GPU
#'
#' The tutorial's CPU-versus-GPU comparison, measured correctly: a warm-up
#' run, CUDA synchronisation (CUDA events) and the median of repeats.
#'
#' @param n Matrix size (`n` x `n`).
#' @param repeats Timed repeats.
#' @param devices Character vector of devices, or `NULL` for the CPU plus CUDA
#'   when available.
#' @param precision `"float32"`, or `"tf32"` to let CUDA use TensorFloat-32.
#' @returns A data frame of class `xor_bench` with columns `device`, `name`,
#'   `n`, `precision`, `seconds` (median), `gflops` and `repeats`.
#' @seealso [plot.xor_bench()], [xor_config()] for the devices.
#' @export
#' @examplesIf xortorch_available()
#' b <- xor_bench(n = 500)
#' b
#' # Bars of GFLOP/s per device and precision, labelled with the time per product
#' plot(b)
xor_bench <- function(n = 5000, repeats = 5, devices = NULL, precision = c("float32", "tf32")) {
  n <- check_count(n, "n", maximum = "bench_n")
  repeats <- check_count(repeats, "repeats", maximum = "repeats")
  precision <- check_choice(precision, c("float32", "tf32"), "precision")
  if (!is.null(devices)) {
    if (!is.character(devices) || length(devices) == 0) {
      abort("`devices` must be NULL or a character vector such as c(\"cpu\", \"cuda\"), not ",
            describe(devices), ".")
    }
    for (d in devices) check_device(d)
    devices <- as.list(devices)
  }
  table <- py_call(xt()$bench(n = n, repeats = repeats, devices = devices, precision = precision))
  table_from_py(table, "xor_bench")
}
