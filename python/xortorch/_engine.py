"""The training engines behind ``train`` and ``sweep``.

Both run the tutorial's algorithm: SimpleClassifier, BCEWithLogitsLoss (mean
over the batch), plain SGD, a fresh shuffle every epoch, last partial batch
kept. They differ only in how the gradient is found:

* ``"fast"`` (default): the gradient of this two-layer net written out by hand,
  for M models at once (see :func:`_step`). The tutorial's loop spends its
  time on per-item indexing, collation and per-op dispatch, not arithmetic;
  this path does twelve ops per step, into buffers allocated once, whatever M is.
* ``"autograd"``: ``nn.Module`` + ``loss.backward()`` + ``torch.optim.SGD``,
  one model, kept as the reference the fast path is tested against.

On the CPU, the ``"fast"`` engine hands small networks to a compiled kernel
when numba is installed (:mod:`xortorch._fused`): same weights, shuffles and
results to rounding, without the per-op dispatch that dominates at this size.

Each distinct seed owns a ``torch.Generator``: it draws the initial weights
and then one permutation per epoch. A model in a sweep therefore sees exactly
the batches it would see trained alone, and models that share a seed share
their batches: they form a *group* whose first layers are stacked into one
matrix, so one matmul serves the whole group.

Layout of the parameters of M = U * L models in U groups of L (model
m = u * L + l), with p inputs and H hidden units::

    V    (U, p+1, L*H)  twice the first layer, [weights, bias] transposed and
                        stacked per group: inputs carry a row of ones, so one
                        matmul gives 2a = 2 (W1 x + b1), and one its gradient
    w2b  (M, 1, H+1)    the second layer, [weights, bias]: the hidden layer
                        carries a row of ones, so one matmul gives the logit
                        and one the gradient of both
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, NamedTuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import _fused as fused
from ._diagnostics import bce
from ._model import PARAM_NAMES, SimpleClassifier, blank_module, init_state
from ._predict import logits_by_models
from ._threads import available_threads, cores_taken_by_others, threads_for

ENGINES = ("fast", "autograd")

#: Working memory one training step may take. A step's buffers hold six float32
#: values per model x hidden unit x batch row (see :class:`Workspace`); past this
#: bound ``train``/``sweep`` refuse up front instead of swapping or being killed.
MAX_STEP_BYTES = 2 << 30

#: Longest stretch of training between calls of ``fit``'s ``heartbeat``.
HEARTBEAT_SECONDS = 0.2


def check_step_memory(models: int, hidden: int, batch: int) -> None:
    need = 6 * 4 * models * hidden * batch
    if need > MAX_STEP_BYTES:
        across = f" x {models:,} models" if models > 1 else ""
        raise ValueError(
            f"`batch_size` {batch:,} x `hidden` {hidden:,}{across} needs about {need / 2**30:.1f} GiB per step; "
            f"the limit is {MAX_STEP_BYTES >> 30} GiB. Use a smaller `batch_size` or `hidden`."
        )


Params = tuple[torch.Tensor, ...]  # (V, w2b) in the engine, four per-model tensors outside it


class Fit(NamedTuple):
    """What :func:`fit` returns, per model in the order of ``seeds``."""

    params: Params  # ((M, H, p), (M, H), (M, 1, H), (M, 1))
    losses: np.ndarray  # (M, epochs) mean training loss per epoch, float64
    seconds: float
    start_loss: np.ndarray  # (M,) the initial weights' loss on all of X, float64


#: ``on_epoch(epoch, loss, current, batch_loss)``: after each epoch (from 0), the (M,) mean training loss
#: over the rows, ``current()`` (the per-model weights now), and the (M,) mean of the epoch's batch losses.
OnEpoch = Callable[[int, torch.Tensor, Callable[[], Params], torch.Tensor], "bool | None"]


def mean_of_batch_losses(total: Any, tail: Any, n: int, batch_size: int) -> Any:
    """The tutorial's epoch loss, the mean of the batch losses (each a mean over its batch), from the
    epoch's summed loss ``total`` and its last batch's ``tail``: it weighs a short last batch's rows more
    than the mean over all rows does (arrays or tensors)."""
    batches = -(-n // batch_size)
    last = n - (batches - 1) * batch_size
    return ((total - tail) / batch_size + tail / last) / batches


class Plan(NamedTuple):
    """How M models are laid out for training."""

    order: list[int]  # model indices, sorted so that each group is contiguous
    groups: int  # U
    generators: list[torch.Generator]  # one per distinct seed
    source: torch.Tensor | None  # each group's generator, when groups are not the distinct seeds
    initial: list[dict[str, torch.Tensor]]  # initial weights of each model, in `order`


def plan(seeds: Sequence[int], hidden: int, inputs: int) -> Plan:
    distinct = list(dict.fromkeys(int(seed) for seed in seeds))
    generators = [torch.Generator().manual_seed(seed) for seed in distinct]
    # Each generator draws its models' initial weights first, then the shuffles.
    initial = [init_state(hidden, g, inputs) for g in generators]
    which = [distinct.index(int(seed)) for seed in seeds]
    if len({which.count(i) for i in range(len(distinct))}) == 1:  # any lr x seeds grid
        order = sorted(range(len(which)), key=lambda i: which[i])
        groups, source = len(distinct), None
    else:  # uneven: one group per model, each drawing its seed's permutation
        order = list(range(len(which)))
        groups, source = len(which), torch.tensor(which)
    return Plan(order, groups, generators, source, [initial[which[i]] for i in order])


def _group(per_model: torch.Tensor, groups: int) -> torch.Tensor:
    """(M, H, k) per model to (U, k, L*H) per group."""
    M, H, k = per_model.shape
    return per_model.reshape(groups, M // groups, H, k).permute(0, 3, 1, 2).reshape(groups, k, -1)


def _ungroup(grouped: torch.Tensor, H: int) -> torch.Tensor:
    """(U, k, L*H) per group back to (M, H, k) per model."""
    U, k, LH = grouped.shape
    return grouped.reshape(U, k, LH // H, H).permute(0, 2, 3, 1).reshape(-1, H, k)


def to_groups(W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor, b2: torch.Tensor, groups: int) -> Params:
    """Per-model weights (M, H, p), (M, H), (M, 1, H), (M, 1) to the engine's layout."""
    V = 2 * _group(torch.cat([W1, b1.unsqueeze(2)], 2), groups)  # doubling is exact in floating point
    return V.contiguous(), torch.cat([W2, b2.unsqueeze(2)], 2).contiguous()


