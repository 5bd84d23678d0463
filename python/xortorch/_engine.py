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

# Stacked parameters of M models: W1 (M, H, 2), b1 (M, H), W2 (M, H), b2 (M,).
Params = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def stack_init(seeds: Sequence[int], hidden: int) -> tuple[Params, list[torch.Generator]]:
    """Initial weights for each seed, plus each model's generator for shuffling."""
    generators = [torch.Generator().manual_seed(int(seed)) for seed in seeds]
    states = [init_state(hidden, g) for g in generators]
    params = (
        torch.stack([s["linear1.weight"] for s in states]),
        torch.stack([s["linear1.bias"] for s in states]),
        torch.stack([s["linear2.weight"][0] for s in states]),
        torch.stack([s["linear2.bias"][0] for s in states]),
    )
    return params, generators


def unstack(params: Params, index: int) -> dict[str, np.ndarray]:
    """The ``index``-th model's weights under the tutorial's names."""
    W1, b1, W2, b2 = (p[index].detach().cpu().numpy().copy() for p in params)
    return dict(zip(PARAM_NAMES, (W1, b1, W2.reshape(1, -1), b2.reshape(1))))


def forward_backward(params: Params, xb: torch.Tensor, yb: torch.Tensor) -> tuple[torch.Tensor, Params]:
    """Per-model loss sum and the gradient of the mean batch loss, by hand.

    ``xb`` is (M, B, 2), ``yb`` (M, B) float. For the logit z the mean BCE
    has dL/dz = (sigmoid(z) - y) / B; the rest is the chain rule through the
    second linear layer, tanh (1 - h^2) and the first linear layer.
    """
    W1, b1, W2, b2 = params
    hidden = torch.tanh(torch.baddbmm(b1.unsqueeze(1), xb, W1.transpose(1, 2)))  # (M, B, H)
    logit = torch.baddbmm(b2.view(-1, 1, 1), hidden, W2.unsqueeze(2)).squeeze(2)  # (M, B)
    loss_sum = F.binary_cross_entropy_with_logits(logit, yb, reduction="none").sum(1)
    d_logit = (torch.sigmoid(logit) - yb) / xb.shape[1]
    d_pre = d_logit.unsqueeze(2) * W2.unsqueeze(1) * (1 - hidden * hidden)  # (M, B, H)
    grads = (
        torch.bmm(d_pre.transpose(1, 2), xb),  # W1
        d_pre.sum(1),  # b1
        torch.bmm(d_logit.unsqueeze(1), hidden).squeeze(1),  # W2
        d_logit.sum(1),  # b2
    )
    return loss_sum, grads


def _epoch_batches(
    X: torch.Tensor, y: torch.Tensor, generators: list[torch.Generator], batch_size: int
):
    """Shuffle each model's copy of the data and yield (M, B, ...) batches."""
    n = X.shape[0]
    perm = torch.stack([torch.randperm(n, generator=g) for g in generators]).to(X.device)
    Xs, ys = X[perm], y[perm]
    for start in range(0, n, batch_size):
        yield Xs[:, start : start + batch_size], ys[:, start : start + batch_size]


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
    params, generators = stack_init(seeds, hidden)
    params = tuple(p.to(device) for p in params)
    X_t = torch.from_numpy(X).to(device)
    y_t = torch.from_numpy(y).to(device=device, dtype=torch.float32)
    lr = torch.tensor(list(lrs), dtype=torch.float32, device=device)
    lr_views = (lr.view(-1, 1, 1), lr.view(-1, 1), lr.view(-1, 1), lr)
    n = X.shape[0]
    losses = torch.zeros(len(seeds), epochs, device=device)

    module = optimizer = None
    if engine == "autograd":
        module, optimizer = _autograd_setup(params, lrs, device)

    start = time.perf_counter()
    for epoch in range(epochs):
        total = losses[:, epoch]
        for xb, yb in _epoch_batches(X_t, y_t, generators, batch_size):
            if module is None:
                loss_sum, grads = forward_backward(params, xb, yb)
                for p, g, rate in zip(params, grads, lr_views):
                    p.addcmul_(g, rate, value=-1.0)
            else:
                loss_sum = _autograd_step(module, optimizer, xb[0], yb[0])
            total += loss_sum.detach()
        total /= n
        if on_epoch is not None:
            on_epoch(epoch, total)
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
        module.linear1.bias.copy_(params[1][0])
        module.linear2.weight.copy_(params[2][0].unsqueeze(0))
        module.linear2.bias.copy_(params[3][0].view(1))
    module.to(device).train()
    return module, torch.optim.SGD(module.parameters(), lr=float(lrs[0]))


_bce = nn.BCEWithLogitsLoss()


def _autograd_step(module: nn.Module, optimizer: torch.optim.Optimizer, xb: torch.Tensor, yb: torch.Tensor):
    # The tutorial's step, verbatim in spirit.
    preds = module(xb).squeeze(dim=1)
    loss = _bce(preds, yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return (loss.detach() * xb.shape[0]).view(1)


def _autograd_params(module: SimpleClassifier) -> Params:
    return (
        module.linear1.weight.detach().unsqueeze(0),
        module.linear1.bias.detach().unsqueeze(0),
        module.linear2.weight.detach(),
        module.linear2.bias.detach(),
    )
