"""What steers a fit: a validation set, early stopping, class weights, callbacks.

One implementation for :func:`xortorch.train` (and the R and scikit-learn
front ends over it). The engine calls :class:`Monitor` after every epoch with
a way to read the current weights; the monitor measures the validation set,
keeps the best weights, calls the user's callback, and says when to stop.
"""

from __future__ import annotations

import inspect
import math
import numbers
import time
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import torch

from ._diagnostics import bce
from ._model import PARAM_NAMES
from ._predict import accuracy, stacked_logits
from ._validation import align_columns, check_number, check_Xy

if TYPE_CHECKING:
    from ._engine import OnEpoch
    from ._tensorboard import Logger


def check_valid(valid: Any) -> Any:
    """None, a fraction in (0, 1), or an ``(X_valid, y_valid)`` pair (checked later, against the model)."""
    if valid is None or isinstance(valid, tuple):
        if isinstance(valid, tuple) and len(valid) != 2:
            raise ValueError(f"`valid` must be a fraction or a pair (X_valid, y_valid), not {len(valid)} values.")
        return valid
    if isinstance(valid, numbers.Real) and not isinstance(valid, bool):
        if not 0 < float(valid) < 1:
            raise ValueError(f"`valid` as a fraction must lie strictly between 0 and 1, not {float(valid):g}.")
        return float(valid)
    raise TypeError(f"`valid` must be None, a fraction or a pair (X_valid, y_valid), not {type(valid).__name__}.")


