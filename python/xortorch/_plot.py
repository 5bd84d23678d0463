"""The tutorial's two figures, as functions that return a matplotlib Figure."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._predict import predict_grid
from ._validation import check_Xy

# The pyplot figures this module made that may still be open (objects, not numbers:
# a number is reused by the user's next figure once ours is closed).
_open_figures: list[Any] = []


def _new_figure():
    """A 4 x 4 inch pyplot figure with room for its labels.

    It is a pyplot figure so that ``plt.show()`` (and knitr's capture of it)
    shows it. Outside a notebook, the figures made by earlier calls are closed
    in pyplot first, so that repeated calls in a script or an R session do not
    pile up open figures (matplotlib warns after 20); a closed figure still
    saves and displays through its ``Figure`` object. In a notebook, pyplot
    shows and closes every figure at the end of its cell, so all of a cell's
    figures stay open until then.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    if "inline" not in matplotlib.get_backend():
        for figure in _open_figures:
            plt.close(figure)  # by object: closes nothing if the user already closed it
    _open_figures.clear()
    fig, ax = plt.subplots(figsize=(4, 4), layout="constrained", FigureClass=_figure_class())
    _open_figures.append(fig)
    return fig, ax


@functools.cache
def _figure_class() -> type:
    """A Figure that Jupyter shows exactly once.

    Jupyter's inline backend shows every open pyplot figure at the end of a
    cell, through the same display hook as a cell's value. So the hook shows
    the figure and closes it in pyplot: shown as the cell's value (or by
    ``display(fig)``), it is not shown again at the cell's end; shown at the
    cell's end, it is shown once. A closed figure still shows itself when it
    is displayed again in a later cell.
    """
    from matplotlib.figure import Figure

    class XortorchFigure(Figure):
        def _ipython_display_(self) -> None:
            import io

            import matplotlib.pyplot as plt
            from IPython.display import Image, display

            png = io.BytesIO()
            self.savefig(png, format="png")
            display(Image(png.getvalue()))
            plt.close(self)

    return XortorchFigure


def plot_samples(X: Any, y: Any, *, title: str = "Dataset samples"):
    """Scatter the two classes as the tutorial's ``visualize_samples`` does.

    Parameters
    ----------
    X : array-like of shape (n, 2)
        The points.
    y : array-like of shape (n,)
        Their 0/1 labels.
    title : str, default="Dataset samples"
        The figure's title.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ValueError
        ``X`` not of shape (n, 2), or ``y`` not 0/1 labels, one per row.

    Examples
    --------
    >>> import xortorch as xt
    >>> fig = xt.plot_samples(*xt.make_data(200, seed=1))
    >>> fig.axes[0].get_title()
    'Dataset samples'
    """
    X, y = check_Xy(X, y, features=2)
    fig, ax = _new_figure()
    _scatter(ax, X, y, title)
    return fig


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    step: float | tuple[float, float] | None = None,
):
    """The tutorial's ``visualize_classification``: probability image plus points.

    Each grid cell blends the two class colours by the predicted probability,
    ``(1 - p) * C0 + p * C1``; a colour bar beside it is the key. The model
    needs two inputs. The window is :func:`predict_grid`'s: the tutorial's
    square for XOR data, the training data's range for a model of your own.

    The tutorial passes its ``meshgrid(..., indexing='ij')`` grid straight to
    ``imshow``, whose rows are the vertical axis: that puts x1 on the vertical
    axis, which XOR's symmetric boundary hides. Here the grid is transposed, so
    x1 is horizontal as the axis labels say, for any model.

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model with two inputs, from :func:`train` or :func:`load_model`.
    X : array-like of shape (n, 2)
        Points to draw on top.
    y : array-like of shape (n,)
        Their 0/1 labels.
    xlim, ylim : (float, float) or None, default=None
        The window, as for :func:`predict_grid`.
    step : float, (float, float) or None, default=None
        Grid spacing, as for :func:`predict_grid`.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ValueError
        The model does not have two inputs, the grid would be too large, or
        ``X`` and ``y`` are not points and labels.

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(500, seed=1)
    >>> fig = xt.plot_decision_boundary(xt.train(X, y, seed=1), X, y)
    >>> len(fig.axes)  # the plot and its colour bar
    2
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgba

    X, y = check_Xy(X, y, features=2)
    grid = predict_grid(model, xlim=xlim, ylim=ylim, step=step)
    p = grid["prob"][..., None].astype(np.float64)
    # Clipped: float rounding can step just outside [0, 1], which imshow logs about.
    image = np.clip((1 - p) * np.array(to_rgba("C0")) + p * np.array(to_rgba("C1")), 0, 1)
    fig, ax = _new_figure()
    _scatter(ax, X, y, "P(class 1) by the model")
    x1, x2 = grid["x1"], grid["x2"]
    # Cell edges: each grid value is a cell's lower-left corner, as torch.arange's points are.
    dx, dy = (x1[1] - x1[0] if x1.size > 1 else 1.0), (x2[1] - x2[0] if x2.size > 1 else 1.0)
    ax.imshow(
        image.transpose(1, 0, 2),
        origin="lower",
        extent=(x1[0], x1[-1] + dx, x2[0], x2[-1] + dy),
        aspect="auto",
    )
    ax.grid(False)
    key = ScalarMappable(Normalize(0, 1), LinearSegmentedColormap.from_list("class", ["C0", "C1"]))
    fig.colorbar(key, ax=ax, label="P(class 1)", shrink=0.8)
    return fig


def _scatter(ax, X: np.ndarray, y: np.ndarray, title: str) -> None:
    for label in (0, 1):
        points = X[y == label]
        ax.scatter(points[:, 0], points[:, 1], edgecolor="#333", label=f"Class {label}")
    ax.set_title(title)
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.legend()
