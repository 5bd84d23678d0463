test_that("xor_train gives a plain-list model with the tutorial's names", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, progress = FALSE)
  expect_s3_class(m, "xor_model")
  expect_type(unclass(m), "list")
  expect_identical(names(m$state), c("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"))
  expect_identical(dim(m$state[["linear1.weight"]]), c(4L, 2L))
  expect_null(dim(m$state[["linear1.bias"]]))
  expect_identical(dim(m$state[["linear2.weight"]]), c(1L, 4L))
  expect_length(m$state[["linear2.bias"]], 1)
  expect_length(m$loss, 100)
  expect_identical(m$config$seed, 1L)
  expect_identical(m$device, "cpu")
  expect_gte(xor_evaluate(m, xor_data(500, seed = 12)), 0.99)
})

test_that("the same seed gives identical weights, from the argument or set.seed()", {
  skip_if_no_python()
  d <- train_data()
  a <- xor_train(d, epochs = 10, seed = 3, progress = FALSE)
  expect_identical(xor_train(d, epochs = 10, seed = 3, progress = FALSE)$state, a$state)
  set.seed(8)
  b <- xor_train(d, epochs = 10, progress = FALSE)
  set.seed(8)
  expect_identical(xor_train(d, epochs = 10, progress = FALSE)$state, b$state)
  expect_false(identical(a$state, b$state))
})

test_that("R's weights equal Python's for the same data and seed", {
  skip_if_no_python()
  d <- train_data()
  m <- xor_train(d, epochs = 10, seed = 3, progress = FALSE)
  py <- xortorch:::xt()$train(cbind(d$x1, d$x2), d$label, epochs = 10L, seed = 3L)
  expect_equal(m$state[["linear1.weight"]], py$state[["linear1.weight"]], ignore_attr = TRUE, tolerance = 0)
  # The formula spelled out is the same model.
  expect_identical(xor_train(label ~ x1 + x2, data = d, epochs = 10, seed = 3, progress = FALSE)$state, m$state)
  set.seed(4)
  a <- xor_train(d, epochs = 3, progress = FALSE)
  set.seed(4)
  expect_identical(xor_train(label ~ x1 + x2, d, epochs = 3, progress = FALSE)$state, a$state)
})

test_that("progress = TRUE draws an R progress bar on stderr, to 100%; FALSE is silent", {
  skip_if_no_python()
  err <- character()
  out <- capture.output(err <- capture.output(m <- xor_train(train_data(), epochs = 5, seed = 1, progress = TRUE),
                                               type = "message"))
  expect_identical(out, character())
  text <- paste(err, collapse = "")
  expect_match(text, "100%")
  expect_match(text, "=====")
  expect_length(m$loss, 5)
  expect_silent(xor_train(train_data(), seed = 1, progress = FALSE))  # a fit that learns: no warning
})

test_that("print and summary describe the model", {
  skip_if_no_python()
  m <- xor_train(train_data(), epochs = 5, seed = 1, progress = FALSE)
  out <- capture.output(print(m))
  expect_match(out[2], "(linear1): Linear(in_features=2, out_features=4, bias=True)", fixed = TRUE)
  expect_match(out, "Parameter linear2.weight, shape [1, 4]", fixed = TRUE, all = FALSE)
  expect_match(out, "final loss", all = FALSE)
  s <- capture.output(summary(m))
  expect_match(s[1], "Formula: label ~ x1 + x2", fixed = TRUE)
  expect_match(s[2], "SimpleClassifier 2-4-1, 17 parameters")
  expect_match(s, "lr 0.1, batch size 128, 5 epochs, seed 1", all = FALSE)
})

