"""The compiled CPU path of ``train()`` and ``sweep()``: SGD epochs fused into one numba kernel.

At the tutorial's size a training step is a few hundred floating-point
operations, and the torch engine spends most of each step dispatching its
twelve aten calls (about 2 us each). This kernel runs the same algorithm row
by row in compiled float32 code, for M models at once with the models as the
innermost, contiguous dimension, so the compiler turns each line into SIMD
instructions over models. It keeps everything the torch engine does: the same
initial weights and the same permutation per epoch (both drawn from each
seed's torch generator by the caller), case weights, weight decay and a
learning rate per model; results agree with the autograd engine to rounding.

tanh, the sigmoid and the loss are computed with arithmetic only, so that they
vectorise: tanh by the rational approximation Eigen uses for float (within
3.5e-7 of tanh everywhere), the sigmoid as (1 + tanh(z/2)) / 2, and the loss
softplus(s) = max(s, 0) + log1p(e^-|s|) with e^-|s| = (1 - |t|) / (1 + |t|),
t = tanh(z/2), and log1p by its atanh series. No fastmath flags: the same
seed gives the same weights on every run on one machine.

It runs where it was measured faster than the torch engine (see
``worthwhile``); it is optional: without numba (the ``fast`` extra) or on a
GPU the torch engine runs.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

#: Row-models per kernel call (rows x models): between calls the caller can run its heartbeat.
CHUNK_WORK = 1 << 16

#: The kernel pays for every multiply (hidden x (inputs + 2) per row and model), the torch engine mostly
#: for its dispatch per step, which a sweep shares among its models. Measured here (2 inputs, 2,500 rows,
#: one thread): one model at batch 128, the kernel is faster up to hidden 12 (2.1x at hidden 4) and slower
#: from 16 (0.3x at 64), or from batch 512 at hidden 4; sweeps of 2 to 1,000 models at hidden 4 are 1.2x to
#: 2.1x faster, and of 100 models 1.1x to 1.2x at hidden 8 to 16. So it runs when hidden x (inputs + 2) is at
#: most this, and for one model also when a step's rows are few enough.
MAX_UNIT_WORK = 12 * 4
MAX_STEP_WORK = 12 * 4 * 128


def worthwhile(hidden: int, inputs: int, batch: int, models: int) -> bool:
    """Whether the kernel beats the torch engine at this size."""
    unit = hidden * (inputs + 2)
    return unit <= MAX_UNIT_WORK and (models > 1 or unit * batch <= MAX_STEP_WORK)


@functools.cache
def available() -> bool:
    """Whether numba can be imported (the first call imports it, about half a second)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _kernel() -> Callable[..., None]:
    import numba

    # error_model="numpy": no zero-division checks (none of the divisions here can be by zero), which
    # would otherwise keep the compiler from vectorising the loops (3.6x on the tanh loop, measured).
    jit = numba.njit(cache=True, nogil=True, inline="always", error_model="numpy")

    @jit
    def tanh(x):  # pragma: no cover - compiled
        # Eigen's float tanh: odd rational function on [-7.9, 7.9], where float32's tanh reaches +-1.
        # Clamped by comparisons, which a NaN fails, so that NaN stays NaN (min/max would clamp it).
        edge = np.float32(7.90531110763549805)
        x = edge if x > edge else (-edge if x < -edge else x)
        x2 = x * x
        p = x2 * np.float32(-2.76076847742355e-16) + np.float32(2.00018790482477e-13)
        p = p * x2 + np.float32(-8.60467152213735e-11)
        p = p * x2 + np.float32(5.12229709037114e-08)
        p = p * x2 + np.float32(1.48572235717979e-05)
        p = p * x2 + np.float32(6.37261928875436e-04)
        p = p * x2 + np.float32(4.89352455891786e-03)
        q = x2 * np.float32(1.19825839466702e-06) + np.float32(1.18534705686654e-04)
        q = q * x2 + np.float32(2.26843463243900e-03)
        q = q * x2 + np.float32(4.89352518554385e-03)
        return x * p / q

    @jit
    def log1p_small(e):  # pragma: no cover - compiled
        # log1p(e) for e in [0, 1]: 2 atanh(u), u = e / (2 + e) <= 1/3; the series to u^15 is within 1e-9.
        u = e / (np.float32(2.0) + e)
        u2 = u * u
        s = np.float32(1.0 / 15.0)
        s = s * u2 + np.float32(1.0 / 13.0)
        s = s * u2 + np.float32(1.0 / 11.0)
        s = s * u2 + np.float32(1.0 / 9.0)
        s = s * u2 + np.float32(1.0 / 7.0)
        s = s * u2 + np.float32(1.0 / 5.0)
        s = s * u2 + np.float32(1.0 / 3.0)
        s = s * u2 + np.float32(1.0)
        return np.float32(2.0) * u * s

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def run_batches(X, y, w, perms, group, start, stop, batch, W1, b1, W2, b2, lr, keep, totals):  # pragma: no cover
        """SGD for M models over the batches of rows ``start:stop`` of each model's permutation.

        ``perms`` (G, n) holds one permutation per seed, ``group`` (M,) each model's. The weights
        are (H, p, M), (H, M), (H, M), (M,), updated in place; ``lr`` and ``keep`` (= 1 - lr *
        weight_decay) are (M,). Per batch: the summed gradient of ``w_i * BCEWithLogits(z_i, y_i)``,
        then ``param = param * keep - lr / B * grad``. Adds each model's summed weighted loss of
        these rows, at the weights their batch saw, to ``totals`` (M,).
        """
        H, p, M = W1.shape
        one, half = np.float32(1.0), np.float32(0.5)
        gW1 = np.empty_like(W1)
        gb1 = np.empty_like(b1)
        gW2 = np.empty_like(W2)
        gb2 = np.empty_like(b2)
        h = np.empty((H, M), np.float32)
        xs = np.empty((p, M), np.float32)
        ys = np.empty(M, np.float32)
        ws = np.empty(M, np.float32)
        z = np.empty(M, np.float32)
        d = np.empty(M, np.float32)
        da = np.empty(M, np.float32)
        for first in range(start, stop, batch):
            last = min(first + batch, stop)
            gW1[:] = 0
            gb1[:] = 0
            gW2[:] = 0
            gb2[:] = 0
            for k in range(first, last):
                for m in range(M):  # each model's row k
                    i = perms[group[m], k]
                    ys[m] = y[i]
                    ws[m] = w[i]
                    for q in range(p):
                        xs[q, m] = X[i, q]
                for m in range(M):
                    z[m] = b2[m]
                for j in range(H):  # forward: a = W1 x + b1, h = tanh(a), z = W2 h + b2
                    for m in range(M):
                        da[m] = b1[j, m]
                    for q in range(p):
                        for m in range(M):
                            da[m] += W1[j, q, m] * xs[q, m]
                    for m in range(M):
                        h[j, m] = tanh(da[m])
                        z[m] += W2[j, m] * h[j, m]
                for m in range(M):
                    t = tanh(half * z[m])
                    d[m] = (half + half * t - ys[m]) * ws[m]  # dL/dz = sigmoid(z) - y, weighted
                    s = (one - np.float32(2.0) * ys[m]) * z[m]  # BCE with logits = softplus(s)
                    e = (one - abs(t)) / (one + abs(t))  # exp(-|s|)
                    positive = s if not s <= np.float32(0.0) else np.float32(0.0)  # max(s, 0), keeping NaN
                    totals[m] += ws[m] * (positive + log1p_small(e))
                    gb2[m] += d[m]
                for j in range(H):  # backward: dL/da = W2 dL/dz (1 - h^2)
                    for m in range(M):
                        gW2[j, m] += d[m] * h[j, m]
                        da[m] = d[m] * W2[j, m] * (one - h[j, m] * h[j, m])
                        gb1[j, m] += da[m]
                    for q in range(p):
                        for m in range(M):
                            gW1[j, q, m] += da[m] * xs[q, m]
            rows = np.float32(last - first)
            for m in range(M):
                step = lr[m] / rows
                b2[m] = b2[m] * keep[m] - step * gb2[m]
                for j in range(H):
                    b1[j, m] = b1[j, m] * keep[m] - step * gb1[j, m]
                    W2[j, m] = W2[j, m] * keep[m] - step * gW2[j, m]
                    for q in range(p):
                        W1[j, q, m] = W1[j, q, m] * keep[m] - step * gW1[j, q, m]

    return run_batches