def from_groups(params: Params) -> Params:
    """The engine's layout back to per-model (M, H, p), (M, H), (M, 1, H), (M, 1)."""
    V, w2b = params
    Wb = _ungroup(V, w2b.shape[2] - 1) / 2
    return Wb[:, :, :-1], Wb[:, :, -1], w2b[:, :, :-1], w2b[:, :, -1]


def unstack(models: Params, index: int) -> dict[str, np.ndarray]:
    """The ``index``-th model's weights (from per-model tensors) under the tutorial's names."""
    return {name: p[index].detach().cpu().numpy().copy() for name, p in zip(PARAM_NAMES, models)}


class Workspace:
    """Everything a step writes into, allocated once per batch size, and the
    views of it (and of the parameters, which are updated in place) that a
    step reads: the step itself then creates no tensors but its logits."""

    def __init__(self, params: Params, B: int) -> None:
        V, w2b = params
        (U, p1, LH), (M, _, H1) = V.shape, w2b.shape
        H, L = H1 - 1, M // U

        def f32(*shape: int, fill: float | None = None) -> torch.Tensor:
            if fill is None:
                return torch.empty(shape, device=V.device, dtype=torch.float32)
            return torch.full(shape, fill, device=V.device, dtype=torch.float32)

        self.V_t = V.transpose(1, 2)  # (U, L*H, p+1)
        # W2 per group, to scale the first layer's gradient: a view when groups hold one model.
        self.W2 = w2b[:, :, :H].view(U, 1, LH) if L == 1 else None
        self.w2b, self.U, self.L, self.H = w2b, U, L, H
        self.a = f32(U, LH, B)
        self.a_per_model = self.a.view(M, H, B)
        self.hidden = f32(M, H1, B, fill=1.0)  # [tanh(a); 1]
        self.minus_ones = f32(M, H, B, fill=-1.0)
        self.h = self.hidden[:, :H]
        self.hidden_t = self.hidden.transpose(1, 2)
        self.d = f32(M, 1, B)
        self.d_per_group = self.d.view(U, L, B)
        self.ones = f32(M, H, B, fill=1.0)
        self.delta = f32(M, H, B)
        self.delta_t = self.delta.view(U, LH, B).transpose(1, 2)
        self.grad_V = f32(U, p1, LH)
        self.grad_w2b = f32(M, 1, H1)


