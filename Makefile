# xortorch: `make demo` knits the tutorial, `make test` runs every test.
# Both do the set-up first (tools/setup.sh: Debian's R packages, the R package,
# the r-xortorch virtualenv); it is idempotent.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV_ROOT := $(or $(RETICULATE_VIRTUALENV_ROOT),$(WORKON_HOME),$(HOME)/.virtualenvs)
PYTHON := $(VENV_ROOT)/r-xortorch/bin/python
VERSION := $(shell sed -n 's/^Version: //p' DESCRIPTION)
TARBALL := xortorch_$(VERSION).tar.gz
OUT := out

.PHONY: all setup lint test test-python check install test-bridge demo bench docs bundle gpu-check coverage site clean

all: test

setup:
	bash tools/setup.sh

test: setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-python
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory install
	$(MAKE) --no-print-directory test-bridge
	@echo "make test: all test suites passed"

lint:
	$(PYTHON) -m ruff check python tests/python tools bench
	$(PYTHON) -m ruff format --check python tests/python tools bench
	$(PYTHON) -m mypy
	Rscript -e 'lints <- lintr::lint_package(); print(lints); if (length(lints)) quit(status = 1)'

test-python:
	$(PYTHON) -m pytest -m "not bridge and not gpu" tests/python

# The Python package travels inside the R tarball (inst/python) for
# install_xortorch(); it is copied from python/ at build time, never committed.
bundle:
	rm -rf inst/python
	mkdir -p inst/python
	cp -r python pyproject.toml README.md LICENSE inst/python/
	find inst/python -name '__pycache__' -prune -exec rm -rf {} + -o -name '*.egg-info' -prune -exec rm -rf {} +

$(TARBALL): bundle
	R CMD build .
	rm -rf inst

check: $(TARBALL)
	_R_CHECK_FUTURE_FILE_TIMESTAMPS_=FALSE R CMD check --no-manual $(TARBALL) | tee /tmp/xortorch-check.log
	grep -q "^Status: OK" /tmp/xortorch-check.log || { echo "R CMD check is not Status: OK"; exit 1; }

install:
	[ -f $(TARBALL) ] || $(MAKE) --no-print-directory $(TARBALL)
	R CMD INSTALL $(TARBALL)

test-bridge:
	$(PYTHON) -m pytest -m bridge tests/python

docs:
	Rscript -e 'roxygen2::roxygenise()'

# Coverage of each half by its own tests (the R tests reach Python through reticulate as usual).
coverage: setup
	$(PYTHON) -m pytest -q -m "not bridge and not gpu" --cov=xortorch --cov-report=term-missing tests/python
	Rscript -e 'cov <- covr::package_coverage(quiet = TRUE); print(covr::zero_coverage(cov)[, c("filename", "line")], row.names = FALSE); cat(sprintf("R coverage: %.0f%%\n", covr::percent_coverage(cov)), file = "/tmp/xortorch-r-coverage.txt")'
	@echo "Python coverage: $$($(PYTHON) -m coverage report --format=total)%"
	@cat /tmp/xortorch-r-coverage.txt

# The pkgdown site, in site/ (the README as home page, the vignettes as articles, the Python API from its
# docstrings). Offline: this machine reaches no CRAN, which pkgdown would ask about the package.
site: setup
	R CMD INSTALL --no-test-load . > /tmp/xortorch-site-install.log 2>&1
	Rscript -e 'options(pkgdown.internet = FALSE); pkgdown::build_site(preview = FALSE, new_process = FALSE)'

demo: setup
	Rscript tools/knit.R $(OUT)

# The peers scikit-learn, skorch and numba are the `bench` extra, not runtime dependencies.
bench: setup
	$(PYTHON) -m pip install --quiet --editable '.[bench]'
	$(PYTHON) bench/run.py --out bench/results

# On the device machine there is no r-xortorch environment: its own python3 runs it.
gpu-check:
	$(if $(wildcard $(PYTHON)),$(PYTHON),python3) tools/gpu_check.py

clean:
	rm -rf inst xortorch.Rcheck xortorch_*.tar.gz $(OUT) site .coverage
