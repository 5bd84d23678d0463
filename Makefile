# xortorch: `make demo` knits the tutorial, `make test` runs every test.
# Both do the set-up first (tools/setup.sh): Debian's R packages, and this
# checkout's own development environment, which touches nothing outside it:
#   .venv/  the Python environment (this checkout's xortorch, editable), chosen
#           for R through RETICULATE_PYTHON;
#   .Rlib/  the R library that holds this checkout's R package.
# `make install` is the one target that installs for you, outside the checkout.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := $(CURDIR)/.venv
PYTHON := $(VENV)/bin/python
RLIB := $(CURDIR)/.Rlib
export RETICULATE_PYTHON := $(PYTHON)
export R_LIBS := $(RLIB)$(if $(R_LIBS),:$(R_LIBS))
VERSION := $(shell sed -n 's/^Version: //p' DESCRIPTION)
TARBALL := xortorch_$(VERSION).tar.gz
OUT := out

.PHONY: all setup setup-tests lint test test-python check install-dev test-bridge test-install install demo vignettes bench docs gpu-check coverage \
	site clean

all: test

setup:
	bash tools/setup.sh

setup-tests:
	bash tools/setup.sh --tests

test: setup-tests
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-python
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory install-dev
	$(MAKE) --no-print-directory test-bridge
	$(MAKE) --no-print-directory test-install
	$(MAKE) --no-print-directory site
	@echo "make test: all test suites passed"

lint:
	$(PYTHON) -m ruff check python tests/python tools bench
	$(PYTHON) -m ruff format --check python tests/python tools bench
	$(PYTHON) -m mypy
	Rscript -e 'lints <- lintr::lint_package(); print(lints); if (length(lints)) quit(status = 1)'

test-python:
	$(PYTHON) -m pytest -m "not bridge and not gpu and not install" tests/python

# A plain `R CMD build`: configure bundles python/ into the installed package (inst/python).
# Phony, so that the tarball is always this checkout's.
.PHONY: $(TARBALL)
$(TARBALL):
	R CMD build .

check: $(TARBALL)
	log=$$(mktemp); \
	_R_CHECK_FUTURE_FILE_TIMESTAMPS_=FALSE R CMD check --no-manual $(TARBALL) | tee "$$log"; \
	grep -q "^Status: OK" "$$log" || { echo "R CMD check is not Status: OK"; rm -f "$$log"; exit 1; }; \
	rm -f "$$log"

# Installs the tarball `make check` just built (or builds one).
install-dev:
	[ -f $(TARBALL) ] || $(MAKE) --no-print-directory $(TARBALL)
	mkdir -p $(RLIB)
	R CMD INSTALL --library=$(RLIB) $(TARBALL)

test-bridge:
	$(PYTHON) -m pytest -m bridge tests/python

# As a user installs: a plain R CMD build of a clean clone of HEAD, R CMD INSTALL, install_xortorch().
test-install:
	$(PYTHON) -m pytest -s -m install tests/python

# For you, outside the checkout, by the README's route: the R package from a built tarball (with its
# vignettes) into your R library, then the r-xortorch environment (created if missing).
install:
	dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; cd "$$dir"; \
	env -u RETICULATE_PYTHON -u R_LIBS R CMD build "$(CURDIR)"; \
	env -u RETICULATE_PYTHON -u R_LIBS R CMD INSTALL xortorch_*.tar.gz
	env -u RETICULATE_PYTHON -u R_LIBS Rscript -e 'xortorch::install_xortorch($(if $(TORCH),torch = "$(TORCH)"))'

docs:
	Rscript -e 'roxygen2::roxygenise()'

# Coverage of each half by its own tests (the R tests reach Python through reticulate as usual).
coverage: setup
	$(PYTHON) -m pytest -q -m "not bridge and not gpu and not install" --cov=xortorch --cov-report=term-missing tests/python
	Rscript -e 'cov <- covr::package_coverage(quiet = TRUE); print(covr::zero_coverage(cov)[, c("filename", "line")], row.names = FALSE); cat(sprintf("R coverage: %.0f%%\n", covr::percent_coverage(cov)))'
	@echo "Python coverage: $$($(PYTHON) -m coverage report --format=total 2>/dev/null)% (90% required)"
	rm -f .coverage.*

# The pkgdown site, in site/ (the README as home page, the vignettes as articles, the Python API from its
# docstrings), from a temporary R library. pkgdown.internet = FALSE: the build asks no server (CRAN) for anything.
site: setup
	lib=$$(mktemp -d); log=$$(mktemp); \
	R CMD INSTALL --clean --no-test-load --library="$$lib" . > "$$log" 2>&1 || { cat "$$log"; exit 1; }; \
	R_LIBS="$$lib:$$R_LIBS" Rscript -e 'options(pkgdown.internet = FALSE); pkgdown::build_site(preview = FALSE, new_process = FALSE)'; \
	rm -rf "$$lib" "$$log"
	$(PYTHON) tools/site_finish.py site
	$(PYTHON) tools/check_site.py site

demo: setup
	Rscript tools/knit.R $(OUT)

# After editing vignettes-src/NAME.Rmd: knit it (Python present) into vignettes/NAME.Rmd and vignettes/figures/,
# the precomputed vignettes that R CMD build installs; the tests fail while these are older than their sources.
vignettes: setup
	Rscript tools/precompute.R

# The peers scikit-learn, skorch and numba are the `bench` extra, not runtime dependencies.
bench: setup
	$(PYTHON) -m pip install --quiet --constraint tools/constraints.txt --editable '.[bench]'
	$(PYTHON) bench/run.py --out bench/results

# On the device machine there is no development environment: its own python3 runs it.
gpu-check:
	$(if $(wildcard $(PYTHON)),$(PYTHON),python3) tools/gpu_check.py

clean:
	rm -rf inst xortorch.Rcheck xortorch_*.tar.gz $(OUT) site .coverage