def _step(xa: torch.Tensor, y: torch.Tensor, work: Workspace, weight: torch.Tensor | None = None) -> torch.Tensor:
    """One batch: logits (M, 1, B), and the gradients of the summed loss in
    ``work.grad_V`` and ``work.grad_w2b``.

    ``xa`` (U, p+1, B) holds each group's inputs transposed, with a row of ones;
    ``y`` (U, 1, B) the labels; ``weight`` (U, 1, B) case weights or None (each
    row's dL/dz is scaled by its weight, as ``BCEWithLogitsLoss(weight=)``
    does). The tutorial's network, written out::

        a = W1 x + b1          h = tanh(a)          z = W2 h + b2
        dL/dz = sigmoid(z) - y                      (BCE with logits)
        dL/d[W2, b2] = dL/dz [h; 1]^T               (one matmul with the row of ones)
        dL/da = W2^T dL/dz * (1 - h^2)              (tanh' = 1 - tanh^2)
        dL/d[W1, b1] = dL/da [x; 1]^T               (one matmul with the row of ones)

    tanh(a) is computed as 2 sigmoid(2a) - 1 (V holds 2 W1): torch's CPU tanh
    is about seven times slower than its sigmoid, which matters once a sweep's
    hidden layers are large. W2 is the same for every point of the batch, so it
    scales the small (p+1, H) gradient after the matmul instead of the (H, B)
    one before it. Twelve ops with the update, all into preallocated buffers.
    """
    w = work
    torch.bmm(w.V_t, xa, out=w.a)  # 2a
    torch.sigmoid(w.a_per_model, out=w.h)
    torch.add(w.minus_ones, w.h, alpha=2, out=w.h)  # tanh(a)
    logit = torch.bmm(w.w2b, w.hidden)
    torch.sigmoid(logit, out=w.d)
    w.d_per_group.sub_(y)
    if weight is not None:
        w.d_per_group.mul_(weight)
    torch.bmm(w.d, w.hidden_t, out=w.grad_w2b)
    torch.addcmul(w.ones, w.h, w.h, value=-1, out=w.delta).mul_(w.d)
    torch.bmm(xa, w.delta_t, out=w.grad_V)
    # Groups of several models need W2 regrouped, a copy, since w2b interleaves the biases.
    W2 = w.W2 if w.W2 is not None else w.w2b[:, :, : w.H].reshape(w.U, 1, w.L * w.H)
    w.grad_V.mul_(W2)
    return logit


