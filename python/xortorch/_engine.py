"""The training engines behind ``train`` and ``sweep``.

Both run the tutorial's algorithm: SimpleClassifier, BCEWithLogitsLoss (mean
over the batch), plain SGD, a fresh shuffle every epoch, last partial batch
kept. They differ only in how the gradient is found:

* ``"fast"`` (default): the gradient of this two-layer net written out by hand,
  for M models at once. The tutorial's loop spends its time on per-item
  indexing, collation and per-op dispatch, not arithmetic; this path does a
  dozen batched ops per step, whatever M is.
* ``"autograd"``: ``nn.Module`` + ``loss.backward()`` + ``torch.optim.SGD``,
  one model, kept as the reference the fast path is tested against.

Each distinct seed owns a ``torch.Generator``: it draws the initial weights
and then one permutation per epoch. A model in a sweep therefore sees exactly
the batches it would see trained alone, and models that share a seed share
their batches: they form a *group* whose first layers are stacked into one
matrix, so one matmul serves the whole group.

Layout of the parameters of M = U * L models in U groups of L (model
m = u * L + l), with p inputs and H hidden units::

    V   (U, p+1, L*H) twice the first layer, [weights; bias] transposed and
                      stacked per group (inputs get a row of ones, so one
                      matmul gives 2a = 2 (W1 x + b1) and one its gradient)
    W2  (M, 1, H)     second-layer weights
    b2  (M, 1, 1)     second-layer biases
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Callable, NamedTuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ._model import PARAM_NAMES, SimpleClassifier, blank_module, init_state
from ._threads import threads_for

ENGINES = ("fast", "autograd")

Params = tuple[torch.Tensor, ...]  # (V, W2, b2) in the engine, four per-model tensors outside it

# An SGD step on the tutorial's weights, applied to the engine's layout, is
# `param -= lr / B * GRAD_SCALE * raw gradient` (see _raw_gradients): V holds
# 2 W, and the raw V gradient is 1/4 of the true one.
GRAD_SCALE = (8.0, 1.0, 1.0)


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
    return V.contiguous(), W2.clone(), b2.reshape(-1, 1, 1).clone()


def from_groups(params: Params) -> Params:
    """The engine's layout back to per-model (M, H, p), (M, H), (M, 1, H), (M, 1)."""
    V, W2, b2 = params
    Wb = _ungroup(V, W2.shape[2]) / 2
    return Wb[:, :, :-1], Wb[:, :, -1], W2, b2.reshape(-1, 1)


def unstack(models: Params, index: int) -> dict[str, np.ndarray]:
    """The ``index``-th model's weights (from per-model tensors) under the tutorial's names."""
    return {name: p[index].detach().cpu().numpy().copy() for name, p in zip(PARAM_NAMES, models)}


def _raw_gradients(params: Params, xa: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, Params]:
    """Logits (M, 1, B) and the summed-loss gradients, each divided by its ``GRAD_SCALE``.

    ``xa`` (U, p+1, B) holds each group's inputs transposed, with a row of ones;
    ``y`` (U, B) the labels. Written for few, cheap ops: tanh(a) = 2 sigmoid(2a) - 1,
    because torch's CPU tanh is about ten times slower than its sigmoid; with
    s = sigmoid(2a) the logit is z = 2 W2 s + b2 - sum(W2), and
    tanh'(a) = 1 - h^2 = 4 s (1 - s). For BCE with logits, dL/dz = sigmoid(z) - y.
    """
    V, W2, b2 = params
    (M, _, H), (U, _, B) = W2.shape, xa.shape
    grouped = U != M  # regroup with views only when groups hold several models: each costs a little
    s = torch.bmm(V.transpose(1, 2), xa).sigmoid_()  # (U, L*H, B)
    if grouped:
        s = s.view(M, H, B)
    logit = torch.baddbmm(b2 - W2.sum(2, keepdim=True), W2, s, alpha=2)  # (M, 1, B)
    if grouped:
        d_logit = torch.sigmoid(logit).view(U, -1, B).sub_(y.unsqueeze(1)).view(M, 1, B)
    else:
        d_logit = torch.sigmoid(logit).sub_(y.unsqueeze(1))
    g_b2 = d_logit.sum(2, keepdim=True)
    sd = s * d_logit
    g_W2 = sd.sum(2).unsqueeze(1).mul_(2).sub_(g_b2)  # sum of d * (2 s - 1)
    q = torch.addcmul(sd, s, sd, value=-1)  # d s (1 - s); times W2 it is 1/4 of dL/da
    if grouped:
        q = q.view(U, -1, B)
    # W2 is constant over the batch, so it scales the small (U, p+1, L*H) product, not q.
    g_V = torch.bmm(xa, q.transpose(1, 2)).mul_(W2.view(U, 1, -1))
    return logit, (g_V, g_W2, g_b2)


