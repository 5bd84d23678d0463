"""GPU check for the device machine (Python, torch with CUDA, no R, no network).

Run from a copy of the repository:  python tools/gpu_check.py  (or make gpu-check).
Runs the ``gpu`` tests (with pytest when installed, else by calling them
directly) and ``bench`` for n = 5000 in FP32 and TF32, then writes
``gpu_check.json`` to $OUT (default: the current folder). Exits non-zero when
a check fails or CUDA is missing.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import platform
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

import xortorch as xt  # noqa: E402


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
    report = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda_available": torch.cuda.is_available(),
        "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    if torch.cuda.is_available():
        report["tests"] = run_tests()
        report["bench_fp32"] = xt.bench(n=5000, repeats=20, devices=["cpu", "cuda"])
        report["bench_tf32"] = xt.bench(n=5000, repeats=20, devices=["cuda"], precision="tf32")
        X, y = xt.make_data(2500, seed=1)
        timings = {}
        for label, call in [
            ("train one model", lambda: xt.train(X, y, seed=1, device="cuda")),
            (
                "sweep 100 models",
                lambda: xt.sweep(X, y, lr=[0.01 * 1.6**i for i in range(10)], seeds=range(10), device="cuda"),
            ),
        ]:
            call()  # warm-up
            start = time.perf_counter()
            call()
            timings[label] = time.perf_counter() - start
        report["training_seconds_cuda"] = timings
        fp32 = report["bench_fp32"]["seconds"][1]
        report["summary"] = (
            f"{report['device']}: 5000^2 matmul FP32 {fp32 * 1e3:.2f} ms "
            f"({report['bench_fp32']['gflops'][1] / 1e3:.1f} TFLOP/s), TF32 "
            f"{report['bench_tf32']['seconds'][0] * 1e3:.2f} ms "
            f"({report['bench_tf32']['gflops'][0] / 1e3:.1f} TFLOP/s); "
            f"CPU {report['bench_fp32']['seconds'][0]:.3f} s; "
            f"tests {'passed' if report['tests']['passed'] else 'FAILED'}"
        )
    else:
        report["summary"] = "CUDA is not available: nothing to check"
    (out / "gpu_check.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(report["summary"])
    return 0 if report.get("tests", {}).get("passed") else 1


if __name__ == "__main__":
    sys.exit(main())
