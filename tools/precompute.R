# make vignettes: knit vignettes-src/NAME.Rmd (Python present) into vignettes/NAME.Rmd, whose results and
# figures (vignettes/figures/) are plain markdown and images, so that `R CMD build` and `R CMD INSTALL`
# need no Python to give users the vignettes with every output. Each result carries the source's digest,
# which the tests compare with the source's, so a precomputed vignette cannot silently fall behind.
#   Rscript tools/precompute.R [--out FOLDER] [NAME ...]   (FOLDER: another vignettes folder, for comparing)
args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
root <- normalizePath(file.path(dirname(script), ".."))
into <- file.path(root, "vignettes")
if (length(args) >= 2 && args[[1]] == "--out") {
  into <- normalizePath(args[[2]], mustWork = TRUE)
  args <- args[-(1:2)]
}
names <- if (length(args)) args else c("xortorch", "getting-started")
for (name in names) {
  started <- Sys.time()
  source <- file.path(root, "vignettes-src", paste0(name, ".Rmd"))
  target <- file.path(into, paste0(name, ".Rmd"))
  unlink(Sys.glob(file.path(into, "figures", paste0(name, "-*"))))
  local({
    # A copy knitted where the result lives, so that R's figures and reticulate's matplotlib figures
    # (saved beside the input) land in vignettes/figures/, linked relative to the result.
    copy <- file.path(into, paste0(".", name, "-source.Rmd"))
    file.copy(source, copy, overwrite = TRUE)
    old <- setwd(into)
    on.exit({
      setwd(old)
      unlink(copy)
    })
    knitr::opts_chunk$set(fig.path = paste0("figures/", name, "-"))
    knitr::knit(copy, output = target, envir = new.env(), quiet = TRUE)
  })
  digest <- unname(tools::md5sum(source))
  # Paths in outputs name a checkout as a user's would be named, not the folder it was knitted in.
  lines <- gsub(root, "~/xortorch", readLines(target), fixed = TRUE)
  end <- which(lines == "---")[2]
  stamp <- sprintf("<!-- Precomputed by `make vignettes` from vignettes-src/%s.Rmd (md5 %s): edit that file. -->",
                   name, digest)
  writeLines(c(lines[seq_len(end)], "", stamp, lines[-seq_len(end)]), target)
  cat(sprintf("Precomputed %s in %.0f s\n", target, as.numeric(Sys.time() - started, units = "secs")))
}