def gradients(params: Params, xa: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, Params]:
    """Per-model mean batch loss and its gradients with respect to the tutorial's
    weights, per model ((M, H, p), (M, H), (M, 1, H), (M, 1)): the fast engine's math."""
    M, U, B = params[1].shape[0], xa.shape[0], xa.shape[2]
    work = Workspace(params, B)
    logit = _step(xa, y.view(U, 1, B), work)
    target = y.view(U, 1, B).expand(U, M // U, B).reshape(logit.shape)
    loss = F.binary_cross_entropy_with_logits(logit, target, reduction="none").mean(2).squeeze(1)
    # from_groups halves V, which holds twice the first layer; grad_V is the true gradient.
    return loss, from_groups((2 * work.grad_V / B, work.grad_w2b / B))


def fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    seeds: Sequence[int],
    lrs: Sequence[float],
    hidden: int,
    batch_size: int,
    epochs: int,
    device: torch.device,
    engine: str = "fast",
    on_epoch: OnEpoch | None = None,
    init: dict[str, np.ndarray] | None = None,
    weights: np.ndarray | None = None,
    weight_decay: float = 0.0,
    heartbeat: Callable[[], None] | None = None,
) -> Fit:
    """Train ``len(seeds)`` models at once.

    ``on_epoch(epoch, mean_loss, current, batch_loss)`` gets the (M,) loss
    tensor after each epoch, ``current()``, which returns the per-model weights
    now, and the (M,) mean of the epoch's batch losses (the tutorial's
    ``epoch_loss``); when it returns ``False`` training stops there (``losses``
    then has the epochs run). ``heartbeat()`` is called between batches whenever
    ``HEARTBEAT_SECONDS`` have passed since the last call or epoch, so a
    caller gets control back during long epochs; an exception it raises, or a
    string it returns (the reason), stops training.

    ``weight_decay`` is L2 regularisation as ``torch.optim.SGD`` defines it:
    each step also subtracts ``lr * weight_decay * w`` from every weight and
    bias (nnet's ``decay``).

    ``weights`` (n,) are case weights (checked, not all zero): each row's loss
    is multiplied by its weight over their mean, so weights of 1 (or any one
    value) train exactly as none do, and the learning rate keeps its meaning.

    ``init`` (checked weights) replaces every model's initial weights; the seed
    still draws its shuffles as usual.
    """
    (n, p), M = X.shape, len(seeds)
    threads = available_threads()  # the user's setting, before threads_for() narrows it for small ops
    # Inference mode skips autograd's bookkeeping on every op of the fast path.
    with torch.inference_mode(engine == "fast"), threads_for(M * hidden * min(batch_size, n)):
        layout = plan(seeds, hidden, p)
        U, L = layout.groups, M // layout.groups
        starts = layout.initial if init is None else [{k: torch.from_numpy(v) for k, v in init.items()}] * M
        W1, b1, W2, b2 = (torch.stack([s[name] for s in starts]) for name in PARAM_NAMES)
        # Where each model starts, the yardstick that tells divergence from slow learning.
        start_state = dict(zip(PARAM_NAMES, (t.numpy() for t in (W1, b1, W2, b2))))
        start_loss = np.concatenate([bce(logits, y, weights) for _, logits in logits_by_models(start_state, X)])
        small = fused.worthwhile(hidden, p)
        if engine == "fast" and device.type == "cpu" and small and fused.available():
            # Per model in the caller's order (plan() sorted them into groups).
            kernel_models = fused.FusedModels(*(t.numpy()[np.argsort(layout.order)] for t in (W1, b1, W2, b2)))
            distinct = list(dict.fromkeys(int(seed) for seed in seeds))
            group = np.array([distinct.index(int(seed)) for seed in seeds], np.int64)
            losses_run, fitted, seconds = _fit_fused(
                kernel_models, X, y, weights, layout.generators, group, np.asarray(lrs, np.float64), batch_size, epochs,
                weight_decay, on_epoch, heartbeat, threads,
            )  # fmt: skip
            return Fit(fitted, losses_run, seconds, start_loss[np.argsort(layout.order)])
        params = tuple(t.to(device) for t in to_groups(W1, b1, W2, b2, groups=U))
        X_all = torch.from_numpy(X).to(device)
        # float32 throughout, whatever torch.get_default_dtype() says.
        y_all = torch.from_numpy(y).to(device=device, dtype=torch.float32)
        w_all = None if weights is None else torch.from_numpy(weights / weights.mean()).to(device, torch.float32)
        source = None if layout.source is None else layout.source.to(device)
        lr = torch.tensor([float(lrs[i]) for i in layout.order], device=device, dtype=torch.float32)
        # Learning rates shaped like each parameter (per model, repeated over its H units),
        # divided by the batch size: the loss is the batch mean, the gradients are sums.
        # V holds twice the first layer, so its step is twice as long.
        lr_shaped = (2 * lr.view(U, 1, L, 1).expand(U, 1, L, hidden).reshape(U, 1, -1), lr.view(M, 1, 1))
        # Decay multiplies each weight by (1 - lr wd); V holds 2 W1, which scales the same way.
        decay = None
        if weight_decay:
            decay = (1 - weight_decay * lr_shaped[0] / 2, 1 - weight_decay * lr_shaped[1])
        sizes = {B for B in (min(batch_size, n), n % batch_size) if B}
        step_lr = {B: [r / B for r in lr_shaped] for B in sizes}
        work = {B: Workspace(params, B) for B in sizes}
        losses = torch.zeros(M, epochs, device=device, dtype=torch.float32)
        # Each epoch's shuffled inputs as (U, p+1, n), a row of ones under them, and labels
        # (U, 1, n), in buffers whose batches are views made once.
        Xs = torch.ones(U, p + 1, n, device=device, dtype=torch.float32)
        ys = torch.empty(U, 1, n, device=device, dtype=torch.float32)
        ws = None if w_all is None else torch.empty(U, 1, n, device=device, dtype=torch.float32)
        batches = [
            (
                Xs[:, :, i : i + batch_size],
                ys[:, :, i : i + batch_size],
                None if ws is None else ws[:, :, i : i + batch_size],
            )
            for i in range(0, n, batch_size)
        ]
        sign = torch.empty(U, 1, n, device=device, dtype=torch.float32)
        reference = _autograd_setup(params, lrs, device, weight_decay) if engine == "autograd" else None

        def current() -> Params:
            grouped = params if reference is None else _autograd_params(reference[0])
            return tuple(t.index_select(0, back).clone() for t in from_groups(grouped))

        back = torch.tensor(np.argsort(layout.order), device=device)
        start = last_beat = time.perf_counter()
        run = epochs
        for epoch in range(epochs):
            perm = torch.stack([torch.randperm(n, generator=g) for g in layout.generators]).to(device)
            if source is not None:
                perm = perm.index_select(0, source)
            Xs[:, :p] = X_all.index_select(0, perm.view(-1)).view(U, n, p).transpose(1, 2)
            torch.index_select(y_all, 0, perm.view(-1), out=ys.view(-1))
            if ws is not None and w_all is not None:
                torch.index_select(w_all, 0, perm.view(-1), out=ws.view(-1))
            logits = []
            for xb, yb, wb in batches:
                if heartbeat is not None and time.perf_counter() - last_beat >= HEARTBEAT_SECONDS:
                    reason = heartbeat()
                    if isinstance(reason, str):  # R hands back its condition's message rather than raising
                        raise RuntimeError(reason)
                    last_beat = time.perf_counter()
                if reference is None:
                    space = work[yb.shape[2]]
                    logits.append(_step(xb, yb, space, wb))
                    if decay is not None:  # after the gradient, which is taken at the undecayed weights
                        for param, factor in zip(params, decay):
                            param.mul_(factor)
                    torch._foreach_addcmul_(params, (space.grad_V, space.grad_w2b), step_lr[yb.shape[2]], value=-1.0)
                else:
                    row_weight = None if wb is None else wb[0, 0]
                    logits.append(_autograd_step(*reference, xb[0, :p].T, yb[0, 0], row_weight).view(1, 1, -1))
            # The epoch's loss from the logits each batch saw before its step.
            # BCE with logits is softplus(z) - y z = softplus((1 - 2y) z): one pass, no broadcast target.
            torch.mul(ys, -2, out=sign).add_(1)
            epoch_loss = F.softplus(torch.cat(logits, 2).view(U, L, n).mul_(sign))
            if ws is not None:
                epoch_loss.mul_(ws)
            losses[:, epoch] = epoch_loss.mean(2).view(M)
            if on_epoch is not None:
                tail = epoch_loss[:, :, (len(batches) - 1) * batch_size :].sum(2).view(M)
                batch_loss = mean_of_batch_losses(epoch_loss.sum(2).view(M), tail, n, batch_size)
                if on_epoch(epoch, losses[:, epoch], current, batch_loss) is False:
                    run = epoch + 1
                    break
            last_beat = time.perf_counter()
        if reference is not None:
            params = _autograd_params(reference[0])
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds = time.perf_counter() - start
        models = tuple(t.index_select(0, back) for t in from_groups(params))
        losses_back = losses[:, :run].index_select(0, back).cpu().numpy().astype(np.float64)
        return Fit(models, losses_back, seconds, start_loss[back.cpu().numpy()])


