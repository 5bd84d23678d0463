"""tools/vignette_python.py runs the vignette's Python without R (as on the GPU machine)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "vignette_python.py"


def run(rmd: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), str(rmd)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_tutorial_vignettes_python_runs_as_one_script_from_any_folder(tmp_path):
    result = run(ROOT / "vignettes-src" / "xortorch.Rmd", tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Using torch ")
    # The tutorial's reference outputs, in the order the vignette shows them.
    expected = [
        "tensor([[[0.8823, 0.9150, 0.3829, 0.9593]",
        "tensor(12.6667, grad_fn=<MeanBackward0>)",
        "tensor([1.3333, 2.0000, 2.6667])",
        "Device cpu",
        "one linear layer: loss 0.69",
        "same points: True | same labels: True",
        "BCEWithLogitsLoss(z): tensor([  2.1269,  20.0000, 120.0000])",
        "Accuracy of the model: 100.00%",
        "epochs logged: 100",
    ]
    positions = [out.find(text) for text in expected]
    assert -1 not in positions, [t for t, p in zip(expected, positions) if p == -1]
    assert positions == sorted(positions)
    assert "Python chunks of" in result.stderr
    assert not list(tmp_path.iterdir())  # it wrote nothing where it ran


def test_r_chunks_are_skipped_and_the_first_failing_chunk_stops_the_run(tmp_path):
    rmd = tmp_path / "t.Rmd"
    rmd.write_text(
        "```{r setup}\nstop('R must not run')\n```\n"
        "```{python first}\nx = 40\nx + 2\n```\n"
        "```{python skipped, eval = FALSE}\nraise SystemExit(3)\n```\n"
        "```{python broken}\n1 / 0\n```\n"
        "```{python never}\nprint('after the failure')\n```\n"
    )
    result = run(rmd, tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip() == "42"
    assert "chunk 'broken' (line 12" in result.stderr and "ZeroDivisionError" in result.stderr
    assert "after the failure" not in result.stdout


VIGNETTES = [ROOT / "vignettes-src" / "xortorch.Rmd", ROOT / "vignettes-src" / "getting-started.Rmd"]
CHUNK = re.compile(r"^```\{(?P<engine>r|python)(?P<header>[^}]*)\}\n(?P<code>.*?)^```", re.M | re.S)


def shown_chunks(path: Path):
    for chunk in CHUNK.finditer(path.read_text()):
        if not re.search(r"(include|echo)\s*=\s*FALSE", chunk["header"]):
            yield chunk


def test_the_knitted_pages_fit_their_code_boxes_describe_their_figures_and_print_no_addresses():
    for path in VIGNETTES:
        for chunk in shown_chunks(path):
            header, code = chunk["header"], chunk["code"]
            long = [line for line in code.splitlines() if len(line) > 90]
            assert not long, f"{path.name}: code lines past the box (90 characters): {long}"
            draws = re.search(r"^\s*(plot|image)\(|plt\.show\(\)", code, re.M)
            if draws:
                assert "fig.alt" in header, f"{path.name}: a figure without alt text in {{{chunk['engine']}{header}}}"
            # torch.manual_seed() returns its generator, which a chunk would print with its address.
            assert not re.search(r"^torch\.manual_seed\(", code, re.M), f"{path.name}: {header}"


# The installed vignettes are precomputed (issue 27): vignettes/NAME.Rmd holds the results and figures of
# vignettes-src/NAME.Rmd as plain markdown, so that `R CMD build` needs no Python to show them.
NAMES = ("xortorch", "getting-started")


def test_the_precomputed_vignettes_are_of_the_current_sources_and_complete():
    import hashlib

    for name in NAMES:
        text = (ROOT / "vignettes" / f"{name}.Rmd").read_text()
        digest = hashlib.md5((ROOT / "vignettes-src" / f"{name}.Rmd").read_bytes()).hexdigest()
        assert f"from vignettes-src/{name}.Rmd (md5 {digest})" in text, f"vignettes/{name}.Rmd is stale: make vignettes"
        assert not re.search(r"^```\{", text, re.M)  # nothing left to run at R CMD build
        figures = re.findall(r'src="(figures/[^"]+)"|\]\((figures/[^)]+)\)', text)
        assert figures and all((ROOT / "vignettes" / (a or b)).is_file() for a, b in figures)
        assert text.count("\n#> ") > 20  # the results are there
        assert not re.search(r"/work/|/root/|/tmp/", text)
        assert "object at 0x" not in text  # an echoed object's address adds nothing


def comparable(outputs: list[str]) -> list[str]:
    """Outputs without what differs from run to run: addresses, ports, timings and the benchmark's rows."""
    out = []
    for line in outputs:
        line = re.sub(r"0x[0-9a-f]+", "0x?", line)
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:?", line)
        line = re.sub(r"[\d.]+( ?)(s|ms|it/s|GFLOP/s)\b", r"?\1\2", line)
        if re.match(r"#> +(\d+ +)?(cpu|cuda)\b", line):
            line = re.sub(r"\d+\.\d+", "?", line)
        out.append(re.sub(r" +", " ", line))  # a table's columns are as wide as its widest timing
    return out


@pytest.mark.bridge
def test_the_vignettes_render_from_another_folder_as_report_pipelines_do_with_the_precomputed_results(tmp_path):
    import os
    import shutil

    from conftest import need

    need(shutil.which("Rscript") is not None, "Rscript is not on the PATH")
    code = (
        "for (name in c('xortorch', 'getting-started')) rmarkdown::render("
        f"file.path('{ROOT}', 'vignettes-src', paste0(name, '.Rmd')), output_dir = 'out', intermediates_dir = 'work', "
        "output_options = list(keep_md = TRUE), quiet = TRUE, envir = new.env())"
    )
    (tmp_path / "work").mkdir()
    result = subprocess.run(["Rscript", "-e", code], cwd=tmp_path, capture_output=True, text=True, timeout=900,
                            env=dict(os.environ))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    for name in NAMES:
        html = (tmp_path / "out" / f"{name}.html").read_text()
        precomputed = (ROOT / "vignettes" / f"{name}.Rmd").read_text()
        assert html.count('<img src="data:image/png') == len(re.findall(r'src="figures/', precomputed)) > 0
        fresh = (tmp_path / "out" / f"{name}.md").read_text().replace(str(ROOT), "~/xortorch")
        pick = lambda text: comparable([line for line in text.splitlines() if line.startswith("#>")])
        assert pick(fresh) == pick(precomputed), f"vignettes/{name}.Rmd differs from a fresh run: make vignettes"


@pytest.mark.bridge
def test_the_installed_vignettes_render_into_another_folder_with_every_figure(tmp_path):
    # The precomputed vignettes are what R CMD build installs; a report pipeline renders them without Python.
    import shutil

    from conftest import need

    need(shutil.which("Rscript") is not None, "Rscript is not on the PATH")
    out = tmp_path / "out"
    code = (
        "for (name in c('xortorch', 'getting-started')) rmarkdown::render("
        f"file.path('{ROOT}', 'vignettes', paste0(name, '.Rmd')), output_dir = '{out}', intermediates_dir = '{out}', "
        "quiet = TRUE)"
    )
    result = subprocess.run(["Rscript", "-e", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in NAMES:
        html = (out / f"{name}.html").read_text()
        precomputed = (ROOT / "vignettes" / f"{name}.Rmd").read_text()
        assert html.count('<img src="data:image/png') == len(re.findall(r'src="figures/', precomputed)) > 0
        assert html.count("#&gt; ") > 20  # the results, not only the code
