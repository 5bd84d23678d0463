# broom's verbs for a fitted model (issue 29), against what broom gives a glm on the same data.

cars <- transform(mtcars, am = factor(am, labels = c("automatic", "manual")))

test_that("tidy() gives one row per weight, glance() one row of glm's statistics, augment() glm's columns", {
  skip_if_no_python()
  skip_if_no_broom()
  fit <- xor_train(am ~ hp + wt, cars, epochs = 300, seed = 1, progress = FALSE, valid = 0.25, patience = 500)
  g <- stats::glm(am ~ hp + wt, stats::binomial, cars[fit$trained_rows, ])

  tidied <- broom::tidy(fit)
  expect_identical(nrow(tidied), 17L)
  expect_identical(tidied$estimate, unname(coef(fit)))
  expect_identical(tidied$term, names(coef(fit)))
  expect_identical(tidied$from[1:2], c("hp", "wt"))
  expect_identical(unique(tidied$to), c("h1", "h2", "h3", "h4", "o"))

  glanced <- broom::glance(fit)
  expect_identical(nrow(glanced), 1L)
  expect_equal(glanced$logLik, as.numeric(stats::logLik(fit)))
  expect_equal(glanced[c("AIC", "BIC", "deviance")],
               data.frame(AIC = stats::AIC(fit), BIC = stats::BIC(fit), deviance = stats::deviance(fit)),
               ignore_attr = TRUE)
  # The null deviance and its df are glm's on the same rows.
  expect_equal(glanced$null.deviance, g$null.deviance)
  expect_identical(glanced$df.null, g$df.null)
  expect_identical(glanced$nobs, 24L)
  expect_identical(glanced$epochs, 300L)
  expect_identical(glanced$valid_loss, fit$valid_loss[fit$best_epoch])
  # Without `patience` the model holds its last epoch's weights, and that epoch's validation loss is glanced.
  last <- xor_train(am ~ hp + wt, cars, epochs = 1000, lr = 0.5, seed = 1, valid = 0.25, class_weight = "balanced",
                    weight_decay = 0.01, progress = FALSE)
  expect_lt(last$best_epoch, 1000)
  expect_identical(broom::glance(last)$valid_loss, last$valid_loss[1000])
  # Every statistic glance() gives a glm, under the same name.
  expect_setequal(intersect(names(broom::glance(g)), names(glanced)), names(broom::glance(g)))

  augmented <- broom::augment(fit)
  expect_identical(nrow(augmented), 24L)
  expect_equal(augmented$.fitted, unname(fitted(fit)))
  expect_equal(augmented$.resid, unname(residuals(fit)))
  expect_identical(levels(augmented$.pred_class), c("automatic", "manual"))
  expect_identical(names(augmented)[1:4], names(broom::augment(g))[1:4])  # .rownames and the model frame
  expect_true(all(c(".fitted", ".resid") %in% names(broom::augment(g))))
  new <- broom::augment(fit, newdata = cars[1:5, ])
  expect_equal(new$.fitted, unname(predict(fit, cars[1:5, ])))
  expect_identical(new$.pred_class, unname(predict(fit, cars[1:5, ], type = "class")))
  expect_equal(broom::augment(fit, newdata = cars[1:5, ], type.predict = "link")$.fitted,
               unname(predict(fit, cars[1:5, ], type = "link")))
})

test_that("augment(data =) lines up with the training data, NA rows padded as na.exclude pads them", {
  skip_if_no_python()
  skip_if_no_broom()
  holes <- cars
  holes$hp[3] <- NA
  fit <- xor_train(am ~ hp + wt, holes, epochs = 200, seed = 1, progress = FALSE, na.action = stats::na.exclude)
  augmented <- broom::augment(fit, data = holes)
  expect_identical(nrow(augmented), 32L)
  expect_true(is.na(augmented$.fitted[3]) && !anyNA(augmented$.fitted[-3]))
  expect_identical(nrow(broom::augment(fit)), 31L)
  expect_error(broom::augment(fit, data = holes[1:10, ]), "`data` has 10 rows, but the model was fitted to 32")
})
