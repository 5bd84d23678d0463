#' xortorch: learn and use PyTorch from R with the continuous XOR tutorial
#'
#' The University of Amsterdam "Introduction to PyTorch" tutorial as R
#' functions, computed by the companion Python package through reticulate.
#'
#' @section Data: [xor_data()], [plot.xor_data()].
#' @section Training: [xor_train()] (the tutorial's network, or your own data
#'   through a formula), [xor_sweep()] and [xor_sweep_model()] (many learning
#'   rates and seeds at once), [plot.xor_model()], [plot.xor_sweep()].
#' @section Prediction: [predict.xor_model()], [xor_evaluate()],
#'   [xor_predict_grid()], [coef.xor_model()].
#' @section Files: [xor_save()] and [xor_load()] (plain PyTorch state_dicts).
#' @section Benchmarks: [xor_bench()], [plot.xor_bench()].
#' @section Set-up: [install_xortorch()], [xor_config()], [xortorch_available()].
#' @section Limits: At most 50,000,000 points (also models x points in a
#'   sweep), 1 to 4,096 hidden units, 100,000,000 cells in a prediction grid,
#'   and values within float32's range (about 3.4e38); past them the error says
#'   so. [xor_limits()] lists every limit.
#' @section Errors: Every error xortorch raises has class `xortorch_error`
#'   (those from Python also `xortorch_python_error`); a fit that learned
#'   nothing warns with class `xortorch_fit_warning`.
#' @seealso `vignette("getting-started", package = "xortorch")` and the whole
#'   tutorial, `vignette("xortorch", package = "xortorch")`.
#' @keywords internal
#' @importFrom stats coef deviance fitted formula logLik model.frame nobs predict residuals terms weights
#' @importFrom stats df.residual extractAIC vcov confint anova
"_PACKAGE"