test_that("bad arguments are caught in R and name themselves", {
  skip_if_no_python()  # the limits come from Python
  d <- data.frame(x1 = c(0, 1), x2 = c(1, 1), label = c(1L, 0L))
  expect_error(xor_train(d, lr = -1), "`lr` must be a positive number, not -1.", fixed = TRUE)
  expect_error(xor_train(d, lr = 0), "`lr` must be a positive number, not 0.", fixed = TRUE)
  expect_error(xor_train(d, epochs = 0), "`epochs` must be a whole number between 1 and 1,000,000, not 0.",
               fixed = TRUE)
  expect_error(xor_train(d, batch_size = 0), "`batch_size`")
  expect_error(xor_train(d, hidden = 0), "`hidden`")
  expect_error(xor_train(d, device = "tpu"), "`device` must be")
  expect_error(xor_train(d, progress = "yes"), "`progress` must be TRUE or FALSE")
  expect_error(xor_train(d, hidden = 5000), "`hidden` must be a whole number between 1 and 4,096, not 5,000.",
               fixed = TRUE)
  expect_error(xor_train(d, scale = NA), "`scale` must be TRUE or FALSE")
  expect_error(xor_train(d[c("x1", "x2")]), "`data` lacks the column(s) label.", fixed = TRUE)
  expect_error(xor_train(transform(d, label = c(0L, 3L))), "`data$label` must hold only 0 and 1", fixed = TRUE)
  expect_error(xor_train(transform(d, x2 = c(Inf, 1))), "`data$x2` contains infinite values", fixed = TRUE)
  expect_error(xor_train(transform(d, x2 = c(1e300, 1))), "`data$x2` holds 1e+300, beyond float32", fixed = TRUE)
  expect_error(xor_train(transform(d, x2 = c(NA_real_, NA))), "`data` has no rows left: every row has NA",
               fixed = TRUE)
  expect_error(xor_train(d, d), "`formula` must be a formula such as label ~ x1 + x2, not a data frame.", fixed = TRUE)
  expect_error(xor_train("label", d), "`formula` must be a formula with a response")
})

test_that("asking for CUDA without CUDA is a clear error", {
  skip_if_no_python()
  skip_if(xor_config()$cuda_available, "this machine has CUDA")
  expect_error(xor_train(train_data(), device = "cuda", progress = FALSE), "CUDA is not available")
})

test_that("an error in the progress callback stops training and the session keeps working", {
  skip_if_no_python()
  calls <- 0
  cb <- function(epoch, loss) {
    calls <<- calls + 1
    if (epoch == 2) stop("stop at epoch 2")
  }
  d <- train_data()
  args <- xortorch:::data_to_py(cbind(d$x1, d$x2), d$label)
  expect_error(xortorch:::py_call(xortorch:::xt()$train(args$X, args$y, epochs = 10L, callback = cb)),
               "stop at epoch 2")
  expect_identical(calls, 2)
  expect_s3_class(xor_train(train_data(), epochs = 2, progress = FALSE), "xor_model")
})


test_that("one-row data, logical labels and rows with NA train and evaluate", {
  skip_if_no_python()
  one <- data.frame(x1 = 0.1, x2 = 0.9, label = 1L)
  m <- xor_train(one, epochs = 2, seed = 1, progress = FALSE)
  expect_identical(m$config$n, 1L)
  expect_identical(xor_evaluate(m, one), as.numeric(predict(m, one) >= 0.5))
  s <- xor_sweep(one, lr = 0.1, seeds = 1, epochs = 2, progress = FALSE)
  expect_identical(nrow(s), 1L)
  d <- train_data()
  logical <- transform(d, label = label == 1)
  # A plain data frame is standardised by default; the tutorial's xor_data is not.
  expect_identical(xor_train(logical, epochs = 3, seed = 2, scale = FALSE, progress = FALSE)$state,
                   xor_train(d, epochs = 3, seed = 2, progress = FALSE)$state)
  with_na <- rbind(d, data.frame(x1 = NA, x2 = 1, label = 1L))
  expect_identical(xor_train(with_na, epochs = 3, seed = 2, progress = FALSE)$state,
                   xor_train(d, epochs = 3, seed = 2, progress = FALSE)$state)
})

