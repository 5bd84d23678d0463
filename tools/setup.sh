#!/usr/bin/env bash
# Idempotent set-up on Debian: R from Debian's packages, then this checkout's
# own development environment, which touches nothing outside the checkout:
#   .Rlib/  this checkout's R package;
#   .venv/  Python with this checkout's xortorch (editable), PyTorch, the test
#           and lint tools, pinned by tools/constraints.txt.
# The Makefile points R at them (R_LIBS, RETICULATE_PYTHON). Only what is
# missing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

apt_packages=(r-base-core r-cran-reticulate r-cran-rmarkdown r-cran-knitr r-cran-testthat r-cran-roxygen2 pandoc
              r-cran-lintr r-cran-covr r-cran-pkgdown r-cran-broom)
# --tests (make test): also a browser, in which the site's check opens its pages offline.
[ "${1:-}" = "--tests" ] && apt_packages+=(chromium)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

echo "== R: installing this checkout's R package into $repo/.Rlib"
mkdir -p .Rlib
log=$(mktemp)
trap 'rm -f "$log"' EXIT
R CMD INSTALL --clean --no-test-load --library=.Rlib . > "$log" 2>&1 || { cat "$log"; exit 1; }

venv="$repo/.venv"
# Complete when every module imports, NumPy is 1.x (reticulate 1.28) and
# xortorch is this checkout's.
check='
import sys, numpy, torch, matplotlib, tqdm, tensorboard, numba, pytest, pytest_cov, rpy2, ruff, mypy, pandas, sklearn
import nbclient, nbformat, ipykernel, dask, distributed
import xortorch
assert numpy.__version__ < "2", numpy.__version__
assert rpy2.__version__.startswith("3.5."), rpy2.__version__
assert xortorch.__file__.startswith(sys.argv[1] + "/python/"), xortorch.__file__
'
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" "$repo" 2>/dev/null; then
  echo "== Python: $venv is ready"
else
  echo "== Python: installing the development environment $venv"
  # The same function users run, pointed at this checkout; the constraints pin every package to the versions
  # tested here (torch==2.13.0 is the CPU wheel this platform serves from disk; rpy2 3.6 needs a newer R).
  PIP_CONSTRAINT="$repo/tools/constraints.txt" R_LIBS="$repo/.Rlib" Rscript -e "xortorch::install_xortorch(
      envname = '$venv', torch = 'torch', source = '$repo', editable = TRUE,
      extra = c('rpy2', 'pytest', 'pytest-cov', 'ruff', 'mypy', 'pandas', 'scikit-learn', 'nbclient', 'nbformat',
                'ipykernel', 'dask', 'distributed'))"
  "$venv/bin/python" -c "$check" "$repo"
fi