def stratified_split(y: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (train, valid): ``fraction`` of each class to validation, drawn
    from ``seed`` (so a seed fixes the split as it fixes the fit)."""
    rng = np.random.default_rng(seed)
    valid = []
    for label in (0, 1):
        rows = np.flatnonzero(y == label)
        take = round(fraction * rows.size) if rows.size > 1 else 0
        valid.append(rng.permutation(rows)[:take])
    held = np.sort(np.concatenate(valid))
    if held.size == 0 or held.size == y.size:
        raise ValueError(f"`valid` = {fraction:g} of {y.size} rows leaves no rows to validate or none to train on.")
    return np.setdiff1d(np.arange(y.size), held), held


def check_valid_pair(valid: tuple, names: list[str] | None, features: int) -> tuple[np.ndarray, np.ndarray]:
    X_valid, y_valid = valid
    X_valid = align_columns(X_valid, names, "valid")
    try:
        return check_Xy(X_valid, y_valid, features=features)
    except (TypeError, ValueError) as err:
        raise type(err)(str(err).replace("`X`", "`valid[0]`").replace("`y`", "`valid[1]`")) from None


def class_weights(class_weight: Any, y: np.ndarray) -> np.ndarray | None:
    """Per-row weights from ``class_weight``: None, "balanced" (n / (2 n_class),
    as scikit-learn computes it) or a mapping {0: w0, 1: w1}."""
    if class_weight is None:
        return None
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(
                f"`class_weight` must be 'balanced', a mapping {{0: w0, 1: w1}} or None, not {class_weight!r}."
            )
        counts = np.bincount(y, minlength=2).astype(np.float64)
        per_class = np.where(counts > 0, y.size / (2 * np.maximum(counts, 1)), 0.0)
    elif isinstance(class_weight, dict):
        unknown = [k for k in class_weight if k not in (0, 1)]
        if unknown:
            raise ValueError(f"`class_weight` maps the classes 0 and 1, not {unknown[0]!r}.")
        per_class = np.array([check_number(class_weight.get(k, 1.0), "class_weight", allow_zero=True) for k in (0, 1)])
    else:
        raise TypeError(f"`class_weight` must be 'balanced', a mapping {{0: w0, 1: w1}} or None, not {class_weight!r}.")
    return per_class[y]


def _arity(callback: Callable[..., Any]) -> int:
    """How many positional parameters ``callback`` declares: 3 gets ``info``; anything
    else, ``*args`` wrappers (such as reticulate's for an R function) included, the
    old ``(epoch, loss)`` form."""
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return 2
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def every(seconds: float, callback: Callable[[int, float], Any], epochs: int) -> Callable[[int, float], None]:
    """``callback(epoch, loss)`` at most every ``seconds``, and at the last of ``epochs``: for a progress
    display in another language, where each call costs a crossing (from R about 0.25 ms, which at the
    tutorial's size tripled a fit's time). Its answer is ignored: it draws, it does not steer."""
    last = -math.inf

    def throttled(epoch: int, loss: float) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= seconds or epoch == epochs:
            last = now
            callback(epoch, loss)

    return throttled


def improves(loss: Any, best: Any, min_delta: float) -> Any:
    """Early stopping's rule, for one model or M at once: a validation loss counts as better than the best so
    far only when lower by more than ``min_delta`` (Keras' and scikit-learn's ``tol``)."""
    return loss < best - min_delta


class Monitor:
    """Called by the engine after each epoch of one model's training.

    Measures ``valid`` (already on the engine's scale), keeps the best
    weights, calls ``callback(epoch, loss)`` or ``callback(epoch, loss, info)``
    with ``info`` = ``{"valid_loss", "valid_accuracy", "weights"}`` (weights
    read-only, on raw inputs), and stops the engine when the callback returns
    ``False`` or the validation loss has not improved by ``min_delta`` for
    ``patience`` epochs.
    """

    def __init__(
        self,
        *,
        valid: tuple[np.ndarray, np.ndarray] | None,
        patience: int | None,
        min_delta: float,
        callback: Callable[..., Any] | None,
        raw_weights: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]],
        on_epoch: Callable[[int, float], None] | None = None,
        logger: Logger | None = None,
    ) -> None:
        self.valid, self.patience, self.min_delta = valid, patience, min_delta
        self.callback, self.raw_weights, self.on_epoch = callback, raw_weights, on_epoch
        self.logger = logger
        self.arity = 0 if callback is None else _arity(callback)
        self.valid_loss: list[float] = []
        self.valid_accuracy: list[float] = []
        self.best_loss, self.best_epoch = np.inf, 0
        self.best: tuple[torch.Tensor, ...] | None = None
        self.epochs, self.stopped_by = 0, "epochs"

    def __call__(
        self,
        epoch: int,
        loss: torch.Tensor,
        current: Callable[[], tuple[torch.Tensor, ...]],
        batch_loss: torch.Tensor,
    ) -> bool:
        self.epochs = epoch + 1
        train_loss = float(loss[0])
        if self.on_epoch is not None:
            self.on_epoch(epoch + 1, train_loss)
        state = None
        if self.valid is not None or self.arity >= 3 or (self.logger and self.logger.wants_weights(epoch + 1)):
            params = current()
            state = {name: p[0].detach().cpu().numpy() for name, p in zip(PARAM_NAMES, params)}
        valid_loss = valid_accuracy = None
        if self.valid is not None and state is not None:
            X_valid, y_valid = self.valid
            logits = stacked_logits({k: v[None] for k, v in state.items()}, X_valid)[0]
            valid_loss = float(bce(logits, y_valid))
            valid_accuracy = float(accuracy(torch.sigmoid(torch.from_numpy(logits)).numpy(), y_valid))
            self.valid_loss.append(valid_loss)
            self.valid_accuracy.append(valid_accuracy)
            if improves(valid_loss, self.best_loss, self.min_delta):
                self.best_loss, self.best_epoch, self.best = valid_loss, epoch + 1, params
        if self.logger is not None:
            # The weights (raw units) on the epochs whose figure the logger draws; state is read above for those.
            weights = self.raw_weights(state) if state is not None and self.logger.wants_weights(epoch + 1) else None
            self.logger(epoch + 1, float(batch_loss[0]), valid_loss, weights)  # the tutorial's epoch loss
        if self.callback is not None:
            if self.arity >= 3 and state is not None:
                weights = self.raw_weights(state)
                for array in weights.values():
                    array.setflags(write=False)
                info = {"valid_loss": valid_loss, "valid_accuracy": valid_accuracy, "weights": weights}
                answer = self.callback(epoch + 1, train_loss, info)
            else:
                answer = self.callback(epoch + 1, train_loss)
            if answer is False:
                self.stopped_by = "callback"
                return False
        if self.patience is not None and epoch + 1 - self.best_epoch >= self.patience:
            self.stopped_by = "early stopping"
            return False
        return True


class SweepMonitor:
    """Validation for M models trained together, judged each as :class:`Monitor` judges one model.

    Records each model's validation loss and accuracy per epoch and its best epoch and weights (a loss lower
    than the best by more than ``min_delta``). With ``patience``, a model stops, as it would alone, once its
    loss has not improved for ``patience`` epochs: from then on its best weights and curves stay as they were
    while the others train on, and the engine stops when every model has stopped. ``follow`` (a progress
    display) is called first, every epoch.
    """

    def __init__(
        self,
        valid: tuple[np.ndarray, np.ndarray],
        *,
        models: int,
        patience: int | None,
        min_delta: float,
        follow: OnEpoch | None = None,
    ) -> None:
        self.valid, self.patience, self.min_delta, self.follow = valid, patience, min_delta, follow
        self.valid_loss: list[np.ndarray] = []
        self.valid_accuracy: list[np.ndarray] = []
        self.best_loss = np.full(models, np.inf)
        self.best_epoch = np.zeros(models, dtype=np.int64)
        self.best: tuple[torch.Tensor, ...] | None = None
        self.stopped = np.zeros(models, dtype=np.int64)  # the epoch each model stopped at; 0 while it runs

    def __call__(
        self,
        epoch: int,
        loss: torch.Tensor,
        current: Callable[[], tuple[torch.Tensor, ...]],
        batch_loss: torch.Tensor,
    ) -> bool:
        if self.follow is not None and self.follow(epoch, loss, current, batch_loss) is False:
            return False
        params = current()
        state = {name: p.detach().cpu().numpy() for name, p in zip(PARAM_NAMES, params)}
        X_valid, y_valid = self.valid
        logits = stacked_logits(state, X_valid)
        self.valid_loss.append(bce(logits, y_valid))
        self.valid_accuracy.append(accuracy(torch.sigmoid(torch.from_numpy(logits)).numpy(), y_valid))
        running = self.stopped == 0
        better = running & improves(self.valid_loss[-1], self.best_loss, self.min_delta)
        self.best_loss[better], self.best_epoch[better] = self.valid_loss[-1][better], epoch + 1
        if self.best is None:
            self.best = tuple(p.detach().clone() for p in params)
        else:
            mask = torch.from_numpy(better)
            for kept, now in zip(self.best, params):
                kept[mask] = now[mask].to(kept.dtype)
        if self.patience is not None:
            self.stopped[running & (epoch + 1 - self.best_epoch >= self.patience)] = epoch + 1
            if (self.stopped > 0).all():
                return False
        return True