test_that("a learning rate that diverges is an error naming lr, and Python warnings become R warnings", {
  skip_if_no_python()
  expect_error(xor_train(train_data(), lr = 1e37, epochs = 2, seed = 1, progress = FALSE),
               "Training diverged at `lr` = 1e+37", fixed = TRUE)
  expect_warning(xortorch:::py_call(reticulate::py_run_string("import warnings; warnings.warn('careful')")), "careful")
})

test_that("init continues training where the model left off", {
  skip_if_no_python()
  d <- train_data()
  m <- xor_train(d, hidden = 3, epochs = 5, seed = 1, progress = FALSE)
  more <- xor_train(d, epochs = 4, seed = 2, init = m, progress = FALSE)
  expect_identical(dim(more$state[["linear1.weight"]]), c(3L, 2L))
  expect_length(more$loss, 9)
  expect_identical(more$loss[1:5], m$loss)
  expect_lt(more$loss[9], m$loss[5])
  py <- xortorch:::xt()$train(cbind(d$x1, d$x2), d$label, epochs = 4L, seed = 2L, init = xortorch:::model_to_py(m))
  expect_equal(more$state[["linear1.weight"]], py$state[["linear1.weight"]], ignore_attr = TRUE, tolerance = 0)
  expect_error(xor_train(d, init = list()), "`init` must be an <xor_model>")
})

test_that("your own data: a formula, a factor response and scale = TRUE (issue 10's example)", {
  skip_if_no_python()
  make <- function(n, seed) {
    set.seed(seed)
    d <- data.frame(a = rnorm(n, 50, 10), b = rnorm(n, -3, 2), c = rnorm(n, 0.5, 0.3))
    score <- (d$a - 50) / 10 - (d$b + 3) / 2 + (d$c - 0.5) / 0.3
    d$y <- factor(ifelse(score > 0, "yes", "no"), levels = c("no", "yes"))
    d
  }
  train <- make(2000, 1)
  test <- make(1000, 2)
  m <- xor_train(y ~ ., data = train, scale = TRUE, seed = 1, progress = FALSE)
  expect_identical(m$spec$predictors, c("a", "b", "c"))
  expect_gte(xor_evaluate(m, test), 0.95)
  cls <- predict(m, test, type = "class")
  expect_identical(levels(cls), c("no", "yes"))
  expect_gte(mean(cls == test$y), 0.95)
  # The file takes raw inputs: Python's load_model + predict agree to 1e-4.
  path <- tempfile(fileext = ".pt")
  xor_save(m, path)
  X <- as.matrix(test[c("a", "b", "c")])
  py <- xortorch:::xt()$predict(xortorch:::xt()$load_model(path), X)
  expect_equal(as.vector(py), unname(predict(m, test)), tolerance = 1e-4)
  expect_equal(unname(predict(xor_load(path), data.frame(x1 = test$a, x2 = test$b, x3 = test$c))),
               unname(predict(m, test)), tolerance = 1e-6)
  # Factor predictors are dummy-coded, as glm() codes them.
  with_factor <- xor_train(y ~ a + g, transform(train, g = factor(a > 50)), epochs = 5, seed = 1, progress = FALSE)
  expect_identical(with_factor$spec$predictors, c("a", "gTRUE"))
  expect_error(xor_evaluate(m, test[c("a", "b")]), "`data` lacks the column(s) y, c.", fixed = TRUE)
})

# Honest fits on real data (issue 16): useful by default, never a silent useless, diverged or NaN answer.

cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))

glm_accuracy <- function(formula, data) {
  g <- suppressWarnings(stats::glm(formula, stats::binomial, data))
  mean((stats::fitted(g) > 0.5) == (as.integer(g$y) == 1))
}

