"""Every R and Python code block in README.md runs on its own, as written, in a fresh process.

A block states what it prints in ``#>`` lines (the reprex convention); each such line must appear
in the output, in order. R blocks need the installed R package, so they are bridge tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need

README = Path(__file__).resolve().parents[2] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(), flags=re.M | re.S)


def claims(code: str) -> list[str]:
    return [line[3:].rstrip() for line in code.splitlines() if line.startswith("#> ")]


def assert_prints_claims(code: str, result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, f"the block failed:\n{code}\n--- output:\n{result.stdout}\n{result.stderr}"
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    at = 0
    for line in claims(code):
        assert line in printed[at:], f"README claims {line!r}, but the block printed:\n{result.stdout}"
        at = printed.index(line, at) + 1


def test_the_readme_has_blocks_that_claim_outputs():
    assert len(blocks("python")) >= 2
    assert len(blocks("r")) >= 2
    assert all(claims(code) for code in blocks("python") + blocks("r"))


@pytest.mark.parametrize("code", blocks("python"), ids=lambda code: code.splitlines()[0][:40])
def test_python_block_runs_as_written(code, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    assert_prints_claims(code, result)


@pytest.mark.bridge
@pytest.mark.parametrize("code", blocks("r"), ids=lambda code: code.splitlines()[0][:40])
def test_r_block_runs_as_written(code, tmp_path):
    rscript = shutil.which("Rscript")
    need(rscript is not None, "Rscript is not on the PATH")
    script = tmp_path / "block.R"
    script.write_text(code)
    result = subprocess.run(
        [rscript, "--vanilla", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert_prints_claims(code, result)
