# Base-R versions of the tutorial's figures, in matplotlib's default colours.
# Every plot method takes the usual graphical parameters through `...`; they
# override the defaults below.
class_colours <- c("#1f77b4", "#ff7f0e")

# Call `fun` with `defaults` overridden by the user's `...` arguments.
plot_call <- function(fun, defaults, dots) do.call(fun, utils::modifyList(defaults, dots))

# The class legend in the top margin, between the title and the plot, where
# it hides nothing.
legend_above <- function(labels, fill) {
  usr <- graphics::par("usr")
  y <- graphics::grconvertY(graphics::grconvertY(1, "npc", "inches") + 0.45 * graphics::par("csi"), "inches", "user")
  graphics::legend(mean(usr[1:2]), y, legend = labels, pch = 21, pt.bg = fill, col = "#333333", horiz = TRUE,
                   bty = "n", xjust = 0.5, yjust = 0.5, xpd = NA, cex = 0.85)
}

# The points of `data` in the model's (or the tutorial's) columns and classes.
class_points <- function(data, spec = default_spec(2)) {
  if (length(spec$predictors) != 2) abort("This plot needs a model with two inputs.")
  xy <- model_data(spec, data, "data")
  labels <- class_names(spec) %||% c("Class 0", "Class 1")
  list(x = xy$X[, 1], y = xy$X[, 2], class = xy$y, labels = labels)
}

points_defaults <- function(pts) {
  list(pch = 21, cex = 1.1, col = "#333333", bg = class_colours[pts$class + 1L])
}

#' Plot the XOR data set
#'
#' The tutorial's "Dataset samples" scatter plot, in base R.
#'
#' @param x An `xor_data` data frame.
#' @param ... Graphical parameters for [graphics::plot.default()], such as
#'   `main`, `xlab`, `col`, `pch` or `cex`; they override the defaults.
#' @returns `x`, invisibly.
#' @seealso [xor_data()], [plot.xor_model()] for a model's decision boundary.
#' @export
#' @examplesIf xortorch_available()
#' d <- xor_data(200, seed = 1)
#' # The points of the two classes, as the tutorial's visualize_samples() draws them
#' plot(d)
#' # The same points with your own title, symbols and colours
#' plot(d, main = "200 points", pch = 19, col = c("grey40", "tomato")[d$label + 1])
plot.xor_data <- function(x, ...) {
  pts <- class_points(x)
  old <- graphics::par(pty = "s", mar = c(5.1, 4.1, 5.1, 2.1))
  on.exit(graphics::par(old), add = TRUE)
  defaults <- c(list(x = pts$x, y = pts$y, main = "Dataset samples", xlab = expression(x[1]),
                     ylab = expression(x[2])), points_defaults(pts))
  plot_call(graphics::plot.default, defaults, list(...))
  legend_above(pts$labels, class_colours)
  invisible(x)
}

