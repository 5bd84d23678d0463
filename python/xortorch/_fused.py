"""The compiled CPU path of ``train()`` and ``sweep()``: SGD epochs fused into one numba kernel.

At the tutorial's size a training step is a few hundred floating-point
operations, and the torch engine spends most of each step dispatching its
twelve aten calls (about 2 us each). This kernel runs the same algorithm in
compiled float32 code, model after model, batch after batch, each line a loop
over the batch's rows, contiguous, which the compiler turns into SIMD
instructions; models that share a seed share one gathered copy of its rows.
It keeps everything the torch engine does: the same initial weights and the
same permutation per epoch (both drawn from each seed's torch generator by the
caller), case weights, weight decay and a learning rate per model; results
agree with the autograd engine to rounding. The forward pass alone
(``logits``) serves predictions.

tanh, the sigmoid and the loss are computed with arithmetic only, so that they
vectorise: tanh by the rational approximation Eigen uses for float (within
3.5e-7 of tanh everywhere), the sigmoid as (1 + tanh(z/2)) / 2, and the loss
softplus(s) = max(s, 0) + log1p(e^-|s|) with e^-|s| = (1 - |t|) / (1 + |t|),
t = tanh(z/2), and log1p by its atanh series. The only fastmath flags let
the compiler reorder sums and fuse multiply-adds; it compiles one order, so the
same seed gives the same weights on every run on one machine, and NaN stays NaN.

It runs where it was measured faster than the torch engine (see
``worthwhile``); it is optional: without numba (the ``fast`` extra) or on a
GPU the torch engine runs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Callable

import numpy as np

#: Row-models per kernel call (rows x models): between calls the caller can run its heartbeat.
CHUNK_WORK = 1 << 16

#: Measured here (one thread, 2,500 rows, batch 128, against the torch engine): the kernel is faster for
#: one model at 2 inputs up to the largest hidden layer (4.8x at hidden 4, 2.8x at 64, 1.9x at 4,096), at
#: 8 inputs and hidden 1,024 (1.2x), and whenever inputs x hidden is at most 2,048 (1.3x at 32 x 64, 1.4x
#: at 100 x 16), also for sweeps; the torch engine's matrix products win with many inputs and a wide
#: layer (1.7x at 100 x 64, 1.04x at 32 x 512).
MAX_INPUTS_ANY_WIDTH = 8
MAX_INPUT_WEIGHTS = 2048


def worthwhile(hidden: int, inputs: int) -> bool:
    """Whether the kernel beats the torch engine at this size."""
    return inputs <= MAX_INPUTS_ANY_WIDTH or inputs * hidden <= MAX_INPUT_WEIGHTS


@functools.cache
def available() -> bool:
    """Whether numba can be imported (the first call imports it, about half a second)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _compiled() -> Any:
    """The compiled functions (:mod:`xortorch._kernels`), compiled or loaded from numba's cache on first use."""
    from . import _kernels

    return _kernels


def logits(weights: Sequence[np.ndarray], X: np.ndarray) -> np.ndarray:
    """Logits (M, n), float32, of M models for the rows of X (n, p), float32 or float64 in either memory order
    (numba compiles one version for each it meets). ``weights``: W1, b1, W2, b2 with a leading model axis."""
    W1, b1, W2, b2 = (np.ascontiguousarray(w, np.float32) for w in weights)
    out = np.empty((W1.shape[0], X.shape[0]), np.float32)
    _compiled().forward(X, W1, b1, W2, b2, out)
    return out


class FusedModels:
    """M models' weights as the kernel updates them, one model's contiguous: (M, H, p), (M, H), (M, H), (M,)."""

    def __init__(self, W1: Any, b1: Any, W2: Any, b2: Any) -> None:
        """From per-model arrays shaped as the engine's: (M, H, p), (M, H), (M, 1, H), (M, 1)."""
        self.W1 = np.array(W1, np.float32, order="C")
        self.b1 = np.array(b1, np.float32, order="C")
        self.W2 = np.array(np.asarray(W2)[:, 0, :], np.float32, order="C")
        self.b2 = np.array(np.asarray(b2)[:, 0], np.float32, order="C")

    def params(self) -> tuple[np.ndarray, ...]:
        """Copies, shaped as the engine's per-model tensors: (M, H, p), (M, H), (M, 1, H), (M, 1)."""
        return self.W1.copy(), self.b1.copy(), self.W2[:, None, :].copy(), self.b2[:, None].copy()


def run_epoch(
    models: FusedModels,
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    perms: np.ndarray,
    group: np.ndarray,
    *,
    batch_size: int,
    lr: np.ndarray,
    weight_decay: float,
    between_chunks: Callable[[], None] | None = None,
) -> np.ndarray:
    """One epoch; returns each model's mean (weighted) loss (M,), from the logits each batch saw."""
    n, M = perms.shape[1], lr.size
    kernel = _compiled().run_batches
    lr32 = lr.astype(np.float32)
    keep = np.float32(1.0) - lr32 * np.float32(weight_decay)
    totals = np.zeros(M, np.float64)
    order = np.argsort(group, kind="stable")
    # Calls of about CHUNK_WORK row-models: whole epochs for several models, or part of one for one.
    rows = n if n <= CHUNK_WORK else CHUNK_WORK // batch_size * batch_size or batch_size
    per_call = max(1, CHUNK_WORK // rows)
    calls = [(start, first) for start in range(0, n, rows) for first in range(0, M, per_call)]
    for call, (start, first) in enumerate(calls):
        if call and between_chunks is not None:
            between_chunks()
        kernel(X, y, w, perms, group, order, start, min(start + rows, n), first, min(first + per_call, M), batch_size,
               models.W1, models.b1, models.W2, models.b2, lr32, keep, totals)  # fmt: skip
    return totals / n
