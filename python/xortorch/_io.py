"""``save_model`` / ``load_model``: a plain PyTorch state_dict on disk."""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Any

import numpy as np
import torch

from ._model import as_model, check_state, state_to_torch


def _check_path(path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file path, not {type(path).__name__}.")
    return os.fspath(path)


def save_model(model: Any, path: str | os.PathLike) -> None:
    """Save the model's weights as the tutorial's ``state_dict``.

    ``SimpleClassifier(2, hidden, 1).load_state_dict(torch.load(path,
    weights_only=True))`` reads the file in plain PyTorch. The file is written
    to a temporary name in the same folder and then renamed, so a failure never
    leaves a half-written file over a good one.
    """
    model = as_model(model)
    path = _check_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"`path`: the folder {folder!r} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=".xortorch-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(state_to_torch(model["state"]), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_model(path: str | os.PathLike) -> dict[str, Any]:
    """Load a model saved by :func:`save_model` or by the tutorial's ``torch.save``.

    Only tensors are read (``weights_only=True``): a file that tries to
    unpickle other objects, a truncated file or one with the wrong tensors
    raises ``ValueError``. Tensors saved on a GPU load onto the CPU.

    Returns
    -------
    model : dict
        ``state`` (NumPy arrays under the tutorial's names), an empty ``loss``,
        ``config`` with ``hidden``, and ``device`` "cpu".
    """
    path = _check_path(path)
    if not os.path.isfile(path):
        raise ValueError(f"`path`: no such file {path!r}.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError, AttributeError) as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"`path`: {path!r} is not a readable xortorch model file ({first_line}).") from None
    if not isinstance(state, dict):
        raise ValueError(f"`path`: {path!r} holds a {type(state).__name__}, not a state_dict.")
    try:
        checked = check_state(state, name="path")
    except TypeError as err:
        raise ValueError(str(err)) from None
    hidden = int(checked["linear1.bias"].shape[0])
    return {"state": checked, "loss": np.zeros(0), "config": {"hidden": hidden}, "device": "cpu", "seconds": None}