#' Plot a trained model
#'
#' `type = "boundary"` draws the tutorial's decision-boundary figure: the
#' predicted probability of class 1 as an image blended between the two class
#' colours, a colour bar as its key, and the points of `data` on top (a model
#' with two inputs). The window is [xor_predict_grid()]'s: the tutorial's
#' square for its XOR data, the training data's range (plus 10%) for a model
#' of your own, or `xlim` and `ylim`, for which the grid is computed.
#' `type = "loss"` draws the training loss per epoch, and, for a model trained
#' with `valid`, the validation loss beside it with the best epoch marked.
#'
#' @param x An `xor_model`.
#' @param data Points to draw on the boundary (a data frame with the model's
#'   columns), or `NULL` for none.
#' @param type `"boundary"` or `"loss"`.
#' @param xlim,ylim,step The window and grid spacing of the boundary image;
#'   `NULL` chooses them as [xor_predict_grid()] does.
#' @param ... Graphical parameters such as `main`, `xlab`, `ylab`, `col`
#'   (the loss line's colour, or the boundary's palette), `lwd`; they
#'   override the defaults. Passed to [graphics::image()] or
#'   [graphics::plot.default()].
#' @returns `x`, invisibly.
#' @seealso [xor_predict_grid()] for the numbers behind the picture, [plot.xor_data()].
#' @export
#' @examplesIf xortorch_available()
#' set.seed(1)
#' m <- xor_train()
#' # The decision boundary: the predicted probability over the plane, with 200 new points on it
#' plot(m, data = xor_data(200))
#' # The training loss per epoch, in red, with your own title
#' plot(m, type = "loss", col = "red", main = "My title")
#' cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))
#' fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1)
#' # Your own data: the boundary between automatic and manual cars over horsepower and weight
#' plot(fit, data = cars)
plot.xor_model <- function(x, data = NULL, type = c("boundary", "loss"), xlim = NULL, ylim = NULL, step = NULL,
                           ...) {
  type <- check_choice(type, c("boundary", "loss"), "type")
  dots <- list(...)
  if (type == "loss") {
    if (!length(x$loss)) abort("This model has no training history (it was loaded from a file).")
    valid <- x$valid_loss
    curves <- c(x$loss, valid)
    defaults <- list(x = seq_along(x$loss), y = x$loss, type = "l", lwd = 2, col = class_colours[1],
                     main = if (is.null(valid)) "Training loss" else "Training and validation loss", xlab = "Epoch",
                     ylab = "Mean BCE loss", ylim = range(curves[is.finite(curves)]))
    args <- utils::modifyList(defaults, dots)
    do.call(graphics::plot.default, args)
    if (!is.null(valid)) {
      graphics::lines(seq_along(valid), valid, lwd = args$lwd, col = class_colours[2])
      if (!is.null(x$best_epoch)) graphics::abline(v = x$best_epoch, lty = 3, col = "#555555")
      graphics::legend("topright", legend = c("training", "validation", if (!is.null(x$best_epoch)) "best epoch"),
                       col = c(args$col, class_colours[2], "#555555"), lty = c(1, 1, 3), lwd = c(2, 2, 1), bty = "n")
    }
    return(invisible(x))
  }
  spec <- model_spec(x)
  pts <- if (!is.null(data)) class_points(data, spec)
  grid <- xor_predict_grid(x, xlim = xlim, ylim = ylim, step = step)
  old <- graphics::par(pty = "s", mar = c(5.1, 4.1, 5.1, 5.1))
  on.exit(graphics::par(old), add = TRUE)
  # (1 - p) * C0 + p * C1, as the tutorial blends: a linear palette over [0, 1].
  axis_label <- function(i) {
    if (identical(spec$predictors, c("x1", "x2"))) as.expression(bquote(x[.(i)])) else spec$predictors[i]
  }
  positive <- (class_names(spec) %||% c("0", "1"))[2]
  defaults <- list(x = grid$x1, y = grid$x2, z = grid$prob, col = grDevices::colorRampPalette(class_colours)(256),
                   zlim = c(0, 1), useRaster = TRUE, main = sprintf("P(%s = %s) by the model", spec$response, positive),
                   xlab = axis_label(1), ylab = axis_label(2))
  args <- utils::modifyList(defaults, dots)
  do.call(graphics::image, args)
  probability_key(args$col)
  if (!is.null(pts)) {
    do.call(graphics::points, c(list(pts$x, pts$y), points_defaults(pts)))
    legend_above(pts$labels, class_colours)
  }
  invisible(x)
}

# A colour bar for probabilities 0 to 1 in the right margin, labelled 0, 0.5, 1.
probability_key <- function(palette) {
  usr <- graphics::par("usr")
  width <- diff(usr[1:2])
  left <- usr[2] + 0.04 * width
  right <- left + 0.05 * width
  old <- graphics::par(xpd = NA)
  on.exit(graphics::par(old), add = TRUE)
  graphics::rasterImage(grDevices::as.raster(matrix(rev(palette), ncol = 1)), left, usr[3], right, usr[4])
  graphics::rect(left, usr[3], right, usr[4], border = "#333333")
  at <- usr[3] + c(0, 0.5, 1) * diff(usr[3:4])
  graphics::text(right, at, c("0", "0.5", "1"), pos = 4, cex = 0.8)
  graphics::text(mean(c(left, right)), usr[4], "P", pos = 3, cex = 0.8)
}

