# Base-R versions of the tutorial's figures, in matplotlib's default colours.
class_colours <- c("#1f77b4", "#ff7f0e")

draw_points <- function(data) {
  graphics::points(data$x1, data$x2, pch = 21, cex = 1.1, col = "#333333",
                   bg = class_colours[as.integer(as.character(data$label)) + 1L])
  graphics::legend("center", legend = c("Class 0", "Class 1"), pch = 21, pt.bg = class_colours,
                   col = "#333333", bg = "white", inset = 0.02)
}

#' Plot the XOR data set
#'
#' The tutorial's "Dataset samples" scatter plot, in base R.
#'
#' @param x An `xor_data` data frame.
#' @param main,xlab,ylab Title and axis labels.
#' @param ... Passed to [graphics::plot.default()].
#' @returns `x`, invisibly.
#' @export
#' @examplesIf xortorch_available()
#' plot(xor_data(200, seed = 1))
plot.xor_data <- function(x, main = "Dataset samples", xlab = expression(x[1]),
                          ylab = expression(x[2]), ...) {
  check_data(x, "x")
  old <- graphics::par(pty = "s")
  on.exit(graphics::par(old), add = TRUE)
  graphics::plot(x$x1, x$x2, type = "n", main = main, xlab = xlab, ylab = ylab, ...)
  draw_points(x)
  invisible(x)
}

#' Plot a trained model
#'
#' `type = "boundary"` draws the tutorial's decision-boundary figure: the
#' predicted probability as an image blended between the two class colours,
#' with the points of `data` on top. `type = "loss"` draws the training loss
#' per epoch.
#'
#' @param x An `xor_model`.
#' @param data Points to draw on the boundary (a data frame with `x1`, `x2`,
#'   `label`), or `NULL` for none.
#' @param type `"boundary"` or `"loss"`.
#' @param step Grid spacing of the boundary image.
#' @param ... Passed to [graphics::plot.default()].
#' @returns `x`, invisibly.
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' plot(m, data = xor_data(200))
#' plot(m, type = "loss")
plot.xor_model <- function(x, data = NULL, type = c("boundary", "loss"), step = 0.01, ...) {
  type <- match.arg(type)
  if (!is.null(data)) check_data(data)
  if (type == "loss") {
    if (!length(x$loss)) abort("This model has no training history (it was loaded from a file).")
    graphics::plot(seq_along(x$loss), x$loss, type = "l", lwd = 2, col = class_colours[1],
                   main = "Training loss", xlab = "Epoch", ylab = "Mean BCE loss", ...)
    return(invisible(x))
  }
  grid <- xor_predict_grid(x, step = step)
  old <- graphics::par(pty = "s")
  on.exit(graphics::par(old), add = TRUE)
  # (1 - p) * C0 + p * C1, as the tutorial blends: a linear palette over [0, 1].
  palette <- grDevices::colorRampPalette(class_colours)(256)
  graphics::image(grid$x1, grid$x2, grid$prob, col = palette, zlim = c(0, 1), useRaster = TRUE,
                  main = "Dataset samples", xlab = expression(x[1]), ylab = expression(x[2]), ...)
  if (!is.null(data)) draw_points(data)
  invisible(x)
}

#' Plot a benchmark
#'
#' Bars of GFLOP/s per device, labelled with the median time.
#'
#' @param x An `xor_bench` data frame.
#' @param ... Passed to [graphics::barplot()].
#' @returns `x`, invisibly.
#' @export
#' @examplesIf xortorch_available()
#' plot(xor_bench(n = 500))
plot.xor_bench <- function(x, ...) {
  old <- graphics::par(mar = c(5, 5, 4, 2))
  on.exit(graphics::par(old), add = TRUE)
  labels <- paste0(x$device, " (", x$precision, ")")
  mids <- graphics::barplot(x$gflops, names.arg = labels, col = class_colours[seq_len(nrow(x)) %% 2 + 1],
                            ylab = "GFLOP/s", ylim = c(0, max(x$gflops) * 1.2),
                            main = sprintf("%d x %d matmul, median of %d", x$n[1], x$n[1], x$repeats[1]), ...)
  graphics::text(mids, x$gflops, sprintf("%.4g ms", 1000 * x$seconds), pos = 3)
  invisible(x)
}

#' Plot the loss curves of a sweep
#'
#' One line per model, coloured by learning rate.
#'
#' @param x An `xor_sweep` data frame.
#' @param log Log scale for the loss axis (`"y"`) or none (`""`).
#' @param ... Passed to [graphics::matplot()].
#' @returns `x`, invisibly.
#' @export
#' @examplesIf xortorch_available()
#' plot(xor_sweep(xor_data(500, seed = 1), lr = c(0.01, 0.1, 1), seeds = 1, epochs = 20))
plot.xor_sweep <- function(x, log = "y", ...) {
  rates <- sort(unique(x$lr))
  # Okabe-Ito (colour-blind safe) without its yellow, which vanishes on white.
  okabe_ito <- c("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000")
  colours <- if (length(rates) <= length(okabe_ito)) okabe_ito[seq_along(rates)] else grDevices::hcl.colors(length(rates))
  # Room on the right for the legend, outside the curves.
  old <- graphics::par(mar = c(5, 5, 4, 8))
  on.exit(graphics::par(old), add = TRUE)
  graphics::matplot(t(x$loss), type = "l", lty = 1, log = log, col = colours[match(x$lr, rates)],
                    xlab = "Epoch", ylab = "Mean BCE loss", main = "Training loss by learning rate", ...)
  graphics::legend("topleft", inset = c(1.02, 0), xpd = TRUE, legend = paste("lr =", format(rates)),
                   col = colours, lty = 1, lwd = 2, bty = "n")
  invisible(x)
}
