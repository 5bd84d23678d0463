"""``train(scale=True)``: standardise the inputs while training, then fold that
into the first layer so that the model takes raw inputs.

Large, uncentred inputs (horsepower in the hundreds, say) saturate tanh from
the first step: every hidden unit sits at +-1 and the gradient vanishes, so
the fit stops at the intercept-only loss. Standardised inputs avoid that.

With ``z = (x - center) / scale`` the first layer ``W z + b`` equals
``W' x + b'`` for ``W' = W / scale`` (per input column) and
``b' = b - W' center``: the folded weights are a plain state_dict again.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def scaling_of(X: np.ndarray) -> dict[str, np.ndarray]:
    """Column means and standard deviations (n - 1 in the denominator, as R's
    ``sd()``), float64. A constant column, or a single row, keeps scale 1 (as
    scikit-learn's ``StandardScaler`` does): there is nothing to divide by."""
    X64 = np.asarray(X, dtype=np.float64)
    center = X64.mean(axis=0)
    scale = X64.std(axis=0, ddof=1) if X64.shape[0] > 1 else np.ones(X64.shape[1])
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    return {"center": center, "scale": scale}


def standardize(X: np.ndarray, scaling: dict[str, Any]) -> np.ndarray:
    """``(X - center) / scale`` as C-contiguous float32, computed in float64."""
    z = (np.asarray(X, dtype=np.float64) - scaling["center"]) / scaling["scale"]
    return np.ascontiguousarray(z, dtype=np.float32)


def unstandardize(Z: np.ndarray, scaling: dict[str, Any]) -> np.ndarray:
    """The inverse of :func:`standardize`: ``Z * scale + center``, as float32."""
    return (np.asarray(Z, dtype=np.float64) * scaling["scale"] + scaling["center"]).astype(np.float32)


def fold(state: dict[str, np.ndarray], scaling: dict[str, Any]) -> dict[str, np.ndarray]:
    """Weights for standardised inputs -> the same model on raw inputs.

    Works on one model's weights or on a sweep's, with a leading model axis."""
    W = np.asarray(state["linear1.weight"], np.float64) / scaling["scale"]
    b = np.asarray(state["linear1.bias"], np.float64) - W @ scaling["center"]
    return {**state, "linear1.weight": W.astype(np.float32), "linear1.bias": b.astype(np.float32)}


def unfold(state: dict[str, np.ndarray], scaling: dict[str, Any]) -> dict[str, np.ndarray]:
    """The inverse of :func:`fold`: raw-input weights -> standardised-input weights."""
    W = np.asarray(state["linear1.weight"], np.float64)
    b = np.asarray(state["linear1.bias"], np.float64) + W @ scaling["center"]
    return {**state, "linear1.weight": (W * scaling["scale"]).astype(np.float32), "linear1.bias": b.astype(np.float32)}


def check_scaling(value: Any, inputs: int, name: str = "init") -> dict[str, np.ndarray] | None:
    """A model's recorded scaling (or None), checked: two finite float64 vectors of length p, scales > 0."""
    if value is None:
        return None
    try:
        center, scale = (np.asarray(value[key], dtype=np.float64).reshape(-1) for key in ("center", "scale"))
    except (TypeError, KeyError, ValueError):
        raise TypeError(f"`{name}`'s scaling must hold numeric 'center' and 'scale' vectors.") from None
    if center.shape != (inputs,) or scale.shape != (inputs,):
        raise ValueError(f"`{name}`'s scaling must have {inputs} centers and scales, one per input.")
    if not (np.isfinite(center).all() and np.isfinite(scale).all() and (scale > 0).all()):
        raise ValueError(f"`{name}`'s scaling must hold finite centers and positive scales.")
    return {"center": center, "scale": scale}
