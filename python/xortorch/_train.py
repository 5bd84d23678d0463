"""``train`` one model, or ``sweep`` many at once."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Callable

import numpy as np
import torch

from ._engine import ENGINES, converged, fit, unstack
from ._model import as_model, hidden_units, input_count
from ._predict import accuracy, stacked_probabilities
from ._validation import MAX_POINTS, check_int, check_number, check_Xy, resolve_device, resolve_seed


def _check_options(hidden: Any, batch_size: Any, epochs: Any, engine: Any) -> tuple[int, int, int]:
    hidden = check_int(hidden, "hidden", minimum=1, maximum=4096)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1, maximum=1_000_000)
    if engine not in ENGINES:
        raise ValueError(f"`engine` must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}.")
    return hidden, batch_size, epochs


def train(
    X: Any,
    y: Any,
    *,
    hidden: int = 4,
    lr: float = 0.1,
    batch_size: int = 128,
    epochs: int = 100,
    seed: int | None = None,
    device: str = "auto",
    progress: bool = False,
    callback: Callable[[int, float], Any] | None = None,
    engine: str = "fast",
    init: Any = None,
) -> dict[str, Any]:
    """Train the tutorial's ``SimpleClassifier`` (continuous XOR, or any numeric inputs).

    Parameters
    ----------
    X : array-like of shape (n, p)
        Inputs: p >= 1 numeric columns (2 in the tutorial).
    y : array-like of shape (n,)
        Labels, 0 or 1.
    hidden : int, default=4
        Units in the hidden layer, 1 to 4096. Ignored when ``init`` is given.
    lr : float, default=0.1
        SGD learning rate.
    batch_size : int, default=128
        Mini-batch size; the last partial batch of an epoch is kept.
    epochs : int, default=100
        Passes over the data, each with a fresh shuffle.
    seed : int or None, default=None
        Determines the initial weights and every shuffle. On the CPU the same
        seed gives bit-identical weights. ``None`` draws a seed (recorded in
        ``model["config"]["seed"]``).
    device : str, default="auto"
        "auto" (CUDA when available), "cpu", "cuda", "cuda:N" or "mps".
    progress : bool, default=False
        Show a tqdm progress bar.
    callback : callable or None, default=None
        Called as ``callback(epoch, loss)`` after each epoch (epoch counts from
        1). An exception it raises stops training and propagates.
    engine : {"fast", "autograd"}, default="fast"
        "fast" uses hand-written gradients; "autograd" the tutorial's
        ``loss.backward()`` and ``torch.optim.SGD``. Both compute the same thing.
    init : dict or SimpleClassifier or None, default=None
        A model to continue training from: its weights are the starting point
        (its hidden size wins over ``hidden``) and its loss history is kept in
        front of the new epochs'.

    Returns
    -------
    model : dict
        ``state`` (the tutorial's state_dict names, NumPy arrays), ``loss``
        mean training loss per epoch (``init``'s epochs first), ``config``,
        ``device`` and ``seconds``.

    Raises
    ------
    ValueError
        For bad arguments, and when training diverges (the weights overflow
        float32 to infinity or NaN, as a too large ``lr`` makes them).
    """
    start = None if init is None else as_model(init)
    X, y = check_Xy(X, y, features=None if start is None else input_count(start))
    lr = check_number(lr, "lr")
    if start is not None:
        hidden = hidden_units(start)
    hidden, batch_size, epochs = _check_options(hidden, batch_size, epochs, engine)
    seed = resolve_seed(seed)
    dev = resolve_device(device)
    if callback is not None and not callable(callback):
        raise TypeError(f"`callback` must be callable or None, not {type(callback).__name__}.")
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"`progress` must be True or False, not {progress!r}.")

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc="Training", unit="epoch")

    def on_epoch(epoch: int, loss: torch.Tensor) -> None:
        if bar is not None:
            bar.update(1)
        if callback is not None:
            callback(epoch + 1, float(loss[0]))

    try:
        params, losses, seconds = fit(
            X,
            y,
            seeds=[seed],
            lrs=[lr],
            hidden=hidden,
            batch_size=batch_size,
            epochs=epochs,
            device=dev,
            engine=engine,
            on_epoch=None if bar is None and callback is None else on_epoch,
            init=None if start is None else start["state"],
        )
    finally:
        if bar is not None:
            bar.close()
    if not converged(params, losses)[0]:
        raise ValueError(
            f"Training diverged at `lr` = {lr:g}: the loss or the weights overflowed to infinity or NaN. "
            "Use a smaller `lr`."
        )
    loss = (
        losses[0]
        if start is None
        else np.concatenate([np.asarray(start.get("loss", []), np.float64).reshape(-1), losses[0]])
    )
    config = dict(hidden=hidden, lr=lr, batch_size=batch_size, epochs=epochs, seed=seed, engine=engine, n=len(y))
    return {"state": unstack(params, 0), "loss": loss, "config": config, "device": str(dev), "seconds": seconds}


def sweep(
    X: Any,
    y: Any,
    *,
    lr: Sequence[float] = (0.01, 0.1, 1.0),
    seeds: Sequence[int] = (0, 1, 2),
    hidden: int = 4,
    batch_size: int = 128,
    epochs: int = 100,
    device: str = "auto",
    callback: Callable[[int, np.ndarray], Any] | None = None,
) -> dict[str, Any]:
    """Train one model per (lr, seed) pair, all at once, vectorised over models.

    Model ``i`` is the one ``train(X, y, lr=lr_i, seed=seed_i, ...)`` gives
    (same initial weights, same batches), up to floating-point rounding.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,)
    lr : sequence of float
        Learning rates; crossed with ``seeds``.
    seeds : sequence of int
        Seeds; crossed with ``lr``.
    hidden, batch_size, epochs, device
        As for :func:`train`.
    callback : callable or None, default=None
        Called as ``callback(epoch, loss)`` after each epoch (epoch counts from
        1, ``loss`` the (M,) mean losses); an exception it raises propagates.

    Returns
    -------
    result : dict of columns, one row per model (M = len(lr) * len(seeds))
        ``lr`` (M,), ``seed`` (M,), ``final_loss`` (M,), ``accuracy`` (M,) on
        ``(X, y)``, ``loss`` (M, epochs), ``state`` (the weights, each with a
        leading model dimension), ``seconds``. A model whose ``lr`` made it
        diverge has an infinite or NaN loss and a NaN accuracy instead of
        failing the whole sweep.
    """
    X, y = check_Xy(X, y)
    lrs = _check_sequence(lr, "lr", lambda v: check_number(v, "lr"))
    seed_list = _check_sequence(seeds, "seeds", resolve_seed_strict)
    hidden, batch_size, epochs = _check_options(hidden, batch_size, epochs, "fast")
    dev = resolve_device(device)
    if callback is not None and not callable(callback):
        raise TypeError(f"`callback` must be callable or None, not {type(callback).__name__}.")
    grid = list(itertools.product(lrs, seed_list))
    if len(grid) * X.shape[0] > MAX_POINTS:
        raise ValueError(
            f"{len(grid)} models x {X.shape[0]:,} points exceeds the limit of {MAX_POINTS:,}; "
            "use fewer `lr`/`seeds` or less data."
        )
    params, losses, seconds = fit(
        X,
        y,
        seeds=[s for _, s in grid],
        lrs=[r for r, _ in grid],
        hidden=hidden,
        batch_size=batch_size,
        epochs=epochs,
        device=dev,
        on_epoch=None if callback is None else lambda epoch, loss: callback(epoch + 1, loss.cpu().numpy()),
    )
    states = [unstack(params, i) for i in range(len(grid))]
    stacked = {k: np.stack([s[k] for s in states]) for k in states[0]}
    with np.errstate(invalid="ignore", over="ignore"):
        acc = np.where(converged(params, losses), accuracy(stacked_probabilities(stacked, X), y), np.nan)
    return {
        "lr": np.array([r for r, _ in grid], dtype=np.float64),
        "seed": np.array([s for _, s in grid], dtype=np.int64),
        "final_loss": losses[:, -1].copy(),
        "accuracy": acc.astype(np.float64),
        "loss": losses,
        "state": stacked,
        "seconds": seconds,
        "device": str(dev),
    }


def resolve_seed_strict(value: Any) -> int:
    if value is None:
        raise TypeError("`seeds` must hold integers, not None.")
    return resolve_seed(value)


def _check_sequence(values: Any, name: str, check: Callable[[Any], Any]) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    if not values:
        raise ValueError(f"`{name}` must hold at least one value.")
    return [check(v) for v in values]
