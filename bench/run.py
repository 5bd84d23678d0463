"""make bench: xortorch's performance goals, each as a ratio measured side by side.

This machine is shared and noisy, so every comparison interleaves its
contenders in one process and reports medians; absolute times are context.
Writes ``latest.json`` and ``latest.md`` to ``--out`` and refreshes the table
in README.md between the ``bench:start``/``bench:end`` markers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.utils.data as data
from torch.utils.benchmark import Timer

import xortorch as xt

ROOT = Path(__file__).resolve().parents[1]


def tutorial_train(dataset: xt.XORDataset, seed: int) -> xt.SimpleClassifier:
    """The tutorial's training loop, faithfully: per-item Dataset, shuffling
    DataLoader, nn.Module, BCEWithLogitsLoss, SGD, zero_grad/backward/step."""
    torch.manual_seed(seed)
    model = xt.SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
    loader = data.DataLoader(dataset, batch_size=128, shuffle=True)
    loss_module = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    for _ in range(100):
        for data_inputs, data_labels in loader:
            preds = model(data_inputs).squeeze(dim=1)
            loss = loss_module(preds, data_labels.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


def interleaved(contenders: dict, repeats: int) -> dict[str, float]:
    """Median seconds of each contender, run in turn ``repeats`` times."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def goal_engine(repeats: int) -> dict:
    dataset = xt.XORDataset(2500, seed=1)
    X, y = dataset.data.numpy(), dataset.label.numpy()
    X_test, y_test = xt.make_data(500, seed=2)
    medians = interleaved(
        {
            "tutorial loop": lambda: tutorial_train(dataset, seed=1),
            "autograd engine": lambda: xt.train(X, y, seed=1, engine="autograd"),
            "fast engine": lambda: xt.train(X, y, seed=1),
        },
        repeats,
    )
    return {
        "seconds": medians,
        "speedup_vs_tutorial": medians["tutorial loop"] / medians["fast engine"],
        "accuracy": {
            "tutorial loop": xt.evaluate(tutorial_train(dataset, seed=1), X_test, y_test),
            "fast engine": xt.evaluate(xt.train(X, y, seed=1), X_test, y_test),
        },
    }


def goal_sweep(repeats: int) -> dict:
    X, y = xt.make_data(2500, seed=1)
    grid = dict(lr=[0.01 * 1.6**i for i in range(10)], seeds=range(10))
    medians = interleaved(
        {
            "train() one model": lambda: xt.train(X, y, seed=1),
            "sweep 10 lr x 10 seeds": lambda: xt.sweep(X, y, **grid),
            "sweep 1 lr x 100 seeds": lambda: xt.sweep(X, y, lr=[0.1], seeds=range(100)),
        },
        repeats,
    )
    one = medians["train() one model"]
    return {
        "seconds": medians,
        "ratio_100_models_grid": medians["sweep 10 lr x 10 seeds"] / one,
        "ratio_100_models_seeds": medians["sweep 1 lr x 100 seeds"] / one,
    }


def goal_matmul(repeats: int, n: int = 5000) -> dict:
    x = torch.randn(n, n)
    timer = Timer("torch.matmul(x, x)", globals={"torch": torch, "x": x}, num_threads=torch.get_num_threads())
    ours, reference = [], []
    for _ in range(3):  # alternate, so both see the same machine load
        ours.append(xt.bench(n=n, repeats=repeats, devices=["cpu"])["seconds"][0])
        reference.append(timer.timeit(repeats).median)
    ours_s, ref_s = statistics.median(ours), statistics.median(reference)
    return {
        "n": n,
        "bench_seconds": ours_s,
        "utils_benchmark_seconds": ref_s,
        "ratio": ours_s / ref_s,
        "gflops": 2 * n**3 / ours_s / 1e9,
    }


SCALE_SCRIPT = """
import json, sys, time
import xortorch as xt

def status(field):
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) / 1024 for line in handle if line.startswith(field))

task = sys.argv[1]
model = xt.train(*xt.make_data(2500, seed=1), seed=1)
with open("/proc/self/clear_refs", "w") as handle:  # reset the peak-RSS counter (VmHWM)
    handle.write("5")
baseline = status("VmRSS")
start = time.perf_counter()
if task == "train_1m":
    X, y = xt.make_data(1_000_000, seed=1)
    big = xt.train(X, y, seed=1, epochs=2, batch_size=128)
    extra = {"epochs": 2, "accuracy": xt.evaluate(big, *xt.make_data(10_000, seed=2)), "train_seconds": big["seconds"]}
elif task == "grid_4m":
    extra = {"points": int(xt.predict_grid(model, step=0.001)["prob"].size)}
else:
    try:
        xt.predict_grid(model, step=0.0001)
        extra = {"error": None}
    except ValueError as err:
        extra = {"error": str(err)}
seconds = time.perf_counter() - start
peak = status("VmHWM") - baseline
    print(json.dumps({"seconds": seconds, "baseline_rss_mb": baseline, "extra_peak_mb": peak, **extra}))
"""