def _fit_fused(
    models: fused.FusedModels,
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    generators: list[torch.Generator],
    group: np.ndarray,
    lrs: np.ndarray,
    batch_size: int,
    epochs: int,
    weight_decay: float,
    on_epoch: OnEpoch | None,
    heartbeat: Callable[[], None] | None,
    threads: int = 1,
) -> tuple[np.ndarray, Params, float]:
    """M models on the CPU through the compiled kernel (:mod:`xortorch._fused`): the same initial
    weights, and each epoch the same permutation per seed, drawn from the seed's generator.

    A sweep spreads its models over ``threads`` cores, epoch by epoch, while no other work fills them
    (the same test as :func:`threads_for`'s); the models, and so the bits, are the same either way."""
    n = X.shape[0]
    X32 = np.ascontiguousarray(X, dtype=np.float32)
    y32 = np.asarray(y, dtype=np.float32)
    w32 = np.ones(n, np.float32) if weights is None else (weights / weights.mean()).astype(np.float32)
    losses = np.zeros((lrs.size, epochs), np.float64)
    last_beat = time.perf_counter()

    def beat() -> None:
        nonlocal last_beat
        if heartbeat is not None and time.perf_counter() - last_beat >= HEARTBEAT_SECONDS:
            reason = heartbeat()
            if isinstance(reason, str):  # R hands back its condition's message rather than raising
                raise RuntimeError(reason)
            last_beat = time.perf_counter()

    def current() -> Params:
        return tuple(torch.from_numpy(a) for a in models.params())

    started = time.perf_counter()
    run = epochs
    shuffles = fused.Shuffles(generators, n)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(threads)) if threads > 1 and lrs.size > 1 else None
        for epoch in range(epochs):
            free = None if pool is None or cores_taken_by_others() else pool
            perms = shuffles.next(free, threads)
            total, tail = fused.run_epoch(
                models, X32, y32, w32, perms, group, batch_size=batch_size, lr=lrs, weight_decay=weight_decay,
                between_chunks=beat, pool=free, threads=threads,
            )  # fmt: skip
            losses[:, epoch] = total / n
            batch_loss = torch.from_numpy(mean_of_batch_losses(total, tail, n, batch_size))
            loss = torch.from_numpy(losses[:, epoch])
            if on_epoch is not None and on_epoch(epoch, loss, current, batch_loss) is False:
                run = epoch + 1
                break
            beat()
    shuffles.close()
    seconds = time.perf_counter() - started
    return losses[:, :run], current(), seconds


