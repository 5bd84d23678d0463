model <- function() xor_train(train_data(), seed = 1, progress = FALSE)

test_that("predict gives probabilities and classes", {
  skip_if_no_python()
  m <- model()
  d <- xor_data(200, seed = 40)
  p <- predict(m, d)
  expect_type(p, "double")
  expect_length(p, 200)
  expect_true(all(p >= 0 & p <= 1))
  expect_identical(names(p), rownames(d))
  expect_identical(predict(m, d, type = "prob"), p)
  link <- predict(m, d, type = "link")
  expect_equal(stats::plogis(link), p, tolerance = 1e-6)
  cls <- predict(m, d, type = "class")
  expect_identical(unname(cls), as.integer(p >= 0.5))
  expect_identical(mean(cls == d$label), xor_evaluate(m, d))
  corners <- data.frame(x1 = c(0, 0, 1, 1), x2 = c(0, 1, 0, 1))
  expect_identical(unname(predict(m, corners, type = "class")), c(0L, 1L, 1L, 0L))
})

test_that("predict agrees with the weights computed by hand in R", {
  skip_if_no_python()
  m <- model()
  s <- m$state
  d <- xor_data(50, seed = 41)
  X <- cbind(d$x1, d$x2)
  hidden <- tanh(sweep(X %*% t(s[["linear1.weight"]]), 2, s[["linear1.bias"]], "+"))
  by_hand <- stats::plogis(drop(hidden %*% t(s[["linear2.weight"]])) + s[["linear2.bias"]])
  expect_equal(unname(predict(m, d)), by_hand, tolerance = 1e-5)
})

test_that("xor_predict_grid is ready for image()", {
  skip_if_no_python()
  m <- model()
  g <- xor_predict_grid(m)
  expect_length(g$x1, 200)
  expect_identical(dim(g$prob), c(200L, 200L))
  i <- 20
  j <- 170
  expect_equal(g$prob[i, j], unname(predict(m, data.frame(x1 = g$x1[i], x2 = g$x2[j]))), tolerance = 1e-6)
  expect_s3_class(g, "xor_grid")
  long <- as.data.frame(g)
  expect_identical(names(long), c("x1", "x2", "prob"))
  expect_identical(nrow(long), 200L * 200L)
  row <- which(long$x1 == g$x1[i] & long$x2 == g$x2[j])
  expect_identical(long$prob[row], g$prob[i, j])
  g2 <- xor_predict_grid(m, xlim = c(0, 1), ylim = c(0, 2), step = 0.1)
  expect_identical(dim(g2$prob), c(10L, 20L))
})

test_that("bad arguments are caught in R and name themselves", {
  m <- structure(list(), class = "xor_model")
  expect_error(xor_evaluate(list(), data.frame()), "`model` must be an <xor_model>")
  expect_error(xor_predict_grid("m"), "`model` must be an <xor_model>")
  expect_error(xor_predict_grid(m, step = 0), "`step` must be a positive number, not 0.", fixed = TRUE)
  expect_error(xor_predict_grid(m, step = -1), "`step`")
  expect_error(xor_predict_grid(m, xlim = c(1, 0)), "`xlim` must be two increasing")
  expect_error(predict(m), "`newdata` is missing")
  expect_error(predict(m, data.frame(x1 = 1)), "`newdata` lacks the column(s) x2.", fixed = TRUE)
  expect_error(predict(m, data.frame(x1 = 1, x2 = 1), type = "logit"), "`type` must be one of", fixed = TRUE)
})

test_that("a huge grid is a clear error, not a crash", {
  skip_if_no_python()
  expect_error(xor_predict_grid(model(), step = 1e-5), "the limit is 100,000,000. Use a larger `step`", fixed = TRUE)
})


test_that("rows with NA predict NA, keep their names, and na.action chooses", {
  skip_if_no_python()
  m <- model()
  new <- data.frame(x1 = c(0, NA, 1), x2 = c(1, 1, 1), row.names = c("a", "b", "c"))
  p <- predict(m, new)
  expect_identical(names(p), c("a", "b", "c"))
  expect_true(is.na(p[["b"]]) && !anyNA(p[c("a", "c")]))
  expect_identical(p[c("a", "c")], predict(m, new[c("a", "c"), ]))
  expect_identical(names(predict(m, new, na.action = stats::na.omit)), c("a", "c"))
  expect_error(predict(m, new, na.action = stats::na.fail), "missing values")
  expect_identical(predict(m, as.matrix(new)), p)
})

