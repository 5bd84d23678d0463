# The Python module is imported lazily, by xt() in python.R, on the first call
# that needs it: library(xortorch) never starts Python, and it succeeds even
# when other reticulate code has already started a different Python (the
# first xortorch call then explains what to do).
.state <- new.env(parent = emptyenv())