#' Plot a benchmark
#'
#' Bars of GFLOP/s per device, labelled with the median time.
#'
#' @param x An `xor_bench` data frame.
#' @param ... Graphical parameters for [graphics::barplot()] such as `main`
#'   or `col`; they override the defaults.
#' @returns `x`, invisibly.
#' @seealso [xor_bench()].
#' @export
#' @examplesIf xortorch_available()
#' # Bars of GFLOP/s per device and precision for 500 x 500 products
#' plot(xor_bench(n = 500), main = "500 x 500")
plot.xor_bench <- function(x, ...) {
  old <- graphics::par(mar = c(5, 5, 4, 2))
  on.exit(graphics::par(old), add = TRUE)
  defaults <- list(height = x$gflops, names.arg = paste0(x$device, " (", x$precision, ")"),
                   col = class_colours[seq_len(nrow(x)) %% 2 + 1], ylab = "GFLOP/s",
                   ylim = c(0, max(x$gflops) * 1.2),
                   main = sprintf("%d x %d matmul, median of %d", x$n[1], x$n[1], x$repeats[1]))
  mids <- plot_call(graphics::barplot, defaults, list(...))
  graphics::text(mids, x$gflops, sprintf("%.4g ms", 1000 * x$seconds), pos = 3)
  invisible(x)
}

#' Plot the loss curves of a sweep
#'
#' One line per model, coloured by learning rate, on a log loss axis with
#' plain labels (0.5, 0.1, 0.05, ...).
#'
#' @param x An `xor_sweep` data frame.
#' @param log Log scale for the loss axis (`"y"`) or none (`""`).
#' @param ... Graphical parameters for [graphics::matplot()] such as `main`
#'   or `lwd`; they override the defaults.
#' @returns `x`, invisibly.
#' @seealso [xor_sweep()], [xor_sweep_model()].
#' @export
#' @examplesIf xortorch_available()
#' s <- xor_sweep(xor_data(500, seed = 1), lr = c(0.01, 0.1, 1), seeds = 1:2, epochs = 20)
#' # Six loss curves, one per model, coloured by learning rate on a log scale
#' plot(s, main = "Three learning rates")
plot.xor_sweep <- function(x, log = "y", ...) {
  rates <- sort(unique(x$lr))
  # Okabe-Ito (colour-blind safe), ordered so that few rates never get both of
  # its oranges; its yellow, which vanishes on white, is left out.
  okabe_ito <- c("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
  colours <- okabe_ito[seq_along(rates)]
  if (length(rates) > length(okabe_ito)) colours <- grDevices::hcl.colors(length(rates))
  finite <- x$loss[is.finite(x$loss) & x$loss > 0]
  # Room on the right for the legend, outside the curves.
  old <- graphics::par(mar = c(5, 5, 4, 8))
  on.exit(graphics::par(old), add = TRUE)
  dots <- list(...)
  lwd <- dots$lwd %||% 1.5
  defaults <- list(x = t(x$loss), type = "l", lty = 1, lwd = lwd, log = log, col = colours[match(x$lr, rates)],
                   xlab = "Epoch", ylab = "Mean BCE loss", main = "Training loss by learning rate",
                   yaxt = if (log == "y") "n" else "s", ylim = range(finite))
  plot_call(graphics::matplot, defaults, dots)
  if (log == "y") {
    ticks <- grDevices::axisTicks(log10(range(finite)), log = TRUE, nint = 6)
    graphics::axis(2, at = ticks, labels = format(ticks, scientific = FALSE, drop0trailing = TRUE, trim = TRUE),
                   las = 1)
  }
  graphics::legend("topleft", inset = c(1.02, 0), xpd = TRUE, legend = paste("lr =", format(rates)),
                   col = colours, lty = 1, lwd = lwd, bty = "n")
  invisible(x)
}