test_that("own data is standardised by default and fits about as well as glm()", {
  skip_if_no_python()
  expect_no_warning(fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1, progress = FALSE))
  expect_true(fit$config$scale)
  expect_true(fit$converged)
  expect_equal(fit$null_loss, 0.6754646, tolerance = 1e-6)  # glm's null deviance / 2n
  expect_gte(mean(predict(fit, cars, type = "class") == cars$am), glm_accuracy(am ~ hp + wt, cars) - 0.07)
  expect_equal(fit$train_accuracy, mean(predict(fit, cars, type = "class") == cars$am), tolerance = 1e-12)
  # infert and iris: within a few points of glm's accuracy, no warning.
  expect_no_warning(inf <- xor_train(case ~ age + parity + induced + spontaneous, infert, epochs = 200, seed = 1,
                                     progress = FALSE))
  expect_gte(inf$train_accuracy, glm_accuracy(case ~ age + parity + induced + spontaneous, infert) - 0.05)
  flowers <- transform(iris, virginica = Species == "virginica")
  expect_no_warning(fl <- xor_train(virginica ~ Sepal.Length + Sepal.Width, flowers, epochs = 200, seed = 1,
                                    progress = FALSE))
  expect_gte(fl$train_accuracy, glm_accuracy(virginica ~ Sepal.Length + Sepal.Width, flowers) - 0.05)
})

test_that("the tutorial's data keeps the tutorial's unscaled fit, bit for bit", {
  skip_if_no_python()
  d <- train_data()
  m <- xor_train(d, seed = 1, progress = FALSE)
  expect_false(m$config$scale)
  expect_identical(m$state, xor_train(d, seed = 1, scale = FALSE, progress = FALSE)$state)
  expect_identical(m$state, xor_train(label ~ x1 + x2, d, seed = 1, progress = FALSE)$state)
  # The same points as a plain data frame, given first or as `data`, are the user's own: standardised.
  plain <- as.data.frame(unclass(d))
  expect_true(xor_train(plain, seed = 1, progress = FALSE)$config$scale)
  expect_true(xor_train(data = plain, seed = 1, progress = FALSE)$config$scale)
  py <- xortorch:::xt()$train(cbind(d$x1, d$x2), d$label, seed = 1L)
  expect_identical(m$state[["linear1.weight"]], matrix(as.vector(py$state[["linear1.weight"]]), 4))
  expect_true(m$converged)
})

test_that("a fit that learned nothing warns, names the cause and the fix, and records it", {
  skip_if_no_python()
  expect_warning(
    raw <- xor_train(am ~ hp + wt, data = cars, scale = FALSE, epochs = 300, seed = 1, progress = FALSE),
    "learned nothing.*intercept-only.*class automatic for every training row.*saturates tanh.*`scale`",
    class = "xortorch_fit_warning"
  )
  expect_false(raw$converged)
  expect_output(print(raw), "did not converge: it learned nothing")
  expect_output(print(summary(raw)), "Null \\(intercept-only\\) loss: 0.6755")
  # A real warning(): suppressMessages() does not hide it.
  expect_warning(suppressMessages(xor_train(am ~ hp + wt, cars, scale = FALSE, epochs = 5, seed = 1,
                                            progress = FALSE)), "learned nothing")
  expect_warning(xor_train(am ~ hp + wt, cars[cars$am == "manual", ], epochs = 5, seed = 1, progress = FALSE),
                 "`data\\$am` holds only class manual \\(13 rows\\)")
  expect_warning(xor_train(am ~ hp + wt, cars[1:10, ], epochs = 2000, seed = 1, progress = FALSE),
                 "`data` has 10 rows for 17 parameters, and the network classifies all 10 of them correctly")
  # More weights than rows alone is no evidence: mtcars' 18 cars without eight cylinders, 25 weights, 300 epochs.
  sub <- transform(cars, cyl = factor(cyl))
  expect_no_warning(m <- xor_train(am ~ hp + wt + cyl, sub, subset = cyl != "8", epochs = 300, seed = 1,
                                   progress = FALSE))
  expect_lt(m$train_accuracy, 1)
})

