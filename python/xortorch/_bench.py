"""``bench``: the tutorial's CPU-vs-GPU matmul, timed correctly."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Iterator, Sequence
from typing import Any

import torch

from ._validation import MAX_BENCH_N, MAX_REPEATS, check_int, resolve_device

PRECISIONS = ("float32", "tf32")


@contextlib.contextmanager
def _tf32(enabled: bool) -> Iterator[None]:
    """Allow TF32 matmuls on CUDA for the block, then restore the setting."""
    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = enabled
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before


def _time_matmul(x: torch.Tensor, repeats: int) -> list[float]:
    """Seconds per ``x @ x``, one per repeat, after a warm-up.

    CUDA kernels run asynchronously, so wall-clock time around the call only
    measures the launch: time with CUDA events and synchronise instead.
    """
    out = torch.empty_like(x)
    torch.matmul(x, x, out=out)  # warm-up: kernel selection, caches, clocks
    if x.device.type == "cuda":
        torch.cuda.synchronize(x.device)
        times = []
        for _ in range(repeats):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            torch.matmul(x, x, out=out)
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1000.0)
        return times
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        torch.matmul(x, x, out=out)
        times.append(time.perf_counter() - began)
    return times


def _device_name(dev: torch.device) -> str:
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    if dev.type == "cpu":
        return f"CPU ({torch.get_num_threads()} threads)"
    return dev.type


def bench(
    *,
    n: int = 5000,
    repeats: int = 5,
    devices: Sequence[str] | str | None = None,
    precision: str = "float32",
) -> dict[str, list[Any]]:
    """Time an ``n x n`` float32 matrix product on each device.

    Parameters
    ----------
    n : int, default=5000
        Matrix size (the tutorial's 5000), 1 to 20000.
    repeats : int, default=5
        Timed repeats after one warm-up; the median is reported.
    devices : sequence of str, str or None, default=None
        Devices as for :func:`train`; ``None`` means the CPU plus CUDA when
        available.
    precision : {"float32", "tf32"}, default="float32"
        "tf32" lets CUDA use TensorFloat-32 tensor cores (faster, about 10
        mantissa bits). It is an explicit opt-in and does not apply to the CPU,
        whose rows always say "float32".

    Returns
    -------
    table : dict of equal-length lists
        ``device``, ``name``, ``n``, ``precision``, ``seconds`` (median),
        ``gflops`` (2 n^3 / seconds / 1e9), ``repeats``.

    Raises
    ------
    ValueError
        ``n`` or ``repeats`` out of range, an unknown or unavailable device, or
        an unknown ``precision``.
    TypeError
        ``n`` or ``repeats`` not a whole number.

    Examples
    --------
    >>> import xortorch as xt
    >>> table = xt.bench(n=200, repeats=1, devices="cpu")
    >>> table["device"], table["n"]
    (['cpu'], [200])
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_BENCH_N)
    repeats = check_int(repeats, "repeats", minimum=1, maximum=MAX_REPEATS)
    if precision not in PRECISIONS:
        raise ValueError(f"`precision` must be 'float32' or 'tf32', not {precision!r}.")
    if devices is None:
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    elif isinstance(devices, str):
        devices = [devices]
    if len(devices) == 0:
        raise ValueError("`devices` must name at least one device.")
    resolved = [resolve_device(d) for d in devices]

    table: dict[str, list[Any]] = {k: [] for k in ("device", "name", "n", "precision", "seconds", "gflops", "repeats")}
    x_cpu = torch.randn(n, n, generator=torch.Generator().manual_seed(0))
    for dev in resolved:
        tf32 = precision == "tf32" and dev.type == "cuda"
        with _tf32(tf32):
            seconds = statistics.median(_time_matmul(x_cpu.to(dev), repeats))
        table["device"].append(str(dev))
        table["name"].append(_device_name(dev))
        table["n"].append(n)
        table["precision"].append("tf32" if tf32 else "float32")
        table["seconds"].append(seconds)
        table["gflops"].append(2.0 * n**3 / seconds / 1e9)
        table["repeats"].append(repeats)
    return table
