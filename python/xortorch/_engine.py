"""The training engines behind ``train`` and ``sweep``.

Both run the tutorial's algorithm: SimpleClassifier, BCEWithLogitsLoss (mean
over the batch), plain SGD, a fresh shuffle every epoch, last partial batch
kept. They differ only in how the gradient is found:

* ``"fast"`` (default): the gradient of this two-layer net written out by hand,
  for M models at once (parameters carry a leading model dimension). The
  tutorial's loop spends its time on per-item indexing, collation and per-op
  dispatch, not arithmetic; this path does a handful of batched ops per step.
* ``"autograd"``: ``nn.Module`` + ``loss.backward()`` + ``torch.optim.SGD``,
  one model, kept as the reference the fast path is tested against.

Each model owns a ``torch.Generator`` seeded with its seed: it draws the
initial weights and then one permutation per epoch. A model in a sweep
therefore sees exactly the batches it would see trained alone.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ._model import PARAM_NAMES, SimpleClassifier, init_state

ENGINES = ("fast", "autograd")

# Stacked parameters of M models, shaped for batched matmuls:
# W1 (M, H, 2), b1 (M, H, 1), W2 (M, 1, H), b2 (M, 1, 1).
Params = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]

# _raw_gradients returns each gradient divided by this factor (see there); the
# learning rate is multiplied by it instead, which is cheaper than rescaling.
GRAD_SCALE = (4.0, 4.0, 1.0, 1.0)


def stack_init(seeds: Sequence[int], hidden: int) -> tuple[Params, list[torch.Generator], torch.Tensor]:
    """Initial weights for each model, one generator per distinct seed, and
    each model's index into those generators (models sharing a seed share
    their shuffles, so each permutation is drawn once)."""
    distinct = list(dict.fromkeys(int(seed) for seed in seeds))
    generators = [torch.Generator().manual_seed(seed) for seed in distinct]
    initial = [init_state(hidden, g) for g in generators]
    which = torch.tensor([distinct.index(int(seed)) for seed in seeds])
    states = [initial[i] for i in which.tolist()]
    params = (
        torch.stack([s["linear1.weight"] for s in states]),
        torch.stack([s["linear1.bias"] for s in states]).unsqueeze(2),
        torch.stack([s["linear2.weight"] for s in states]),
        torch.stack([s["linear2.bias"] for s in states]).unsqueeze(2),
    )
    return params, generators, which


def unstack(params: Params, index: int) -> dict[str, np.ndarray]:
    """The ``index``-th model's weights under the tutorial's names and shapes."""
    W1, b1, W2, b2 = (p[index].detach().cpu().numpy().copy() for p in params)
    return dict(zip(PARAM_NAMES, (W1, b1.reshape(-1), W2, b2.reshape(1))))


def _raw_gradients(params: Params, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, Params]:
    """Logits and the summed-loss gradients, each divided by ``GRAD_SCALE``.

    ``x`` is (M, B, 2), ``y`` (M, 1, B). Written for few, cheap ops:
    tanh(a) = 2 sigmoid(2a) - 1, because torch's CPU tanh is about ten times
    slower than its sigmoid; with s = sigmoid(2a) the logit is
    z = 2 W2 s + b2 - sum(W2), and tanh'(a) = 1 - h^2 = 4 s (1 - s).
    For BCE with logits, dL/dz = sigmoid(z) - y per point.
    """
    W1, b1, W2, b2 = params
    s = torch.baddbmm(b1, W1, x.transpose(1, 2), beta=2, alpha=2).sigmoid_()  # (M, H, B)
    logit = torch.baddbmm(b2 - W2.sum(2, keepdim=True), W2, s, alpha=2)  # (M, 1, B)
    d_logit = torch.sigmoid(logit).sub_(y)
    g_b2 = d_logit.sum(2, keepdim=True)
    g_W2 = (s * d_logit).sum(2).unsqueeze(1).mul_(2).sub_(g_b2)  # sum of d * (2 s - 1)
    d_pre = torch.addcmul(s, s, s, value=-1).mul_(W2.transpose(1, 2)).mul_(d_logit)  # 1/4 of dL/da
    return logit, (torch.bmm(d_pre, x), d_pre.sum(2, keepdim=True), g_W2, g_b2)


def gradients(params: Params, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, Params]:
    """Per-model mean batch loss and its exact gradients (the fast engine's math)."""
    logit, raw = _raw_gradients(params, x, y)
    B = x.shape[1]
    loss = F.binary_cross_entropy_with_logits(logit, y, reduction="none").mean(2).squeeze(1)
    return loss, tuple(g * (scale / B) for g, scale in zip(raw, GRAD_SCALE))


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
) -> tuple[Params, np.ndarray, float]:
    """Train ``len(seeds)`` models at once; return weights, loss (M, epochs), seconds.

    ``on_epoch(epoch, mean_loss)`` gets the (M,) loss tensor after each epoch.
    """
    M, n = len(seeds), X.shape[0]
    # Inference mode skips autograd's bookkeeping on every op of the fast path.
    with torch.inference_mode(engine == "fast"):
        params, generators, which = stack_init(seeds, hidden)
        params = tuple(p.to(device) for p in params)
        # One (n, 3) table so that one gather per epoch shuffles inputs and labels.
        data = torch.from_numpy(np.column_stack([X, y]).astype(np.float32)).to(device)
        which = which.to(device)
        lr = torch.tensor(list(lrs), dtype=torch.float32, device=device).view(-1, 1, 1)
        step_lr = {B: [lr * (scale / B) for scale in GRAD_SCALE] for B in {batch_size, n % batch_size} if B}
        losses = torch.zeros(M, epochs, device=device)
        module = optimizer = None
        if engine == "autograd":
            module, optimizer = _autograd_setup(params, lrs, device)

        start = time.perf_counter()
        for epoch in range(epochs):
            perm = torch.stack([torch.randperm(n, generator=g) for g in generators]).to(device)
            if len(generators) < M:
                perm = perm.index_select(0, which)
            shuffled = data.index_select(0, perm.view(-1)).view(M, n, 3)
            logits = []
            for first in range(0, n, batch_size):
                batch = shuffled[:, first : first + batch_size]
                xb, yb = batch[:, :, :2], batch[:, :, 2].unsqueeze(1)
                if module is None:
                    logit, grads = _raw_gradients(params, xb, yb)
                    torch._foreach_addcmul_(list(params), list(grads), step_lr[xb.shape[1]], value=-1.0)
                else:
                    logit = _autograd_step(module, optimizer, xb[0], yb[0, 0]).view(1, 1, -1)
                logits.append(logit)
            # The epoch's loss from the logits each batch saw before its step.
            all_logits = torch.cat(logits, 2)
            losses[:, epoch] = F.binary_cross_entropy_with_logits(
                all_logits, shuffled[:, :, 2].unsqueeze(1), reduction="none"
            ).mean(2).squeeze(1)
            if on_epoch is not None:
                on_epoch(epoch, losses[:, epoch])
        if module is not None:
            params = _autograd_params(module)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds = time.perf_counter() - start
        return params, losses.cpu().numpy().astype(np.float64), seconds


def _autograd_setup(params: Params, lrs: Sequence[float], device: torch.device):
    if len(lrs) != 1:
        raise ValueError("`engine` 'autograd' trains one model at a time.")
    module = SimpleClassifier(2, params[0].shape[1], 1)
    with torch.no_grad():
        module.linear1.weight.copy_(params[0][0])
        module.linear1.bias.copy_(params[1][0, :, 0])
        module.linear2.weight.copy_(params[2][0])
        module.linear2.bias.copy_(params[3][0, 0])
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
    return (
        module.linear1.weight.detach().unsqueeze(0),
        module.linear1.bias.detach().view(1, -1, 1),
        module.linear2.weight.detach().unsqueeze(0),
        module.linear2.bias.detach().view(1, 1, 1),
    )
