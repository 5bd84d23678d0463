# make demo: knit both vignettes from their sources (vignettes-src/), running every chunk, to HTML in the
# folder given as the argument, as report pipelines render: intermediates in a folder of their own.
args <- commandArgs(trailingOnly = TRUE)
out <- normalizePath(if (length(args)) args[[1]] else "out", mustWork = FALSE)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
for (name in c("xortorch", "getting-started")) {
  started <- Sys.time()
  work <- tempfile("knit-")
  dir.create(work)
  html <- rmarkdown::render(file.path("vignettes-src", paste0(name, ".Rmd")), output_dir = out, intermediates_dir = work,
                            quiet = TRUE, envir = new.env())
  unlink(work, recursive = TRUE)
  cat(sprintf("Knitted %s in %.1f s\n", html, as.numeric(Sys.time() - started, units = "secs")))
}
