#!/usr/bin/env bash
# Idempotent set-up on Debian: R from Debian's packages, the xortorch R package,
# and the r-xortorch Python environment in reticulate's virtualenv root.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

apt_packages=(r-base-core r-cran-reticulate r-cran-rmarkdown r-cran-knitr r-cran-testthat r-cran-roxygen2 pandoc
              r-cran-lintr r-cran-covr r-cran-pkgdown)
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

echo "== R: installing the xortorch R package from $repo"
R CMD INSTALL --no-test-load . > /tmp/xortorch-r-install.log 2>&1 || { cat /tmp/xortorch-r-install.log; exit 1; }

# The same rule as reticulate and R/python.R.
root=${RETICULATE_VIRTUALENV_ROOT:-${WORKON_HOME:-$HOME/.virtualenvs}}
python="$root/r-xortorch/bin/python"
# Complete when every module imports, NumPy is 1.x (reticulate 1.28) and
# xortorch is this checkout's, installed in editable mode.
check='
import sys, numpy, torch, matplotlib, tqdm, pytest, pytest_cov, rpy2, ruff, mypy, pandas, sklearn, xortorch
assert numpy.__version__ < "2", numpy.__version__
assert rpy2.__version__.startswith("3.5."), rpy2.__version__
assert xortorch.__file__.startswith(sys.argv[1] + "/python/"), xortorch.__file__
'
if [ -x "$python" ] && "$python" -c "$check" "$repo" 2>/dev/null; then
  echo "== Python: $root/r-xortorch is ready"
else
  echo "== Python: installing the environment $root/r-xortorch"
  # torch==2.13.0 is the CPU wheel this platform serves from disk (a bare
  # `torch` pulls a multi-GB CUDA build); rpy2 3.6 needs a newer R than Debian's.
  Rscript -e "xortorch::install_xortorch(torch = 'torch==2.13.0', source = '$repo', editable = TRUE,
              extra = c('rpy2==3.5.17', 'pytest', 'pytest-cov', 'ruff==0.17.6', 'mypy==2.4.1',
                        'pandas', 'scikit-learn'))"
  "$python" -c "$check" "$repo"
fi
