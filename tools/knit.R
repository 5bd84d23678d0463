# make demo: knit both vignettes to HTML in the folder given as the argument.
args <- commandArgs(trailingOnly = TRUE)
out <- normalizePath(if (length(args)) args[[1]] else "out", mustWork = FALSE)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
for (name in c("xortorch", "getting-started")) {
  started <- Sys.time()
  html <- rmarkdown::render(file.path("vignettes", paste0(name, ".Rmd")), output_dir = out, quiet = TRUE, envir = new.env())
  cat(sprintf("Knitted %s in %.1f s\n", html, as.numeric(Sys.time() - started, units = "secs")))
}