test_that("divergence is an error that names lr, and the session trains normally after it", {
  skip_if_no_python()
  d <- train_data()
  for (lr in c(100, 1e10, 1e30)) {
    expect_error(xor_train(d, lr = lr, seed = 1, progress = FALSE),
                 paste0("Training diverged at `lr` = ", gsub("+", "\\+", format(lr), fixed = TRUE),
                        ".*Use a smaller `lr`"))
  }
  expect_error(xor_train(d, lr = 1e-50, progress = FALSE), "`lr` = 1e-50 is too small for float32")
  expect_true(xor_train(d, seed = 1, progress = FALSE)$converged)
  s <- xor_sweep(d, lr = c(0.1, 100, 1e10), seeds = 1, progress = FALSE)
  expect_identical(s$diverged, c(FALSE, TRUE, TRUE))
  expect_identical(s$converged, c(TRUE, FALSE, FALSE))
  expect_identical(s$final_loss[2:3], c(Inf, Inf))
  expect_identical(s$accuracy[2:3], c(NA_real_, NA_real_))
})

test_that("init continues with the scaling the initial model was trained with", {
  skip_if_no_python()
  fit <- xor_train(am ~ hp + wt, data = cars, epochs = 300, seed = 1, progress = FALSE)
  more <- xor_train(am ~ hp + wt, data = cars, epochs = 50, seed = 2, init = fit, progress = FALSE)
  expect_identical(more$scaling, fit$scaling)
  expect_lt(more$loss[301], fit$loss[300] + 0.05)  # no jump to the null loss
  expect_true(more$converged)
})

test_that("NaN never becomes a class", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, progress = FALSE)
  big <- data.frame(x1 = c(3e38, 0), x2 = c(3e38, 1))
  for (type in c("response", "link", "class")) {
    expect_error(predict(m, big, type = type), "`newdata` has 1 row \\(of 2\\) where the network overflows float32")
  }
  expect_error(xor_evaluate(m, transform(big, label = 0:1)), "overflows float32")
})

# Training you can steer (issue 18).

test_that("a validation set, early stopping and the validation curve", {
  skip_if_no_python()
  train <- xor_data(40, std = 0.45, seed = 1)
  valid <- xor_data(1000, std = 0.45, seed = 2)
  m <- xor_train(train, hidden = 64, lr = 1, epochs = 3000, seed = 1, valid = valid, patience = 50, progress = FALSE)
  expect_identical(m$stopped_by, "early stopping")
  expect_lt(length(m$loss), 3000)
  expect_identical(length(m$loss), as.integer(m$best_epoch + 50))
  h <- as.data.frame(m)
  expect_identical(names(h), c("epoch", "loss", "valid_loss", "valid_accuracy"))
  # The kept weights are the best epoch's: they reproduce its validation loss.
  p <- predict(m, valid)
  bce <- -mean(valid$label * log(p) + (1 - valid$label) * log(1 - p))
  expect_equal(bce, min(h$valid_loss), tolerance = 1e-5)
  expect_identical(which.min(h$valid_loss), as.integer(m$best_epoch))
  seen <- new.env()
  graphics_trace("lines", bquote(assign("n", length(x), envir = .(seen))))
  on.exit(graphics_untrace("lines"), add = TRUE)
  ink(function() plot(m, type = "loss"))
  expect_identical(seen$n, length(m$loss))  # the validation curve is drawn
  frac <- xor_train(xor_data(500, seed = 3), epochs = 10, seed = 1, valid = 0.2, progress = FALSE)
  expect_identical(frac$config$n, 400L)
  expect_length(frac$valid_loss, 10)
  expect_error(xor_train(train, patience = 5, progress = FALSE), "`patience` stops on the validation loss")
  expect_error(xor_train(train, valid = "half", progress = FALSE), "`valid` must be a data frame or a fraction")
})

