"""xortorch: the UvA "Introduction to PyTorch" tutorial as plain functions over NumPy.

>>> import xortorch
>>> X, y = xortorch.make_data(2500, seed=1)
>>> model = xortorch.train(X, y, seed=1)
>>> X_test, y_test = xortorch.make_data(500, seed=2)
>>> xortorch.evaluate(model, X_test, y_test) >= 0.99
True
"""

from ._bench import bench
from ._data import XORDataset, make_data
from ._diagnostics import FitWarning
from ._info import info
from ._io import load_model, save_model
from ._model import SimpleClassifier, to_module
from ._plot import plot_decision_boundary, plot_samples
from ._predict import evaluate, predict, predict_grid
from ._tensorboard import TensorBoard, tensorboard
from ._train import sweep, sweep_model, train
from ._validation import LIMITS, MAX_GRID_POINTS, MAX_POINTS

__version__ = "0.1.0"

__all__ = [
    "LIMITS",
    "MAX_GRID_POINTS",
    "MAX_POINTS",
    "FitWarning",
    "SimpleClassifier",
    "TensorBoard",
    "XORClassifier",
    "XORDataset",
    "bench",
    "evaluate",
    "info",
    "load_model",
    "make_data",
    "plot_decision_boundary",
    "plot_samples",
    "predict",
    "predict_grid",
    "save_model",
    "sweep",
    "sweep_model",
    "tensorboard",
    "to_module",
    "train",
]


def __getattr__(name: str):
    # scikit-learn is optional: XORClassifier imports it on first use.
    if name == "XORClassifier":
        try:
            from ._sklearn import XORClassifier
        except ModuleNotFoundError as err:
            if not (err.name or "").startswith("sklearn"):
                raise
            raise ModuleNotFoundError(
                "XORClassifier needs scikit-learn: pip install 'xortorch[sklearn]' (or pip install scikit-learn).",
                name=err.name,
            ) from None
        return XORClassifier
    raise AttributeError(f"module 'xortorch' has no attribute {name!r}")
