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
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import Executor, as_completed, wait
from typing import Any, Callable

import numpy as np
import torch

#: Row-models per kernel call (rows x models, about 2 ms): between calls the caller can run its heartbeat,
#: and a sweep's threads take calls in turn (100 models of 2,500 rows: one call per thread and epoch).
CHUNK_WORK = 1 << 17

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


#: The environment variable that turns the kernel off: ``XORTORCH_KERNEL=0`` (or ``off``, ``false``, ``no``)
#: makes every call use the torch engine (R: ``Sys.setenv(XORTORCH_KERNEL = "0")``). Read at each call.
SWITCH = "XORTORCH_KERNEL"


def switched_off() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in ("0", "off", "false", "no")


def available() -> bool:
    """Whether the kernel runs: numba is installed and ``XORTORCH_KERNEL`` does not turn it off."""
    return not switched_off() and _numba_installed()


@functools.cache
def _numba_installed() -> bool:
    """Whether numba can be imported (the first call imports it, about half a second)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _compiled() -> Any:
    """The compiled functions (:mod:`xortorch._kernels`), with numba's cache in a folder checked by
    :mod:`xortorch._kernel_cache`; compiled, or loaded from that cache, on first use."""
    import numba

    from . import _kernels
    from ._kernel_cache import attach

    with open(_kernels.__file__, "rb") as handle:
        source = handle.read()
    dispatchers = [f for f in vars(_kernels).values() if isinstance(f, numba.core.registry.CPUDispatcher)]
    attach(dispatchers, source)
    return _kernels


def precompile() -> bool:
    """Compile the kernels (or load them from numba's cache) for every argument type xortorch passes them,
    so that a new installation's first fit does not wait for the compiler (about 5 s). ``False`` without
    numba. ``install_xortorch()`` and the development set-up call it."""
    if not available():
        return False
    from ._data import make_data
    from ._predict import predict
    from ._train import train

    X, y = make_data(200, seed=0)
    from_r = np.asfortranarray(X, dtype=np.float64)  # how R's matrices arrive: float64, Fortran order, read-only
    from_r.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch learns little, and says so
        model = train(X, y, seed=0, epochs=1)
        for rows in (X, X.astype(np.float64), from_r, np.asfortranarray(X, dtype=np.float64)):
            predict(model, rows)
    return True


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
    pool: Executor | None = None,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """One epoch; returns each model's summed (weighted) loss (M,), from the logits each batch saw, and
    that of the epoch's last batch (M,), both float64.

    With a ``pool`` of ``threads`` workers, models train on several cores at once (the kernel holds no
    lock): each call takes whole epochs of its own models, so the bits are those of one thread.
    """
    n, M = perms.shape[1], lr.size
    kernel = _compiled().run_batches
    lr32 = lr.astype(np.float32)
    keep = np.float32(1.0) - lr32 * np.float32(weight_decay)
    totals = np.zeros(M, np.float64)
    tails = np.zeros(M, np.float64)
    order = np.argsort(group, kind="stable")
    # Calls of about CHUNK_WORK row-models: whole epochs for several models, or part of one for one.
    rows = n if n <= CHUNK_WORK else CHUNK_WORK // batch_size * batch_size or batch_size
    per_call = max(1, CHUNK_WORK // rows)
    together = pool is not None and threads > 1 and rows == n
    if together:
        per_call = min(per_call, -(-M // threads))  # at least one call per thread
    calls = [(start, first) for start in range(0, n, rows) for first in range(0, M, per_call)]

    def call(start: int, first: int) -> None:
        kernel(X, y, w, perms, group, order, start, min(start + rows, n), first, min(first + per_call, M), batch_size,
               models.W1, models.b1, models.W2, models.b2, lr32, keep, totals, tails)  # fmt: skip

    if pool is None or not together or len(calls) == 1:
        for index, (start, first) in enumerate(calls):
            if index and between_chunks is not None:
                between_chunks()
            call(start, first)
        return totals, tails
    futures = [pool.submit(call, start, first) for start, first in calls]
    try:
        for done, future in enumerate(as_completed(futures)):
            future.result()
            if between_chunks is not None and done < len(futures) - 1:
                between_chunks()
    finally:
        for future in futures:
            future.cancel()
        wait(futures)  # no kernel may still be writing the weights once this returns or raises
    return totals, tails


class Shuffles:
    """Each epoch's ``torch.randperm(n, generator=g)`` for a list of CPU generators, drawn by the kernels'
    copy of torch's algorithm from the generators' own states (2x faster, the same numbers), or by torch
    where that copy does not apply. ``close()`` hands the advanced states back to the generators."""

    #: Bytes of torch's CPU generator state (at::CPUGeneratorImplState): ``left`` is an int32 at byte 8,
    #: ``next`` a uint64 at byte 16, the twister's 624 words uint64s from byte 24.
    STATE_BYTES = 5056

    def __init__(self, generators: Sequence[torch.Generator], n: int, *, compiled: bool | None = None) -> None:
        self.generators, self.n = list(generators), n
        # torch draws 64-bit numbers from 2^32 / 20 rows on, which the copy does not do.
        self.compiled = n < 2**32 // 20 and matches_torch() if compiled is None else compiled
        if self.compiled:
            self.states = [g.get_state().numpy().copy() for g in self.generators]
            self.mt = np.stack([s[24 : 24 + 8 * 624].view(np.uint64).astype(np.uint32) for s in self.states])
            self.position = np.array(
                [(s[8:12].view(np.int32)[0], s[16:24].view(np.uint64)[0]) for s in self.states], np.int64
            )

    def next(self, pool: Executor | None = None, threads: int = 1) -> np.ndarray:
        """The next epoch's permutations (G, n), int64; with a ``pool``, its ``threads`` share the seeds."""
        if not self.compiled:
            return torch.stack([torch.randperm(self.n, generator=g) for g in self.generators]).numpy()
        out = np.empty((len(self.generators), self.n), np.int64)
        parts = [slice(i, i + -(-len(out) // threads)) for i in range(0, len(out), -(-len(out) // threads))]
        if pool is None or len(parts) == 1:
            _compiled().randperms(self.mt, self.position, out)
            return out
        # Each generator's rows are views: every thread advances its own generators' states in place.
        wait([pool.submit(_compiled().randperms, self.mt[part], self.position[part], out[part]) for part in parts])
        return out

    def close(self) -> None:
        """Leave each generator where torch's own draws would have left it."""
        if not self.compiled:
            return
        for g, state, mt, (left, following) in zip(self.generators, self.states, self.mt, self.position):
            state[8:12] = np.array([left], np.int32).view(np.uint8)
            state[16:24] = np.array([following], np.uint64).view(np.uint8)
            state[24 : 24 + 8 * 624] = mt.astype(np.uint64).view(np.uint8)
            g.set_state(torch.from_numpy(state))


@functools.cache
def matches_torch() -> bool:
    """Whether the compiled shuffle gives torch's permutations and leaves its generators as torch does, on
    this torch build (checked once per process, about a millisecond once compiled)."""
    seeds = (0, 2**40 + 7)
    ours, theirs = ([torch.Generator().manual_seed(seed) for seed in seeds] for _ in range(2))
    try:
        if ours[0].get_state().numel() != Shuffles.STATE_BYTES:
            return False
        shuffles = Shuffles(ours, 1000, compiled=True)
        # Three epochs of 1,000 rows cross the twister's 624-word refill several times.
        same = all(
            np.array_equal(shuffles.next(), torch.stack([torch.randperm(1000, generator=g) for g in theirs]).numpy())
            for _ in range(3)
        )
        shuffles.close()
    except (RuntimeError, ValueError, IndexError):  # a generator state laid out otherwise
        return False
    return same and all(torch.equal(a.get_state(), b.get_state()) for a, b in zip(ours, theirs))