def goal_scale() -> dict:
    out = {}
    for task in ("train_1m", "grid_4m", "grid_too_big"):
        result = subprocess.run([sys.executable, "-c", SCALE_SCRIPT, task], capture_output=True, text=True, check=True)
        out[task] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


BRIDGE_SCRIPT = """
suppressPackageStartupMessages(library(xortorch))
d <- xor_data(2500, seed = 1)
X <- cbind(d$x1, d$x2); y <- d$label
py <- xortorch:::xt()
r_side <- py_side <- numeric()
for (i in 1:9) {
  r_side[i] <- system.time(xor_train(d, seed = 1, progress = FALSE))[["elapsed"]]
  py_side[i] <- system.time(py$train(X, y, seed = 1L))[["elapsed"]]
}
cat(sprintf('{"xor_train": %f, "train": %f}\\n', median(r_side), median(py_side)))
"""


def goal_bridge() -> dict:
    if shutil.which("Rscript") is None:
        return {"skipped": "R is not installed"}
    result = subprocess.run(["Rscript", "-e", BRIDGE_SCRIPT], capture_output=True, text=True)
    if result.returncode != 0:
        return {"skipped": f"Rscript failed: {result.stderr.strip()[-300:]}"}
    seconds = json.loads(result.stdout.strip().splitlines()[-1])
    return {"seconds": seconds, "ratio": seconds["xor_train"] / seconds["train"]}


def machine() -> dict:
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def markdown(r: dict) -> str:
    m, e, s, mm, sc, b = r["machine"], r["engine"], r["sweep"], r["matmul"], r["scale"], r["bridge"]
    bridge = (
        f"{b['ratio']:.2f}x | <= 1.2x | `xor_train()` {b['seconds']['xor_train'] * 1e3:.0f} ms vs `train()` "
        f"{b['seconds']['train'] * 1e3:.0f} ms, one R session"
        if "ratio" in b
        else f"skipped | <= 1.2x | {b['skipped']}"
    )
    rows = [
        (
            "1. `train()` vs the tutorial's loop",
            f"{e['speedup_vs_tutorial']:.1f}x faster",
            ">= 10x",
            f"tutorial {e['seconds']['tutorial loop'] * 1e3:.0f} ms, "
            f"autograd engine {e['seconds']['autograd engine'] * 1e3:.0f} ms, "
            f"fast {e['seconds']['fast engine'] * 1e3:.0f} ms; accuracy on 500 fresh points "
            f"{e['accuracy']['tutorial loop']:.3f} (tutorial) / {e['accuracy']['fast engine']:.3f} (fast)",
        ),
        (
            "2. `sweep()` of 100 models vs one model",
            f"{s['ratio_100_models_grid']:.1f}x (10 lr x 10 seeds); {s['ratio_100_models_seeds']:.1f}x (100 seeds)",
            "<= 3x",
            f"one model {s['seconds']['train() one model'] * 1e3:.0f} ms",
        ),
        (
            "3. `bench()` CPU vs `torch.utils.benchmark`",
            f"{mm['ratio']:.3f}",
            "0.9 - 1.1",
            f"{mm['n']}^2 matmul, {mm['gflops']:.0f} GFLOP/s, all {m['torch_threads']} threads",
        ),
        (
            "4. scale: train on 1,000,000 points",
            f"{sc['train_1m']['train_seconds'] / sc['train_1m']['epochs']:.2f} s/epoch",
            "bounded memory",
            f"peak memory +{sc['train_1m']['extra_peak_mb']:.0f} MB over the process's "
            f"{sc['train_1m']['baseline_rss_mb']:.0f} MB; accuracy {sc['train_1m']['accuracy']:.3f} on 10,000 points",
        ),
        (
            "4. scale: `predict_grid(step=0.001)`",
            f"{sc['grid_4m']['seconds']:.2f} s",
            "bounded memory",
            f"{sc['grid_4m']['points']:,} points, peak memory +{sc['grid_4m']['extra_peak_mb']:.0f} MB; "
            f"step 0.0001 (400 million points) is a clear ValueError",
        ),
        ("5. R bridge: `xor_train()` vs `train()`", *bridge.split(" | ")),
    ]
    lines = [
        f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, torch {m['torch']}, "
        f"{'GPU ' + m['cuda'] if m['cuda'] else 'no GPU'}). "
        "Ratios come from contenders run side by side in one process.",
        "",
        "| goal | measured | target | context |",
        "|---|---|---|---|",
        *[f"| {a} | {b_} | {c} | {d} |" for a, b_, c, d in rows],
    ]
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        readme.write_text(head + start + "\n" + table + end + rest.split(end, 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results = {"machine": machine()}
    for name, run in [
        ("engine", lambda: goal_engine(args.repeats)),
        ("sweep", lambda: goal_sweep(args.repeats)),
        ("matmul", lambda: goal_matmul(args.repeats)),
        ("scale", goal_scale),
        ("bridge", goal_bridge),
    ]:
        print(f"== {name}", flush=True)
        results[name] = run()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out / "latest.md").write_text(table)
    update_readme(table)
    print(textwrap.indent(table, "  "))


if __name__ == "__main__":
    main()