def gradients(params: Params, xa: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, Params]:
    """Per-model mean batch loss and its gradients with respect to the tutorial's
    weights, per model ((M, H, p), (M, H), (M, 1, H), (M, 1)): the fast engine's math."""
    logit, (raw_V, raw_W2, raw_b2) = _raw_gradients(params, xa, y)
    U, B = y.shape
    target = y.unsqueeze(1).expand(U, logit.shape[0] // U, B).reshape(logit.shape)
    loss = F.binary_cross_entropy_with_logits(logit, target, reduction="none").mean(2).squeeze(1)
    g_Wb = _ungroup(raw_V, raw_W2.shape[2]) * (4 / B)  # raw_V is 1/4 of the gradient of [W1, b1]
    return loss, (g_Wb[:, :, :-1], g_Wb[:, :, -1], raw_W2 / B, raw_b2.reshape(-1, 1) / B)


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
    on_epoch: Callable[[int, torch.Tensor], None] | None = None,
    init: dict[str, np.ndarray] | None = None,
) -> tuple[Params, np.ndarray, float]:
    """Train ``len(seeds)`` models at once.

    ``init`` (checked weights) replaces every model's initial weights; the seed
    still draws its shuffles as usual. Returns per-model weights ((M, H, p), (M, H), (M, 1, H), (M, 1)), the
    loss (M, epochs) and the seconds spent. ``on_epoch(epoch, mean_loss)``
    gets the (M,) loss tensor after each epoch.
    """
    (n, p), M = X.shape, len(seeds)
    # Inference mode skips autograd's bookkeeping on every op of the fast path.
    with torch.inference_mode(engine == "fast"), threads_for(M * hidden * min(batch_size, n)):
        layout = plan(seeds, hidden, p)
        U, L = layout.groups, M // layout.groups
        starts = layout.initial if init is None else [{k: torch.from_numpy(v) for k, v in init.items()}] * M
        W1, b1, W2, b2 = (torch.stack([s[name] for s in starts]) for name in PARAM_NAMES)
        params = tuple(t.to(device) for t in to_groups(W1, b1, W2, b2, groups=U))
        X_all = torch.from_numpy(X).to(device)
        # float32 throughout, whatever torch.get_default_dtype() says.
        y_all = torch.from_numpy(y).to(device=device, dtype=torch.float32)
        source = None if layout.source is None else layout.source.to(device)
        lr = torch.tensor([float(lrs[i]) for i in layout.order], device=device, dtype=torch.float32)
        # Learning rates shaped like each parameter (per model, repeated over its H units).
        lr_shaped = (lr.view(U, 1, L, 1).expand(U, 1, L, hidden).reshape(U, 1, -1), lr.view(M, 1, 1), lr.view(M, 1, 1))
        step_lr = {
            B: [r * (scale / B) for r, scale in zip(lr_shaped, GRAD_SCALE)] for B in {batch_size, n % batch_size} if B
        }
        losses = torch.zeros(M, epochs, device=device, dtype=torch.float32)
        reference = _autograd_setup(params, lrs, device) if engine == "autograd" else None

        start = time.perf_counter()
        for epoch in range(epochs):
            perm = torch.stack([torch.randperm(n, generator=g) for g in layout.generators]).to(device)
            if source is not None:
                perm = perm.index_select(0, source)
            # Inputs as (U, p+1, n), a row of ones under them: every batch below is a plain slice.
            Xs = torch.ones(U, p + 1, n, device=device, dtype=torch.float32)
            Xs[:, :p] = X_all.index_select(0, perm.view(-1)).view(U, n, p).transpose(1, 2)
            ys = y_all.index_select(0, perm.view(-1)).view(U, n)
            logits = []
            for first in range(0, n, batch_size):
                xb, yb = Xs[:, :, first : first + batch_size], ys[:, first : first + batch_size]
                if reference is None:
                    logit, grads = _raw_gradients(params, xb, yb)
                    torch._foreach_addcmul_(list(params), list(grads), step_lr[yb.shape[1]], value=-1.0)
                else:
                    logit = _autograd_step(*reference, xb[0, :p].T, yb[0]).view(1, 1, -1)
                logits.append(logit)
            # The epoch's loss from the logits each batch saw before its step.
            # BCE with logits is softplus(z) - y z = softplus((1 - 2y) z): one pass, no broadcast target.
            sign = ys.mul(-2).add_(1).unsqueeze(1)
            losses[:, epoch] = F.softplus(torch.cat(logits, 2).view(U, L, n).mul_(sign)).mean(2).view(M)
            if on_epoch is not None:
                on_epoch(epoch, losses[:, epoch])
        if reference is not None:
            params = _autograd_params(reference[0])
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds = time.perf_counter() - start
        back = torch.tensor(np.argsort(layout.order), device=device)
        models = tuple(t.index_select(0, back) for t in from_groups(params))
        return models, losses.index_select(0, back).cpu().numpy().astype(np.float64), seconds


def _autograd_setup(
    params: Params, lrs: Sequence[float], device: torch.device
) -> tuple[SimpleClassifier, torch.optim.Optimizer]:
    if len(lrs) != 1:
        raise ValueError("`engine` 'autograd' trains one model at a time.")
    W1, b1, W2, b2 = from_groups(params)
    module = blank_module(W1.shape[2], W1.shape[1])
    module.load_state_dict(dict(zip(PARAM_NAMES, (W1[0], b1[0], W2[0], b2[0]))))
    module.to(device).train()
    return module, torch.optim.SGD(module.parameters(), lr=float(lrs[0]))


_bce = nn.BCEWithLogitsLoss()


def _autograd_step(module: nn.Module, optimizer: torch.optim.Optimizer, xb: torch.Tensor, yb: torch.Tensor):
    """The tutorial's step; returns the logits it computed before updating."""
    preds = module(xb).squeeze(dim=1)
    loss = _bce(preds, yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return preds.detach()


def _autograd_params(module: SimpleClassifier) -> Params:
    W1, b1, W2, b2 = (p.detach() for p in module.parameters())
    return to_groups(W1[None], b1[None], W2[None], b2[None], groups=1)
