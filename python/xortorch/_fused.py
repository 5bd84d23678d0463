"""The compiled CPU path of ``train()``: one model's SGD epoch fused into one numba kernel.

At the tutorial's size a training step is a few hundred floating-point
operations, and the torch engine spends most of each step dispatching its
twelve aten calls (about 2 us each). This kernel runs the same algorithm point
by point in compiled float32 code: the same initial weights, the same
permutation per epoch (both drawn from the seed's torch generator by the
caller), the same case weights and weight decay, so results agree with the
autograd engine to rounding. It runs for small networks (see
``MAX_STEP_WORK``); it is optional: without numba (the ``fast`` extra), on a
GPU, for larger networks or for several models at once (``sweep``), the torch
engine runs. No fastmath: IEEE float32 throughout, so a seed gives the same
weights on every run on one machine.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

#: Rows per kernel call: between calls the caller can run its heartbeat.
CHUNK_ROWS = 1 << 16

#: The kernel pays for every multiply (hidden x (inputs + 2) per row), the torch engine mostly for its
#: dispatch per step; measured here (2 inputs, 2,500 rows), the kernel is faster up to hidden = 12 at batch
#: 128 (2.1x at 4), and slower from hidden 4 at batch 512 or hidden 16 at batch 128. So it runs when a
#: step's hidden x (inputs + 2) x batch rows is at most this.
MAX_STEP_WORK = 12 * 4 * 128


def worthwhile(hidden: int, inputs: int, batch: int) -> bool:
    """Whether the kernel beats the torch engine at this size (see ``MAX_STEP_WORK``)."""
    return hidden * (inputs + 2) * batch <= MAX_STEP_WORK


@functools.cache
def available() -> bool:
    """Whether numba can be imported (the first call imports it, about half a second)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _kernel() -> Callable[..., float]:
    import numba

    @numba.njit(cache=True, nogil=True)
    def run_batches(X, y, w, perm, start, stop, batch, W1, b1, W2, b2, lr, keep):  # pragma: no cover
        """SGD over the batches of rows ``perm[start:stop]`` (``start`` a multiple of ``batch``).

        Per batch: the summed gradient of ``w_i * BCEWithLogits(z_i, y_i)``, then
        ``param = param * keep - lr / B * grad`` (``keep`` = 1 - lr * weight_decay).
        Returns the summed weighted loss of the rows, each at the weights its batch saw.
        """
        p, H = X.shape[1], W1.shape[0]
        one = np.float32(1.0)
        total = 0.0
        h = np.empty(H, np.float32)
        gW1 = np.empty((H, p), np.float32)
        gb1 = np.empty(H, np.float32)
        gW2 = np.empty(H, np.float32)
        for first in range(start, stop, batch):
            last = min(first + batch, stop)
            gW1[:] = 0
            gb1[:] = 0
            gW2[:] = 0
            gb2 = np.float32(0.0)
            for k in range(first, last):
                i = perm[k]
                z = b2[0]
                for j in range(H):  # forward: a = W1 x + b1, h = tanh(a), z = W2 h + b2
                    a = b1[j]
                    for q in range(p):
                        a += W1[j, q] * X[i, q]
                    h[j] = np.tanh(a)
                    z += W2[j] * h[j]
                # BCE with logits is softplus((1 - 2y) z), written to stay finite for any z.
                signed = (one - np.float32(2.0) * y[i]) * z
                total += w[i] * (max(signed, np.float32(0.0)) + np.log1p(np.exp(-abs(signed))))
                d = (one / (one + np.exp(-z)) - y[i]) * w[i]  # dL/dz = sigmoid(z) - y, weighted
                gb2 += d
                for j in range(H):  # backward: dL/da = W2 dL/dz (1 - h^2)
                    gW2[j] += d * h[j]
                    da = d * W2[j] * (one - h[j] * h[j])
                    gb1[j] += da
                    for q in range(p):
                        gW1[j, q] += da * X[i, q]
            step = lr / np.float32(last - first)
            for j in range(H):
                for q in range(p):
                    W1[j, q] = W1[j, q] * keep - step * gW1[j, q]
                b1[j] = b1[j] * keep - step * gb1[j]
                W2[j] = W2[j] * keep - step * gW2[j]
            b2[0] = b2[0] * keep - step * gb2
        return total

    return run_batches


class FusedModel:
    """One model's weights as the kernel updates them: (H, p), (H,), (H,), (1,) float32 arrays."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.W1 = np.array(state["linear1.weight"], dtype=np.float32, order="C")
        self.b1 = np.array(state["linear1.bias"], dtype=np.float32)
        self.W2 = np.array(state["linear2.weight"], dtype=np.float32).reshape(-1)
        self.b2 = np.array(state["linear2.bias"], dtype=np.float32).reshape(1)

    def params(self) -> tuple[np.ndarray, ...]:
        """Copies, shaped as the engine's per-model tensors for M = 1."""
        return self.W1[None].copy(), self.b1[None].copy(), self.W2[None, None].copy(), self.b2[None].copy()


def run_epoch(
    model: FusedModel,
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    perm: np.ndarray,
    *,
    batch_size: int,
    lr: float,
    weight_decay: float,
    between_chunks: Callable[[], None] | None = None,
) -> float:
    """One epoch over ``perm``; returns its mean (weighted) loss, from the logits each batch saw."""
    n = perm.size
    kernel = _kernel()
    lr32 = np.float32(lr)
    keep = np.float32(1.0) - lr32 * np.float32(weight_decay)
    chunk = max(batch_size, CHUNK_ROWS // batch_size * batch_size)
    total = 0.0
    for start in range(0, n, chunk):
        if start and between_chunks is not None:
            between_chunks()
        stop = min(start + chunk, n)
        total += kernel(X, y, w, perm, start, stop, batch_size, model.W1, model.b1, model.W2, model.b2, lr32, keep)
    return total / n
