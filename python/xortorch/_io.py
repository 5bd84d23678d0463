"""``save_model`` / ``load_model``: a plain PyTorch state_dict on disk."""

from __future__ import annotations

import gzip
import os
import re
import stat
from typing import Any

import numpy as np
import torch

from ._model import as_model, check_state, state_to_torch

# A save writes `.<name>.xortorch-<pid>.tmp` beside the target, then renames it.
_TMP = re.compile(r"^\.(?P<name>.+)\.xortorch-(?P<pid>\d+)\.tmp$")


def _check_path(path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file path, not {type(path).__name__}.")
    return os.fspath(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Delete temporaries of saves to ``name`` whose process died (SIGKILL, power loss)."""
    for entry in os.listdir(folder):
        match = _TMP.match(entry)
        if match and match["name"] == name and not _alive(int(match["pid"])):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass


def save_model(model: Any, path: str | os.PathLike) -> None:
    """Save the model's weights as the tutorial's ``state_dict``.

    ``SimpleClassifier(p, hidden, 1).load_state_dict(torch.load(path,
    weights_only=True))`` reads the file in plain PyTorch.

    The file is written to a temporary name in the same folder and then
    renamed over ``path``, so a failure never leaves a half-written file over a
    good one; temporaries of saves that were killed are removed by the next
    save to the same path. Otherwise it behaves like ``torch.save``: a new file
    gets the mode the umask gives, an existing file keeps its mode, and when
    ``path`` is a symbolic link the file it points to is replaced.
    """
    model = as_model(model)
    path = _check_path(path)
    if os.path.isdir(path):
        raise ValueError(f"`path`: {path!r} is a folder; give a file name such as {os.path.join(path, 'model.pt')!r}.")
    target = os.path.realpath(path)  # write through a symlink, as open() does
    folder, name = os.path.split(target)
    if not os.path.isdir(folder):
        raise ValueError(f"`path`: the folder {os.path.dirname(os.path.abspath(path))!r} does not exist.")
    _remove_stale_temporaries(folder, name)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = os.path.join(folder, f".{name}.xortorch-{os.getpid()}.tmp")
    try:
        # 0o666 minus the umask, exactly what open(path, "wb") would create.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            torch.save(state_to_torch(model["state"]), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as err:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(err, PermissionError):
            raise ValueError(f"`path`: no permission to write {path!r}.") from None
        raise


def _not_a_model(path: str, why: str) -> ValueError:
    return ValueError(f"`path`: {path!r} {why}")


def _explain_unreadable(path: str, err: BaseException) -> ValueError:
    """One plain sentence for a file ``torch.load(weights_only=True)`` refused."""
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(2)
        except OSError:
            pass
    if head[:2] in (b"X\n", b"A\n", b"B\n") or head.startswith(b"RDX"):
        return _not_a_model(path, "is an R data file (saveRDS/save), not a model file; read it in R with readRDS().")
    message = str(err)
    if "weights_only" in message or "Unsupported global" in message:
        return _not_a_model(
            path,
            "holds pickled Python objects (a whole nn.Module, say), not a state_dict of tensors; xortorch loads "
            "only weights. Save `model.state_dict()` (or use save_model()) and load that.",
        )
    return _not_a_model(path, "is not a PyTorch model file (it is truncated or of another format).")


def load_model(path: str | os.PathLike) -> dict[str, Any]:
    """Load a model saved by :func:`save_model` or by the tutorial's ``torch.save``.

    Only tensors are read (``weights_only=True``): a file that tries to
    unpickle other objects, a truncated file, a file of another format or one
    with the wrong tensors raises ``ValueError`` with one sentence naming the
    path. Tensors saved on a GPU load onto the CPU.

    Returns
    -------
    model : dict
        ``state`` (NumPy arrays under the tutorial's names), an empty ``loss``,
        ``config`` with ``hidden`` and ``inputs``, and ``device`` "cpu".
    """
    path = _check_path(path)
    if os.path.isdir(path):
        raise _not_a_model(path, "is a folder, not a model file.")
    if not os.path.isfile(path):
        raise _not_a_model(path, "does not exist.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises KeyError, UnpicklingError, RuntimeError, ... by format
        raise _explain_unreadable(path, err) from None
    if not isinstance(state, dict):
        raise _not_a_model(path, f"holds a {type(state).__name__}, not a state_dict.")
    try:
        checked = check_state(state, name="path")
    except TypeError as err:
        raise ValueError(str(err)) from None
    hidden, inputs = checked["linear1.weight"].shape
    config = {"hidden": int(hidden), "inputs": int(inputs)}
    return {"state": checked, "loss": np.zeros(0), "config": config, "device": "cpu", "seconds": None}
