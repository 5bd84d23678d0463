"""Predictions from a trained model: ``predict``, ``evaluate``, ``predict_grid``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ._model import PARAM_NAMES, as_model, input_count
from ._threads import threads_for
from ._validation import MAX_GRID_POINTS, check_number, check_X, check_Xy

#: Rows evaluated per chunk: the hidden layer then takes chunk x hidden floats,
#: so memory stays bounded however many points are asked for.
CHUNK_ROWS = 1 << 20


@torch.no_grad()
def stacked_probabilities(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Probabilities (M, n) for M models whose weights carry a leading model axis.

    Rows are evaluated in chunks, so the hidden layer never holds more than
    ``CHUNK_ROWS`` x hidden floats whatever the number of points or models.
    """
    return torch.sigmoid(torch.from_numpy(stacked_logits(state, X))).numpy()


@torch.no_grad()
def stacked_logits(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Logits (M, n): the tutorial's forward pass, ``linear2(tanh(linear1(x)))``."""
    W1, b1, W2, b2 = (torch.from_numpy(np.ascontiguousarray(state[name])) for name in PARAM_NAMES)
    M, H = W1.shape[0], W1.shape[1]
    out = np.empty((M, X.shape[0]), dtype=np.float32)
    rows = max(1, CHUNK_ROWS // M)
    with threads_for(min(rows, X.shape[0]) * M * H):
        for start in range(0, X.shape[0], rows):
            xb = torch.from_numpy(X[start : start + rows]).expand(M, -1, -1)
            hidden = torch.tanh(torch.baddbmm(b1.unsqueeze(1), xb, W1.transpose(1, 2)))
            logit = torch.baddbmm(b2.unsqueeze(1), hidden, W2.transpose(1, 2))
            out[:, start : start + xb.shape[1]] = logit[:, :, 0].numpy()
    return out


def _logits(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return stacked_logits({k: v[None] for k, v in state.items()}, X)[0]


def _probabilities(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return torch.sigmoid(torch.from_numpy(_logits(state, X))).numpy()


def accuracy(prob: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Share of points (along the last axis) whose class, probability ``>= threshold``,
    equals the label: the tutorial's ``eval_model``. The one rule for ``evaluate``
    and a sweep's accuracy."""
    return np.mean((prob >= threshold) == y.astype(bool), axis=-1)


KINDS = ("prob", "logit", "class")


def predict(model: Any, X: Any, *, kind: str = "prob") -> np.ndarray:
    """Predict for each row of ``X``.

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model from :func:`train` or :func:`load_model`.
    X : array-like of shape (n, p)
        p is the model's number of inputs (2 for the tutorial's data).
    kind : {"prob", "logit", "class"}, default="prob"
        "prob": the probability of class 1, the sigmoid of the logit; "logit":
        the network's raw output; "class": 0/1, 1 where the probability is
        ``>= 0.5`` (the logit ``>= 0``).

    Returns
    -------
    out : ndarray of shape (n,)
        float32 for "prob" and "logit", int64 for "class".
    """
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(map(repr, KINDS))}, not {kind!r}.")
    model = as_model(model)
    logit = _logits(model["state"], check_X(X, features=input_count(model)))
    if kind == "logit":
        return logit
    prob = torch.sigmoid(torch.from_numpy(logit)).numpy()
    return prob if kind == "prob" else (prob >= 0.5).astype(np.int64)


def evaluate(model: Any, X: Any, y: Any, *, threshold: float = 0.5) -> float:
    """Accuracy of the model on ``(X, y)``, in [0, 1].

    A point is predicted as class 1 when its probability is ``>= threshold``,
    as in the tutorial's ``eval_model``.
    """
    model = as_model(model)
    X, y = check_Xy(X, y, features=input_count(model))
    threshold = check_number(threshold, "threshold", allow_zero=True)
    if threshold > 1:
        raise ValueError(f"`threshold` must lie in [0, 1], not {threshold:g}.")
    return float(accuracy(_probabilities(model["state"], X), y, threshold))


def _axis_length(lim: Any, name: str, step: float) -> tuple[float, int]:
    """(low, number of points) of ``torch.arange(low, high, step)``, allocating nothing."""
    try:
        lo, hi = lim
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a pair (low, high), not {lim!r}.") from None
    lo, hi = check_number(lo, name, positive=False), check_number(hi, name, positive=False)
    if not lo < hi:
        raise ValueError(f"`{name}` must be increasing (low < high), not ({lo:g}, {hi:g}).")
    # The count without float drift, as a Python int: however large, nothing is allocated yet.
    return lo, max(1, math.ceil((hi - lo) / step - 1e-9))


def predict_grid(
    model: Any,
    *,
    xlim: tuple[float, float] = (-0.5, 1.5),
    ylim: tuple[float, float] = (-0.5, 1.5),
    step: float = 0.01,
) -> dict[str, np.ndarray]:
    """Probabilities on the tutorial's grid (``meshgrid(..., indexing='ij')``).

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model with two inputs.
    xlim, ylim : (float, float)
        Range of each axis, end excluded as with ``torch.arange``.
    step : float, default=0.01
        Grid spacing.

    Returns
    -------
    grid : dict
        ``x1`` (k,), ``x2`` (m,) and ``prob`` (k, m) with ``prob[i, j]`` the
        probability at ``(x1[i], x2[j])``: ready for R's ``image()``.

    Raises
    ------
    ValueError
        If the grid would exceed ``MAX_GRID_POINTS`` cells (checked before
        anything is allocated), or the model does not have two inputs.
    """
    model = as_model(model)
    if input_count(model) != 2:
        raise ValueError(f"`model` has {input_count(model)} inputs; a grid over (x1, x2) needs a model with 2.")
    step = check_number(step, "step")
    (lo1, k), (lo2, m) = _axis_length(xlim, "xlim", step), _axis_length(ylim, "ylim", step)
    if k * m > MAX_GRID_POINTS:
        raise ValueError(
            f"`step` = {step:g} over `xlim` and `ylim` gives a {k:,} x {m:,} grid ({k * m:,} points); "
            f"the limit is {MAX_GRID_POINTS:,}. Use a larger `step` or narrower limits."
        )
    x1, x2 = lo1 + step * np.arange(k, dtype=np.float64), lo2 + step * np.arange(m, dtype=np.float64)
    prob = np.empty((k, m), dtype=np.float32)
    rows_per_chunk = max(1, CHUNK_ROWS // m)
    x2_32 = x2.astype(np.float32)
    for start in range(0, k, rows_per_chunk):
        rows = x1[start : start + rows_per_chunk].astype(np.float32)
        points = np.stack(np.meshgrid(rows, x2_32, indexing="ij"), axis=-1).reshape(-1, 2)
        prob[start : start + rows.size] = _probabilities(model["state"], points).reshape(rows.size, m)
    return {"x1": x1, "x2": x2, "prob": prob}
