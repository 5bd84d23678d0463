test_that("xor_save and xor_load round-trip a model", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, epochs = 20, progress = FALSE)
  path <- tempfile(fileext = ".pt")
  expect_identical(xor_save(m, path), path)
  loaded <- xor_load(path)
  expect_s3_class(loaded, "xor_model")
  expect_equal(loaded$state, m$state, tolerance = 0)
  expect_length(loaded$loss, 0)
  d <- xor_data(100, seed = 2)
  expect_identical(predict(loaded, d), predict(m, d))
  expect_identical(loaded$spec$predictors, c("x1", "x2"))
  expect_match(capture.output(print(loaded)), "Loaded from a file", all = FALSE)
})

test_that("a file saved in R is a plain PyTorch state_dict", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, epochs = 5, progress = FALSE)
  path <- tempfile(fileext = ".pt")
  xor_save(m, path)
  torch <- reticulate::import("torch")
  module <- xortorch:::xt()$SimpleClassifier(2L, 4L, 1L)
  module$load_state_dict(torch$load(path, weights_only = TRUE))
  w <- module$linear1$weight$detach()$numpy()
  expect_equal(w, m$state[["linear1.weight"]], ignore_attr = TRUE, tolerance = 0)
})

test_that("bad paths and files are clear errors", {
  skip_if_no_python()
  expect_error(xor_load(tempfile()), "^`path`: '.*' does not exist.$")
  expect_error(xor_load(1), "`path` must be a single file path")
  junk <- tempfile()
  writeLines("hello", junk)
  expect_error(xor_load(junk), "is a text file (CSV or similar), not a model file.", fixed = TRUE)
  expect_error(xor_load(tempdir()), "is a folder, not a model file.", fixed = TRUE)
  rds <- tempfile(fileext = ".rds")
  saveRDS(list(a = 1), rds)
  expect_error(xor_load(rds), "is an R data file (saveRDS/save), not a model file; read it in R with readRDS().",
               fixed = TRUE)
  expect_error(xor_save(list(), tempfile()), "`model` must be an <xor_model>")
  m <- xor_train(train_data(), seed = 1, epochs = 1, progress = FALSE)
  expect_error(xor_save(m, file.path(tempfile(), "m.pt")), "the folder .* does not exist")
  err <- tryCatch(xor_save(m, tempdir()), error = conditionMessage)
  expect_match(err, "is a folder; give a file name such as")
  expect_false(grepl("xortorch-.*tmp", err))
})

test_that("R users get the same trustworthy saves and loads (issue 21)", {
  skip_if_no_python()
  m <- xor_train(train_data(), seed = 1, progress = FALSE)
  dir <- new_tempdir()
  fifo <- file.path(dir, "pipe")
  stopifnot(system2("mkfifo", fifo) == 0)
  expect_error(xor_save(m, fifo), "is a named pipe (FIFO), not a regular file", fixed = TRUE)
  expect_error(xor_save(m, "/dev/null"), "'/dev/null' is a character device, not a regular file", fixed = TRUE)
  locked <- file.path(dir, "locked.pt")
  xor_save(m, locked)
  Sys.chmod(locked, "444")
  expect_error(xor_save(m, locked), "is write-protected (mode 0444)", fixed = TRUE)
  csv <- file.path(dir, "cars.csv")
  utils::write.csv(mtcars, csv)
  expect_error(xor_load(csv), "is a text file (CSV or similar), not a model file.", fixed = TRUE)
  torch <- reticulate::import("torch")
  huge <- file.path(dir, "huge.pt")
  one <- torch$zeros(1L)
  torch$save(reticulate::dict(linear1.weight = one$expand(67108864L, 2L), linear1.bias = one$expand(67108864L),
                              linear2.weight = one$expand(1L, 67108864L), linear2.bias = one), huge)
  expect_error(xor_load(huge), "declares 67,108,864 hidden units; the limit is 4,096.", fixed = TRUE)
  deeper <- file.path(dir, "deeper.pt")
  state <- reticulate::py_eval("lambda m: {k: __import__('torch').tensor(v) for k, v in m['state'].items()}")(
    xortorch:::xt()$load_model(locked)
  )
  state[["linear3.weight"]] <- torch$zeros(1L, 1L)
  torch$save(state, deeper)
  expect_error(xor_load(deeper), "holds tensors the tutorial's model does not have: linear3.weight", fixed = TRUE)
  expect_error(xor_predict_grid(m, step = 1e-320), "`step` = 1e-320 is too small for `xlim`", fixed = TRUE)
  expect_error(xor_predict_grid(m, xlim = c(1e8, 1e8 + 100), ylim = c(0, 1), step = 1),
               "finer than float32 resolves near 1e+08 (spacing 8)", fixed = TRUE)
})

