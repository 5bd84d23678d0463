"""GPU check for the device machine (Python, torch with CUDA, no R, no network).

Run from a copy of the repository:  python tools/gpu_check.py  (or make gpu-check).
Runs the ``gpu`` tests (with pytest when installed, else by calling them
directly), ``bench`` for n = 5000 in FP32 and TF32 (with the share of the
card's peak), the tutorial's training loop and ``train()`` on the CPU and the
GPU, and the vignette's Python (tools/vignette_python.py), then writes
``gpu.json`` and ``vignette_python.log`` to $OUT (default: the current folder).
Without CUDA it still times the CPU and runs the vignette, so the script is
exercised anywhere. Exits non-zero when a check fails or CUDA is missing.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "python"), str(ROOT / "tests" / "python")]
os.environ["XORTORCH_REQUIRE_GPU"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.utils.data as data  # noqa: E402

import xortorch as xt  # noqa: E402

# Dense peak TFLOP/s (FP32 without tensor cores, TF32 with) from NVIDIA's data sheets, SXM parts.
PEAK_TFLOPS = {"H100": {"float32": 66.9, "tf32": 494.7}, "H200": {"float32": 66.9, "tf32": 494.7}}


def tutorial_loop(device: torch.device, epochs: int = 100) -> float:
    """Seconds for the tutorial's training loop (Dataset, DataLoader, autograd) on ``device``."""
    torch.manual_seed(1)
    dataset = xt.XORDataset(2500)
    model = xt.SimpleClassifier(2, 4, 1).to(device)
    loader = data.DataLoader(dataset, batch_size=128, shuffle=True)
    loss_module, optimizer = nn.BCEWithLogitsLoss(), torch.optim.SGD(model.parameters(), lr=0.1)
    start = time.perf_counter()
    for _ in range(epochs):
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            loss = loss_module(model(inputs).squeeze(dim=1), labels.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def training_timings(devices: list[str]) -> dict:
    """The tutorial's loop and train() (one model; 100-model sweep) on each device, seconds after a warm-up."""
    X, y = xt.make_data(2500, seed=1)
    out: dict = {}
    for name in devices:
        dev = torch.device(name)
        calls = {
            "tutorial loop": lambda dev=dev: tutorial_loop(dev),
            "train()": lambda name=name: xt.train(X, y, seed=1, device=name)["seconds"],
            "sweep() 100 models": lambda name=name: xt.sweep(
                X, y, lr=[0.01 * 1.6**i for i in range(10)], seeds=range(10), device=name
            )["seconds"],
        }
        out[name] = {}
        for label, call in calls.items():
            call()  # warm-up: kernels, caches, clocks
            out[name][label] = call()
    return out


def vignette_python(out: Path) -> dict:
    """The vignette's Python chunks as one script, as the GPU machine (no R) runs the tutorial."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vignette_python.py"), str(ROOT / "vignettes-src" / "xortorch.Rmd")],
        capture_output=True,
        text=True,
        cwd=tempfile.mkdtemp(),
    )
    (out / "vignette_python.log").write_text(result.stdout + result.stderr)
    device = next((line for line in result.stdout.splitlines() if line.startswith("Device ")), None)
    return {"exit_code": result.returncode, "device_line": device, "last_line": result.stderr.strip()[-200:]}


def peak_share(name: str | None, precision: str, gflops: float) -> float | None:
    for model, peaks in PEAK_TFLOPS.items():
        if name and model in name:
            return gflops / 1e3 / peaks[precision]
    return None


def run_tests() -> dict:
    try:
        import pytest
    except ImportError:
        pytest = None
    if pytest is not None:
        code = pytest.main(
            ["-q", "-p", "no:cacheprovider", "-m", "gpu", str(ROOT / "tests" / "python" / "test_gpu.py")]
        )
        return {"runner": "pytest", "exit_code": int(code), "passed": int(code) == 0}
    # No pytest here: call each test, giving tmp_path a fresh folder.
    module = importlib.import_module("test_gpu")
    results = {}
    for name, test in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("test_"):
            continue
        try:
            kwargs = {"tmp_path": Path(tempfile.mkdtemp())} if "tmp_path" in inspect.signature(test).parameters else {}
            test(**kwargs)
            results[name] = "passed"
        except Exception:
            results[name] = "failed: " + traceback.format_exc(limit=3)
        print(name, results[name].splitlines()[0], flush=True)
    return {"runner": "direct", "results": results, "passed": all(v == "passed" for v in results.values())}


def main() -> int:
    out = Path(os.environ.get("OUT", "."))
    out.mkdir(parents=True, exist_ok=True)
    cuda = torch.cuda.is_available()
    report: dict = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": __import__("numpy").__version__,
        "cuda_available": cuda,
        "device": torch.cuda.get_device_name(0) if cuda else None,
    }
    report["vignette_python"] = vignette_python(out)
    report["training_seconds"] = training_timings(["cpu", "cuda"] if cuda else ["cpu"])
    if cuda:
        report["tests"] = run_tests()
        report["bench_fp32"] = xt.bench(n=5000, repeats=20, devices=["cpu", "cuda"])
        report["bench_tf32"] = xt.bench(n=5000, repeats=20, devices=["cuda"], precision="tf32")
        fp32, tf32 = report["bench_fp32"]["gflops"][1], report["bench_tf32"]["gflops"][0]
        report["peak_share"] = {
            "float32": peak_share(report["device"], "float32", fp32),
            "tf32": peak_share(report["device"], "tf32", tf32),
        }
        t = report["training_seconds"]
        report["summary"] = (
            f"{report['device']}: 5000^2 matmul FP32 {fp32 / 1e3:.1f} TFLOP/s, TF32 {tf32 / 1e3:.1f} TFLOP/s "
            f"(CPU {report['bench_fp32']['gflops'][0]:.0f} GFLOP/s); tutorial loop cuda "
            f"{t['cuda']['tutorial loop']:.2f} s vs cpu {t['cpu']['tutorial loop']:.2f} s; train() cuda "
            f"{t['cuda']['train()']:.3f} s vs cpu {t['cpu']['train()']:.3f} s; vignette "
            f"{report['vignette_python']['device_line']} (exit {report['vignette_python']['exit_code']}); "
            f"tests {'passed' if report['tests']['passed'] else 'FAILED'}"
        )
    else:
        report["summary"] = (
            f"CUDA is not available: CPU timings and the vignette only ({report['vignette_python']['device_line']}, "
            f"exit {report['vignette_python']['exit_code']})"
        )
    (out / "gpu.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(report["summary"])
    passed = report.get("tests", {}).get("passed") and report["vignette_python"]["exit_code"] == 0
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
