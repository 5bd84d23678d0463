"""The tutorial's two figures, as functions that return a matplotlib Figure."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._predict import predict_grid
from ._validation import check_Xy


def plot_samples(X: Any, y: Any, *, title: str = "Dataset samples"):
    """Scatter the two classes as the tutorial's ``visualize_samples`` does.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    X, y = check_Xy(X, y)
    fig, ax = plt.subplots(figsize=(4, 4))
    _scatter(ax, X, y, title)
    return fig


def plot_decision_boundary(model: Any, X: Any, y: Any, *, step: float = 0.01):
    """The tutorial's ``visualize_classification``: probability image plus points.

    Each grid cell blends the two class colours by the predicted probability,
    ``(1 - p) * C0 + p * C1``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    X, y = check_Xy(X, y)
    grid = predict_grid(model, step=step)
    p = grid["prob"][..., None]
    image = (1 - p) * np.array(to_rgba("C0")) + p * np.array(to_rgba("C1"))
    fig, ax = plt.subplots(figsize=(4, 4))
    _scatter(ax, X, y, "Dataset samples")
    # imshow draws rows along y, so transpose the (x1, x2)-indexed grid.
    ax.imshow(image.transpose(1, 0, 2), origin="lower", extent=(-0.5, 1.5, -0.5, 1.5))
    ax.grid(False)
    return fig


def _scatter(ax, X: np.ndarray, y: np.ndarray, title: str) -> None:
    for label in (0, 1):
        points = X[y == label]
        ax.scatter(points[:, 0], points[:, 1], edgecolor="#333", label=f"Class {label}")
    ax.set_title(title)
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.legend()