class FusedModels:
    """M models' weights as the kernel updates them, models last: (H, p, M), (H, M), (H, M), (M,)."""

    def __init__(self, W1: Any, b1: Any, W2: Any, b2: Any) -> None:
        """From per-model arrays shaped as the engine's: (M, H, p), (M, H), (M, 1, H), (M, 1)."""
        self.W1 = np.ascontiguousarray(np.moveaxis(np.asarray(W1, np.float32), 0, -1))
        self.b1 = np.ascontiguousarray(np.asarray(b1, np.float32).T)
        self.W2 = np.ascontiguousarray(np.asarray(W2, np.float32)[:, 0, :].T)
        self.b2 = np.ascontiguousarray(np.asarray(b2, np.float32)[:, 0])

    def params(self) -> tuple[np.ndarray, ...]:
        """Copies, shaped as the engine's per-model tensors: (M, H, p), (M, H), (M, 1, H), (M, 1)."""
        return (
            np.ascontiguousarray(np.moveaxis(self.W1, -1, 0)),
            np.ascontiguousarray(self.b1.T),
            np.ascontiguousarray(self.W2.T[:, None, :]),
            self.b2[:, None].copy(),
        )


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
    kernel = _kernel()
    lr32 = lr.astype(np.float32)
    keep = np.float32(1.0) - lr32 * np.float32(weight_decay)
    totals = np.zeros(M, np.float64)
    chunk = max(batch_size, CHUNK_WORK // (M * batch_size) * batch_size)
    for start in range(0, n, chunk):
        if start and between_chunks is not None:
            between_chunks()
        stop = min(start + chunk, n)
        kernel(X, y, w, perms, group, start, stop, batch_size, models.W1, models.b1, models.W2, models.b2,
               lr32, keep, totals)  # fmt: skip
    return totals / n
