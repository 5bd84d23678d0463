"""The R package installs the ordinary way and carries its Python package.

From a clean clone: a plain ``R CMD build`` (no make), ``R CMD INSTALL`` of the tarball into a temporary library,
``install_xortorch()`` with its defaults into a temporary virtualenv root, and a model trained in a new R process.
Nothing of the development environment is used (no RETICULATE_PYTHON, no .Rlib); only pip's constraints keep
PyTorch the CPU build this machine serves from disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from conftest import need

pytestmark = pytest.mark.install

REPO = Path(__file__).resolve().parents[2]
DEV_ONLY = ("RETICULATE_PYTHON", "R_LIBS", "CI", "RETICULATE_VIRTUALENV_ROOT", "WORKON_HOME", "VIRTUAL_ENV")


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    started = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False)
    print(f"{' '.join(args)[:70]}: {time.perf_counter() - started:.0f} s")
    assert result.returncode == 0, f"{args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout + result.stderr


@pytest.fixture
def user(tmp_path):
    for tool in ("git", "R", "Rscript", "python3"):
        need(shutil.which(tool) is not None, f"{tool} is not on the PATH")
    clone = tmp_path / "xortorch"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in DEV_ONLY}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(REPO)))
    env["R_LIBS"] = str(tmp_path / "lib")
    env["WORKON_HOME"] = str(tmp_path / "virtualenvs")
    env["PIP_CONSTRAINT"] = str(REPO / "tools" / "constraints.txt")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    (tmp_path / "lib").mkdir()
    return tmp_path, clone, env


def test_a_built_tarball_installs_and_install_xortorch_makes_a_working_environment(user):
    home, clone, env = user
    run(["R", "CMD", "build", clone.name], cwd=home, env=env)
    tarball = next(home.glob("xortorch_*.tar.gz"))
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    assert {"xortorch/pyproject.toml", "xortorch/python/xortorch/_train.py", "xortorch/configure"} <= names

    run(["R", "CMD", "INSTALL", tarball.name], cwd=home, env=env)
    # Built before any Python exists, the vignettes still show the tutorial's results and figures.
    for name in ("xortorch", "getting-started"):
        html = (home / "lib" / "xortorch" / "doc" / f"{name}.html").read_text()
        assert html.count('<img src="data:image/png') >= 5 and html.count("#&gt; ") > 50, name
    bundled = home / "lib" / "xortorch" / "python"
    assert (bundled / "pyproject.toml").is_file()
    assert (bundled / "python" / "xortorch" / "_train.py").read_bytes() == (
        REPO / "python" / "xortorch" / "_train.py"
    ).read_bytes()

    said = run(["Rscript", "-e", "xortorch::install_xortorch()"], cwd=home, env=env)
    print(said.splitlines()[-1])  # its time and size
    # The size it reports is the environment's, each file counted once (lib64 links to lib).
    reported = float(said.splitlines()[-1].rsplit("(", 1)[1].split(" GB")[0])
    on_disk = int(subprocess.run(["du", "-sb", str(home / "virtualenvs" / "r-xortorch")], capture_output=True,
                                 text=True, check=True).stdout.split()[0]) / 1e9  # fmt: skip
    assert abs(reported - on_disk) <= 0.1 + 0.05 * on_disk, (reported, on_disk)
    # On this machine without a GPU: the CPU build, announced up front, in a few readable lines.
    assert "PyTorch (torch==2.13.*; the CPU build, about 200 MB)" in said.splitlines()[1]
    assert len(said.splitlines()) <= 10 and "Installing PyTorch from its CPU index ... done" in said, said
    python = home / "virtualenvs" / "r-xortorch" / "bin" / "python"
    versions = run([str(python), "-c", "import torch, numpy; print(torch.__version__, numpy.__version__)"], home, env)
    assert versions.startswith("2.13.0+cpu 1."), versions
    # The training kernels were compiled at install time, into the user's cache, not left to the first fit.
    cached = (home / "cache" / "xortorch").glob("kernels-*/*.nbi")
    assert {p.name.split("-")[0] for p in cached} >= {"_kernels.run_batches", "_kernels.forward", "_kernels.randperms"}
    out = run(
        [
            "Rscript",
            "-e",
            "library(xortorch); m <- xor_train(seed = 1); "
            "cat('accuracy', xor_evaluate(m, xor_data(500, seed = 2)), '\\n'); "
            "cat('python', xor_config()$python, '\\n'); "
            "cat('vignettes', sort(vignette(package = 'xortorch')$results[, 'Item']), '\\n')",
        ],
        cwd=home,
        env=env,
    )
    assert "accuracy 1 \n" in out
    assert f"python {home / 'virtualenvs' / 'r-xortorch'}" in out
    assert "vignettes getting-started xortorch \n" in out


def test_r_cmd_install_of_the_folder_bundles_python_and_leaves_the_checkout_clean(user):
    home, clone, env = user
    run(["R", "CMD", "INSTALL", "--clean", "--no-test-load", clone.name], cwd=home, env=env)
    assert (home / "lib" / "xortorch" / "python" / "python" / "xortorch" / "__init__.py").is_file()
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=clone, capture_output=True, text=True)
    assert status.stdout == ""