def finite(models: Params, losses: np.ndarray) -> np.ndarray:
    """(M,) True for each model whose losses and weights (per-model tensors from
    :func:`fit`) are all finite."""
    per_tensor = [torch.isfinite(p).flatten(1).all(1).cpu().numpy() for p in models]
    return np.logical_and.reduce([np.isfinite(losses).all(axis=1), *per_tensor])


def _autograd_setup(
    params: Params, lrs: Sequence[float], device: torch.device, weight_decay: float = 0.0
) -> tuple[SimpleClassifier, torch.optim.Optimizer]:
    if len(lrs) != 1:
        raise ValueError("`engine` 'autograd' trains one model at a time.")
    W1, b1, W2, b2 = from_groups(params)
    module = blank_module(W1.shape[2], W1.shape[1])
    module.load_state_dict(dict(zip(PARAM_NAMES, (W1[0], b1[0], W2[0], b2[0]))))
    module.to(device).train()
    return module, torch.optim.SGD(module.parameters(), lr=float(lrs[0]), weight_decay=weight_decay)


def _autograd_step(
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    xb: torch.Tensor,
    yb: torch.Tensor,
    wb: torch.Tensor | None = None,
):
    """The tutorial's step (BCEWithLogitsLoss, with case weights when given);
    returns the logits it computed before updating."""
    preds = module(xb).squeeze(dim=1)
    loss = F.binary_cross_entropy_with_logits(preds, yb, weight=wb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return preds.detach()


def _autograd_params(module: SimpleClassifier) -> Params:
    W1, b1, W2, b2 = (p.detach() for p in module.parameters())
    return to_groups(W1[None], b1[None], W2[None], b2[None], groups=1)
