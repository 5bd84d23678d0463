"""tools/vignette_python.py runs the vignette's Python without R (as on the GPU machine)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "vignette_python.py"


def run(rmd: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), str(rmd)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_tutorial_vignettes_python_runs_as_one_script_from_any_folder(tmp_path):
    result = run(ROOT / "vignettes" / "xortorch.Rmd", tmp_path)
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


VIGNETTES = [ROOT / "vignettes" / "xortorch.Rmd", ROOT / "vignettes" / "getting-started.Rmd"]
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