test_that("weight decay, class weights and a threshold", {
  skip_if_no_python()
  d <- train_data()
  decayed <- xor_train(d, seed = 1, epochs = 30, weight_decay = 0.05, progress = FALSE)
  plain <- xor_train(d, seed = 1, epochs = 30, progress = FALSE)
  expect_lt(sum(unlist(decayed$state)^2), sum(unlist(plain$state)^2))
  set.seed(4)
  rare <- data.frame(u = rnorm(2000), v = rnorm(2000))
  rare$event <- factor(rare$u + 0.8 * rnorm(2000) > 2, labels = c("no", "yes"))
  recall <- function(m, ...) mean(predict(m, rare, type = "class", ...)[rare$event == "yes"] == "yes")
  base <- xor_train(event ~ u + v, rare, seed = 1, progress = FALSE)
  balanced <- xor_train(event ~ u + v, rare, seed = 1, class_weight = "balanced", progress = FALSE)
  expect_gt(recall(balanced), recall(base) + 0.3)
  named <- xor_train(event ~ u + v, rare, seed = 1, class_weight = c(no = 1, yes = 10), progress = FALSE)
  expect_gt(recall(named), recall(base))
  expect_gt(recall(base, threshold = 0.1), recall(base))
  expect_error(xor_train(event ~ u + v, rare, class_weight = c(a = 1, b = 2), progress = FALSE),
               "`class_weight` must be \"balanced\" or two weights named no and yes", fixed = TRUE)
  expect_error(predict(base, rare, type = "class", threshold = 2), "`threshold` must lie in [0, 1]", fixed = TRUE)
})

test_that("a fit whose loss barely moved did not converge, and says so (issue 29)", {
  skip_if_no_python()
  for (seed in 1:20) {
    expect_warning(m <- xor_train(am ~ hp + wt, cars, lr = 1e-30, epochs = 300, seed = seed, progress = FALSE),
                   "did not train: its loss moved by", class = "xortorch_fit_warning")
    expect_false(m$converged)
  }
  expect_output(print(m), "did not converge: it did not train")
  expect_error(xor_train(am ~ hp + wt, cars, weight_decay = 100, progress = FALSE),
               "Training diverged at `weight_decay` = 100 with `lr` = 0.1", fixed = TRUE)
})

test_that("init refuses an explicit hidden or scale it would ignore; the na.action option is honoured", {
  skip_if_no_python()
  m <- xor_train(am ~ hp + wt, cars, epochs = 50, seed = 1, progress = FALSE)
  expect_error(xor_train(am ~ hp + wt, cars, init = m, hidden = 8, progress = FALSE),
               "`hidden` = 8 conflicts with `init`, which has 4 hidden units", fixed = TRUE)
  expect_error(xor_train(am ~ hp + wt, cars, init = m, scale = FALSE, progress = FALSE),
               "`scale` = FALSE conflicts with `init`, which was trained on standardised inputs", fixed = TRUE)
  expect_length(xor_train(am ~ hp + wt, cars, init = m, hidden = 4, scale = TRUE, epochs = 5,
                          progress = FALSE)$loss, 55)
  holes <- cars
  holes$hp[2] <- NA
  old <- options(na.action = "na.fail")
  on.exit(options(old))
  expect_error(stats::glm(am ~ hp + wt, stats::binomial, holes), "missing values")
  expect_error(xor_train(am ~ hp + wt, holes, epochs = 5, progress = FALSE), "missing values")
  options(na.action = "na.exclude")
  expect_length(fitted(xor_train(am ~ hp + wt, holes, epochs = 5, seed = 1, progress = FALSE)), 32)
  # A batch larger than any integer is a full batch, as a batch larger than the data is.
  big <- xor_train(am ~ hp + wt, cars, epochs = 5, seed = 1, batch_size = 2^31, progress = FALSE)
  expect_identical(big$state, xor_train(am ~ hp + wt, cars, epochs = 5, seed = 1, batch_size = 32,
                                        progress = FALSE)$state)
})

test_that("a constant predictor warns by name and says what becomes of it, where glm() gives NA (issue 29)", {
  skip_if_no_python()
  d <- transform(cars, five = 5)
  expect_warning(xor_train(am ~ hp + wt + five, d, epochs = 50, seed = 1, progress = FALSE),
                 "^`five` is constant \\(5 in every row\\): the network cannot learn its effect",
                 class = "xortorch_fit_warning")
})