test_that("hostile files are refused in R as in Python, within the file's size (issue 28)", {
  skip_if_no_python()
  dir <- new_tempdir()
  # Each file built here: a decoy index ahead of the real one (int64 weights and an extra tensor behind it), a
  # second entry of the same name, a stray entry, a compressed index.
  build <- reticulate::py_run_string("
import os, torch, warnings, zipfile
def entries(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]
def write(path, items, compress=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, 'w') as z, warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)  # zipfile warns of the duplicate it is asked to write
        for name, data in items:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=compress)
def build(dir):
    g = torch.Generator().manual_seed(0)
    good = {'linear1.weight': torch.randn(4, 2, generator=g), 'linear1.bias': torch.randn(4, generator=g),
            'linear2.weight': torch.randn(1, 4, generator=g), 'linear2.bias': torch.randn(1, generator=g)}
    bad = {k: v.long() for k, v in good.items()}
    bad['linear3.weight'] = torch.zeros(1, dtype=torch.long)
    torch.save(good, os.path.join(dir, 'good.pt')); torch.save(bad, os.path.join(dir, 'bad.pt'))
    g_entries, b_entries = entries(os.path.join(dir, 'good.pt')), entries(os.path.join(dir, 'bad.pt'))
    write(os.path.join(dir, 'decoy.pt'), [('bad/aaa/data.pkl', g_entries[0][1])] + b_entries)
    write(os.path.join(dir, 'twice.pt'), [g_entries[0]] + g_entries)
    write(os.path.join(dir, 'stray.pt'), g_entries + [('good/notes.txt', b'hi')])
    write(os.path.join(dir, 'packed.pt'), g_entries, zipfile.ZIP_DEFLATED)
    torch.save({k: torch.nn.Parameter(v) for k, v in good.items()}, os.path.join(dir, 'params.pt'))
")$build
  build(dir)
  refusals <- c(
    decoy.pt = "it has a second index, bad/aaa/data.pkl.",
    twice.pt = "it has two entries named good/data.pkl.",
    stray.pt = "it has an unexpected entry good/notes.txt.",
    packed.pt = "its entry good/data.pkl is compressed."
  )
  tracemalloc <- reticulate::import("tracemalloc")
  for (name in names(refusals)) {
    path <- file.path(dir, name)
    tracemalloc$start()
    err <- tryCatch(xor_load(path), error = identity)
    peak <- tracemalloc$get_traced_memory()[[2]]
    tracemalloc$stop()
    expect_s3_class(err, "xortorch_error")
    expect_identical(conditionMessage(err), sprintf(
      "`path`: '%s' is not laid out as torch.save writes a model: %s", path, refusals[[name]]
    ))
    expect_lte(peak, file.size(path) + 65536)
  }
  torch_view <- reticulate::import("torch")$load(file.path(dir, "decoy.pt"))
  expect_false(torch_view[["linear1.weight"]]$dtype$is_floating_point)  # what torch.load alone would return
  params <- xor_load(file.path(dir, "params.pt"))
  expect_identical(dim(params$state$linear1.weight), c(4L, 2L))

  fifo <- file.path(dir, "pipe.pt")
  stopifnot(system2("mkfifo", fifo) == 0)
  started <- Sys.time()
  expect_error(xor_load(fifo), sprintf("`path`: '%s' is a named pipe (FIFO), not a model file.", fifo), fixed = TRUE)
  expect_lt(as.numeric(Sys.time() - started, units = "secs"), 5)
  expect_error(xor_load("/dev/zero"), "`path`: '/dev/zero' is a character device, not a model file.", fixed = TRUE)
})

test_that("loads racing with a process that swaps the file never return an unchecked model (issue 28)", {
  skip_if_no_python()
  dir <- new_tempdir()
  path <- file.path(dir, "m.pt")
  m <- suppressWarnings(xor_train(xor_data(200, seed = 1), seed = 1, epochs = 2, progress = FALSE))
  xor_save(m, file.path(dir, "good.pt"))
  torch <- reticulate::import("torch")
  ints <- lapply(m$state, function(w) torch$tensor(w)$long())
  ints$linear1.bias <- ints$linear1.bias$reshape(-1L)
  ints$linear2.weight <- ints$linear2.weight$reshape(1L, -1L)
  ints$linear2.bias <- ints$linear2.bias$reshape(1L)
  torch$save(reticulate::dict(ints), file.path(dir, "int.pt"))
  file.copy(file.path(dir, "good.pt"), path)
  swapper <- file.path(dir, "swap.py")
  writeLines(c(
    "import os, sys, time",
    "dir = sys.argv[1]; sources = [open(os.path.join(dir, n), 'rb').read() for n in ('good.pt', 'int.pt')]",
    "end = time.monotonic() + 20; i = 0",
    "while time.monotonic() < end and not os.path.exists(os.path.join(dir, 'stop')):",
    "    tmp = os.path.join(dir, 'swap.tmp'); open(tmp, 'wb').write(sources[i % 2])",
    "    os.replace(tmp, os.path.join(dir, 'm.pt')); i += 1"
  ), swapper)
  system2(reticulate::py_exe(), c(swapper, dir), wait = FALSE)
  on.exit(file.create(file.path(dir, "stop")), add = TRUE)
  outcomes <- character()
  for (i in seq_len(200)) {
    loaded <- tryCatch(xor_load(path), error = conditionMessage)
    if (is.character(loaded)) {
      expect_match(loaded, "linear1.weight is int64, not floating-point", fixed = TRUE)
      outcomes <- c(outcomes, "refused")
    } else {
      expect_identical(loaded$state$linear1.weight, m$state$linear1.weight)
      outcomes <- c(outcomes, "loaded")
    }
  }
  expect_setequal(unique(outcomes), c("loaded", "refused"))
})