test_that("coef, as.data.frame, fitted and residuals behave like a fitted model's", {
  skip_if_no_python()
  m <- model()
  b <- coef(m)
  expect_length(b, 17)
  expect_identical(b[["linear1.weight[2,1]"]], m$state[["linear1.weight"]][2, 1])
  expect_identical(b[["linear2.weight[1,3]"]], m$state[["linear2.weight"]][1, 3])
  expect_identical(names(b)[1:3], c("linear1.weight[1,1]", "linear1.weight[1,2]", "linear1.weight[2,1]"))
  h <- as.data.frame(m)
  expect_identical(names(h), c("epoch", "loss"))
  expect_identical(h$loss, m$loss)
  expect_identical(h$epoch, seq_len(100))
  # Rebuilt from the training call's data, as model.frame.lm() does.
  expect_equal(fitted(m), predict(m, train_data()))
  expect_length(residuals(m), 2500)
})

test_that("weights of the wrong shape are refused, naming the parameter and both shapes", {
  skip_if_no_python()
  m <- model()
  d <- xor_data(10, seed = 1)
  bad <- m
  bad$state$linear1.weight <- t(bad$state$linear1.weight)
  expect_error(predict(bad, d), "`model$state$linear1.weight` must have shape (4, 2), not (2, 4).", fixed = TRUE)
  expect_error(xor_save(bad, tempfile()), "must have shape (4, 2), not (2, 4)", fixed = TRUE)
  bad <- m
  bad$state$linear2.weight <- t(bad$state$linear2.weight)
  expect_error(predict(bad, d), "`model$state$linear2.weight` must have shape (1, 4), not (4, 1).", fixed = TRUE)
  # R's dropped length-one dimensions are fine.
  ok <- m
  ok$state$linear2.weight <- as.vector(ok$state$linear2.weight)
  expect_identical(predict(ok, d), predict(m, d))
})

test_that("errors from Python name R's arguments", {
  skip_if_no_python()
  m <- model()
  err <- tryCatch(xortorch:::py_call(xortorch:::xt()$predict(xortorch:::model_to_py(m), matrix(0, 2, 3)),
                                     rename = c(X = "newdata")), error = conditionMessage)
  expect_match(err, "^`newdata` must have shape \\(n, 2\\)")
})

test_that("predictions are named as predict.glm() names them, with or without row names and NA", {
  skip_if_no_python()
  d <- xor_data(300, seed = 3)
  m <- suppressWarnings(xor_train(d, epochs = 5, seed = 1))
  g <- suppressWarnings(glm(label ~ x1 + x2, binomial, data = d))
  new <- xor_data(6, seed = 4)
  expect_identical(names(predict(m, new)), names(predict(g, new)))
  named <- new
  row.names(named) <- letters[1:6]
  expect_identical(names(predict(m, named)), letters[1:6])
  named$x1[2] <- NA
  expect_identical(names(predict(m, named, na.action = na.omit)), names(predict(g, named, na.action = na.omit)))
  new$x1[5] <- NA
  expect_identical(names(predict(m, new, na.action = na.omit)), c("1", "2", "3", "4", "6"))
  expect_identical(is.na(predict(m, new, na.action = na.exclude)), is.na(predict(g, new, na.action = na.exclude)))
})

test_that("a newdata column of the wrong kind is named with its kind and the trained one (issue 29)", {
  skip_if_no_python()
  cars <- transform(mtcars, am = factor(am), big = wt > 3, cyl = factor(cyl))
  m <- suppressWarnings(xor_train(am ~ hp + big + cyl, cars, epochs = 5, seed = 1, progress = FALSE))
  n <- cars[1:3, ]
  n$hp <- as.character(n$hp)
  expect_error(predict(m, n), "`newdata$hp` is character, but the model was trained on a numeric `hp`: convert it",
               fixed = TRUE)
  n <- cars[1:3, ]
  n$big <- as.numeric(n$big)
  expect_error(predict(m, n), "`newdata$big` is numeric, but the model was trained on a logical `big`", fixed = TRUE)
  n <- cars[1:3, ]
  n$hp <- factor(n$hp)
  expect_error(predict(m, n), "`newdata$hp` is factor, but the model was trained on a numeric `hp`", fixed = TRUE)
  # A character column for a factor is fine, as in predict.glm().
  n <- cars[1:3, ]
  n$cyl <- as.character(n$cyl)
  expect_equal(predict(m, n), predict(m, cars[1:3, ]))
})
