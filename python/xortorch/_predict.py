"""Predictions from a trained model: ``predict``, ``evaluate``, ``predict_grid``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ._model import PARAM_NAMES, as_model
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
    W1, b1, W2, b2 = (torch.from_numpy(np.ascontiguousarray(state[name])) for name in PARAM_NAMES)
    M = W1.shape[0]
    out = np.empty((M, X.shape[0]), dtype=np.float32)
    rows = max(1, CHUNK_ROWS // M)
    for start in range(0, X.shape[0], rows):
        xb = torch.from_numpy(X[start : start + rows]).expand(M, -1, -1)
        hidden = torch.tanh(torch.baddbmm(b1.unsqueeze(1), xb, W1.transpose(1, 2)))
        logit = torch.baddbmm(b2.unsqueeze(1), hidden, W2.transpose(1, 2))
        out[:, start : start + xb.shape[1]] = torch.sigmoid(logit[:, :, 0]).numpy()
    return out


def _probabilities(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return stacked_probabilities({k: v[None] for k, v in state.items()}, X)[0]


def predict(model: Any, X: Any) -> np.ndarray:
    """Probability of class 1 for each row of ``X``.

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model from :func:`train` or :func:`load_model`.
    X : array-like of shape (n, 2)

    Returns
    -------
    prob : ndarray of shape (n,), float32
        The sigmoid of the model's logit.
    """
    model = as_model(model)
    return _probabilities(model["state"], check_X(X))


def evaluate(model: Any, X: Any, y: Any, *, threshold: float = 0.5) -> float:
    """Accuracy of the model on ``(X, y)``, in [0, 1].

    A point is predicted as class 1 when its probability is ``>= threshold``,
    as in the tutorial's ``eval_model``.
    """
    model = as_model(model)
    X, y = check_Xy(X, y)
    threshold = check_number(threshold, "threshold", allow_zero=True)
    if threshold > 1:
        raise ValueError(f"`threshold` must lie in [0, 1], not {threshold:g}.")
    pred = _probabilities(model["state"], X) >= threshold
    return float(np.mean(pred == y.astype(bool)))


def _axis(lim: Any, name: str, step: float) -> np.ndarray:
    try:
        lo, hi = lim
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a pair (low, high), not {lim!r}.") from None
    lo, hi = check_number(lo, name, positive=False), check_number(hi, name, positive=False)
    if not lo < hi:
        raise ValueError(f"`{name}` must be increasing (low < high), not ({lo:g}, {hi:g}).")
    # torch.arange(lo, hi, step)'s points, computed without float drift in the count.
    count = max(1, math.ceil((hi - lo) / step - 1e-9))
    return lo + step * np.arange(count, dtype=np.float64)


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
        If the grid would exceed ``MAX_GRID_POINTS`` cells.
    """
    model = as_model(model)
    step = check_number(step, "step")
    x1, x2 = _axis(xlim, "xlim", step), _axis(ylim, "ylim", step)
    cells = x1.size * x2.size
    if cells > MAX_GRID_POINTS:
        raise ValueError(
            f"`step` = {step:g} gives a {x1.size:,} x {x2.size:,} grid ({cells:,} points); "
            f"the limit is {MAX_GRID_POINTS:,}. Use a larger `step`."
        )
    prob = np.empty((x1.size, x2.size), dtype=np.float32)
    rows_per_chunk = max(1, CHUNK_ROWS // x2.size)
    x2_32 = x2.astype(np.float32)
    for start in range(0, x1.size, rows_per_chunk):
        rows = x1[start : start + rows_per_chunk].astype(np.float32)
        points = np.stack(np.meshgrid(rows, x2_32, indexing="ij"), axis=-1).reshape(-1, 2)
        prob[start : start + rows.size] = _probabilities(model["state"], points).reshape(rows.size, x2.size)
    return {"x1": x1, "x2": x2, "prob": prob}
