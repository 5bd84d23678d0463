library(testthat)
library(xortorch)

test_check("xortorch")
