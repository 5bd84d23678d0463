"""Predictions from a trained model: ``predict``, ``evaluate``, ``predict_grid``."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from . import _fused as fused
from ._model import PARAM_NAMES, as_model, input_count
from ._threads import threads_for
from ._validation import MAX_GRID_POINTS, align_columns, check_number, check_X, check_Xy

#: Values one chunk's hidden layer may hold (16 MiB of float32): rows are taken
#: CHUNK_VALUES // (models x hidden) at a time, so a prediction's working memory
#: is a few such buffers however many rows, hidden units or models there are
#: (one row at a time once models x hidden alone exceeds it).
CHUNK_VALUES = 1 << 22


@torch.no_grad()
def stacked_probabilities(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Probabilities (M, n) for M models whose weights carry a leading model axis.

    Rows are evaluated in chunks, so the hidden layer never holds more than
    ``CHUNK_VALUES`` floats (or M x hidden, if that is more), whatever the number of points.
    """
    return torch.sigmoid(torch.from_numpy(stacked_logits(state, X))).numpy()


@torch.no_grad()
def stacked_logits(state: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Logits (M, n): the tutorial's forward pass, ``linear2(tanh(linear1(x)))``, for X (n, p), float32
    or float64 in any memory order (the kernel reads R's float64 columns without a copy).

    Through the compiled kernel where training uses it (:mod:`xortorch._fused`, the same arithmetic
    tanh), else through torch in chunks of rows.
    """
    M, H, p = state["linear1.weight"].shape
    if fused.worthwhile(H, p) and fused.available():
        return fused.logits([state[name] for name in PARAM_NAMES], X)
    X = np.require(X, np.float32, ["C", "W"])
    W1, b1, W2, b2 = (torch.from_numpy(np.ascontiguousarray(state[name])) for name in PARAM_NAMES)
    out = np.empty((M, X.shape[0]), dtype=np.float32)
    rows = max(1, CHUNK_VALUES // (M * H))
    with threads_for(min(rows, X.shape[0]) * M * H):
        for start in range(0, X.shape[0], rows):
            x = torch.from_numpy(X[start : start + rows])
            if M == 1:  # plain matrix products: a third faster than the batched ones at 1e6 rows
                hidden = torch.addmm(b1[0], x, W1[0].T).tanh_()
                out[0, start : start + x.shape[0]] = torch.addmm(b2[0], hidden, W2[0].T)[:, 0].numpy()
                continue
            hidden = torch.tanh(torch.baddbmm(b1.unsqueeze(1), x.expand(M, -1, -1), W1.transpose(1, 2)))
            logit = torch.baddbmm(b2.unsqueeze(1), hidden, W2.transpose(1, 2))
            out[:, start : start + x.shape[0]] = logit[:, :, 0].numpy()
    return out


def logits_by_models(stacked: dict[str, np.ndarray], X: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
    """(models, logits) for a few of M models at a time, so that the (models x rows) logits stay within
    ``CHUNK_VALUES`` floats: judging 10,000 models on 2,500 rows at once took 900 MB."""
    M = stacked["linear1.bias"].shape[0]
    step = max(1, CHUNK_VALUES // max(1, X.shape[0]))
    for start in range(0, M, step):
        part = slice(start, start + step)
        yield part, stacked_logits({k: v[part] for k, v in stacked.items()}, X)


def _logits(state: dict[str, np.ndarray], X: np.ndarray, name: str = "X") -> np.ndarray:
    """One model's logits, refusing rows where float32 overflows inside the network
    (inf - inf in the first layer): a NaN must never become a probability or a class."""
    logit = stacked_logits({k: v[None] for k, v in state.items()}, X)[0]
    bad = np.isnan(logit)
    if bad.any():
        raise ValueError(
            f"`{name}` has {int(bad.sum()):,} row{'s' if bad.sum() > 1 else ''} (of {bad.size:,}) where the network "
            f"overflows float32, so its output there is NaN: values as large as {float(np.abs(X[bad]).max()):.3g} lie "
            "far outside what float32 arithmetic holds. Rescale the inputs or leave those rows out."
        )
    return logit


def _probabilities(state: dict[str, np.ndarray], X: np.ndarray, name: str = "X") -> np.ndarray:
    return torch.sigmoid(torch.from_numpy(_logits(state, X, name))).numpy()


def accuracy(
    prob: np.ndarray, y: np.ndarray, threshold: float = 0.5, *, weights: np.ndarray | None = None
) -> np.ndarray:
    """Share of points (along the last axis; weighted by case ``weights``) whose
    class, probability ``>= threshold``, equals the label: the tutorial's
    ``eval_model``. The one rule for ``evaluate`` and a sweep's accuracy."""
    return np.average((prob >= threshold) == y.astype(bool), axis=-1, weights=weights)


KINDS = ("prob", "logit", "class")


def predict(model: Any, X: Any, *, kind: str = "prob", threshold: float = 0.5) -> np.ndarray:
    """Predict for each row of ``X``.

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model from :func:`train` or :func:`load_model`.
    X : array-like or DataFrame of shape (n, p)
        p is the model's number of inputs (2 for the tutorial's data). A
        model trained on a data frame takes a data frame's columns by name
        (any order; a missing or unexpected column is an error), and an
        array's by position.
    kind : {"prob", "logit", "class"}, default="prob"
        "prob": the probability of class 1, the sigmoid of the logit; "logit":
        the network's raw output; "class": 0/1, 1 where the probability is
        ``>= threshold``.
    threshold : float, default=0.5
        The probability from which "class" says 1 (lower it for a rare class).

    Returns
    -------
    out : ndarray of shape (n,)
        float32 for "prob" and "logit", int64 for "class".

    Raises
    ------
    TypeError
        ``model`` is not a model, or ``X`` not numeric.
    ValueError
        ``X`` of the wrong shape or with NaN, infinite or out-of-float32 values,
        an unknown ``kind``, a ``threshold`` outside [0, 1], or (for a model
        trained on a data frame) a missing or unexpected column.

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(2500, seed=1)
    >>> model = xt.train(X, y, seed=1)
    >>> xt.predict(model, [[0.0, 1.0], [1.0, 1.0]], kind="class")
    array([1, 0])
    >>> xt.predict(model, [[0.0, 1.0]]).round(2)
    array([0.97], dtype=float32)
    """
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(map(repr, KINDS))}, not {kind!r}.")
    threshold = _check_threshold(threshold)
    model = as_model(model)
    X = align_columns(X, model.get("feature_names"))
    logit = _logits(model["state"], check_X(X, features=input_count(model), convert=False))
    if kind == "logit":
        return logit
    prob = torch.sigmoid(torch.from_numpy(logit)).numpy()
    return prob if kind == "prob" else (prob >= threshold).astype(np.int64)


def _check_threshold(threshold: Any) -> float:
    threshold = check_number(threshold, "threshold", allow_zero=True)
    if threshold > 1:
        raise ValueError(f"`threshold` must lie in [0, 1], not {threshold:g}.")
    return threshold


def evaluate(model: Any, X: Any, y: Any, *, threshold: float = 0.5) -> float:
    """Accuracy of the model on ``(X, y)``, in [0, 1].

    A point is predicted as class 1 when its probability is ``>= threshold``,
    as in the tutorial's ``eval_model``.

    Parameters
    ----------
    model : dict or SimpleClassifier
        From :func:`train` or :func:`load_model`, or the tutorial's module.
    X : array-like or DataFrame of shape (n, p)
        Taken as :func:`predict` takes it.
    y : array-like of shape (n,)
        The 0/1 labels.
    threshold : float, default=0.5
        The probability from which a point is class 1.

    Returns
    -------
    accuracy : float
        The share of points whose predicted class is their label.

    Raises
    ------
    TypeError
        ``model`` is not a model, or ``X`` or ``y`` not numeric.
    ValueError
        ``X`` of the wrong shape or with non-finite values, ``y`` not 0/1
        labels, one per row, or a ``threshold`` outside [0, 1].

    Examples
    --------
    >>> import xortorch as xt
    >>> model = xt.train(*xt.make_data(2500, seed=1), seed=1)
    >>> xt.evaluate(model, *xt.make_data(500, seed=2))
    1.0
    """
    model = as_model(model)
    X, y = check_Xy(align_columns(X, model.get("feature_names")), y, features=input_count(model))
    threshold = _check_threshold(threshold)
    return float(accuracy(_probabilities(model["state"], X), y, threshold))


#: The tutorial's window for each axis of the decision-boundary figure.
TUTORIAL_WINDOW = (-0.5, 1.5)

#: Cells per axis when no ``step`` is given: 0.01 on the tutorial's window.
GRID_CELLS = 200

#: How far a default window reaches past the training range, as a share of it.
GRID_MARGIN = 0.1


def _check_lim(lim: Any, name: str) -> tuple[float, float]:
    try:
        lo, hi = lim
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a pair (low, high), not {lim!r}.") from None
    lo, hi = check_number(lo, name, positive=False), check_number(hi, name, positive=False)
    if not lo < hi:
        raise ValueError(f"`{name}` must be increasing (low < high), not ({lo:g}, {hi:g}).")
    return lo, hi


def default_window(model: dict[str, Any], axis: int) -> tuple[float, float]:
    """The tutorial's window where it holds the training data (always, for XOR
    data), else the training range widened by ``GRID_MARGIN`` each side. A
    model that does not know its training ranges (a file's) gets the tutorial's."""
    ranges = model.get("ranges")
    if ranges is None:
        return TUTORIAL_WINDOW
    ranges = np.asarray(ranges, dtype=np.float64)
    if ranges.shape != (input_count(model), 2) or not np.isfinite(ranges).all():
        raise ValueError(f"`model`'s ranges must be a ({input_count(model)}, 2) array of finite minima and maxima.")
    lo, hi = ranges[axis]
    if TUTORIAL_WINDOW[0] <= lo and hi <= TUTORIAL_WINDOW[1]:
        return TUTORIAL_WINDOW
    width = hi - lo if hi > lo else max(abs(lo), 1.0)
    return lo - GRID_MARGIN * width, hi + GRID_MARGIN * width


def _steps(step: Any, windows: list[tuple[float, float]]) -> list[float]:
    if step is None:
        return [(hi - lo) / GRID_CELLS for lo, hi in windows]
    if isinstance(step, (list, tuple, np.ndarray)):
        if len(step) != 2:
            raise ValueError(f"`step` must be one number or a pair (x1 step, x2 step), not {len(step)} values.")
        return [check_number(v, "step") for v in step]
    return [check_number(step, "step")] * 2


def _axis_length(lo: float, hi: float, step: float, name: str) -> int:
    """The number of points of ``torch.arange(lo, hi, step)``, allocating nothing."""
    count = (hi - lo) / step
    if not math.isfinite(count):
        # repr: the shortest form, as typed (a subnormal 1e-320 prints as 9.99989e-321 with :g)
        raise ValueError(f"`step` = {step!r} is too small for `{name}` = ({lo:g}, {hi:g}): the grid would be endless.")
    # Without float drift, as a Python int: however large, nothing is allocated yet.
    return max(1, math.ceil(count - 1e-9))


def _check_resolution(lo: float, hi: float, step: float, name: str) -> None:
    """Refuse a step below float32's spacing at the window's edge: neighbouring points would collapse."""
    magnitude = max(abs(lo), abs(hi))
    spacing = float(np.spacing(np.float32(magnitude)))
    if step < spacing:
        raise ValueError(
            f"`step` = {step:g} is finer than float32 resolves near {magnitude:.3g} (spacing {spacing:g}), which "
            f"the network computes in: neighbouring grid points along `{name}` would be the same number. Use a "
            "larger `step`, or centre the inputs (`scale`)."
        )


def predict_grid(
    model: Any,
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    step: float | tuple[float, float] | None = None,
) -> dict[str, np.ndarray]:
    """Probabilities on the tutorial's grid (``meshgrid(..., indexing='ij')``).

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model with two inputs.
    xlim, ylim : (float, float) or None
        Range of each axis, end excluded as with ``torch.arange``. ``None``:
        the tutorial's (-0.5, 1.5) where it holds the model's training data
        (always for XOR data, and for a model without recorded ranges), else
        the training range widened by 10% each side.
    step : float, (float, float) or None, default=None
        Grid spacing, one for both axes or one per axis. ``None``: 200 cells
        per axis (0.01 on the tutorial's window).

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

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(500, seed=1)
    >>> grid = xt.predict_grid(xt.train(X, y, seed=1), step=0.5)
    >>> grid["x1"], grid["prob"].shape
    (array([-0.5,  0. ,  0.5,  1. ]), (4, 4))
    """
    model = as_model(model)
    if input_count(model) != 2:
        raise ValueError(f"`model` has {input_count(model)} inputs; a grid over (x1, x2) needs a model with 2.")
    windows = [
        default_window(model, axis) if lim is None else _check_lim(lim, name)
        for axis, (lim, name) in enumerate([(xlim, "xlim"), (ylim, "ylim")])
    ]
    steps = _steps(step, windows)
    (lo1, hi1), (lo2, hi2) = windows
    k, m = _axis_length(lo1, hi1, steps[0], "xlim"), _axis_length(lo2, hi2, steps[1], "ylim")
    if k * m > MAX_GRID_POINTS:
        shown = f"{steps[0]:g}" if steps[0] == steps[1] else f"({steps[0]:g}, {steps[1]:g})"
        raise ValueError(
            f"`step` = {shown} over `xlim` and `ylim` gives a {k:,} x {m:,} grid ({k * m:,} points); "
            f"the limit is {MAX_GRID_POINTS:,}. Use a larger `step` or narrower limits."
        )
    for (lo, hi), spacing, name in zip(windows, steps, ("xlim", "ylim")):
        _check_resolution(lo, hi, spacing, name)
    x1, x2 = lo1 + steps[0] * np.arange(k, dtype=np.float64), lo2 + steps[1] * np.arange(m, dtype=np.float64)
    prob = np.empty((k, m), dtype=np.float32)
    rows_per_chunk = max(1, CHUNK_VALUES // m)
    x2_32 = x2.astype(np.float32)
    for start in range(0, k, rows_per_chunk):
        rows = x1[start : start + rows_per_chunk].astype(np.float32)
        points = np.stack(np.meshgrid(rows, x2_32, indexing="ij"), axis=-1).reshape(-1, 2)
        prob[start : start + rows.size] = _probabilities(model["state"], points, "xlim/ylim").reshape(rows.size, m)
    return {"x1": x1, "x2": x2, "prob": prob}
