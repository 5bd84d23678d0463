"""``save_model`` / ``load_model``: a plain PyTorch state_dict on disk.

Saving is atomic under threads, processes and PID namespaces: each call writes
its own temporary (``.<name>.xortorch-<pid>-<thread>-<random>.tmp``, created
exclusively) beside the target, holds an ``flock`` on it while writing, and
renames it over the target. A temporary whose lock can be taken belongs to a
save that died (the kernel drops a dead process's locks), so the next save to
that path deletes it; a live one is never touched.

Loading reads the archive's index with a restricted unpickler that records
each tensor's name, dtype and shape and builds nothing; only a file that passes
those checks (the tutorial's four tensors, floating point, at most
``MAX_HIDDEN`` hidden units and ``MAX_WEIGHTS`` weights) and whose zip
checksums match is handed to ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import collections
import fcntl
import gzip
import math
import os
import pickle
import re
import secrets
import stat
import threading
import zipfile
from typing import Any, NamedTuple

import numpy as np
import torch

from ._model import PARAM_NAMES, as_model, check_state, state_to_torch
from ._validation import MAX_HIDDEN, MAX_WEIGHTS

_TMP = re.compile(r"^\.(?P<name>.+)\.xortorch-[0-9]+-[0-9]+-[0-9a-f]+\.tmp$")

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_path(path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file path, not {type(path).__name__}.")
    return os.fspath(path)


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Delete temporaries of saves to ``name`` that died: those whose lock is free."""
    for entry in os.listdir(folder):
        match = _TMP.match(entry)
        if not (match and match["name"] == name):
            continue
        tmp = os.path.join(folder, entry)
        try:
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # renamed or removed meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live save holds it
        else:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        finally:
            os.close(fd)


def _create_temporary(folder: str, name: str) -> tuple[int, str]:
    """A new temporary, exclusively ours and locked; retried in the instant
    between creating and locking it that a clean-up could take it."""
    while True:
        tmp = os.path.join(folder, f".{name}.xortorch-{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(6)}.tmp")
        # 0o666 minus the umask, exactly what open(path, "wb") would create.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(tmp, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd, tmp
        except FileNotFoundError:
            pass
        os.close(fd)


def save_model(model: Any, path: str | os.PathLike) -> None:
    """Save the model's weights as the tutorial's ``state_dict``.

    ``SimpleClassifier(p, hidden, 1).load_state_dict(torch.load(path,
    weights_only=True))`` reads the file in plain PyTorch.

    The file is written to a temporary name in the same folder and then
    renamed over ``path``, so a reader sees the old or the new complete file,
    whatever other threads and processes save to the same path at the same
    time; temporaries of saves that were killed are removed by the next save
    to the same path. Otherwise it behaves like ``torch.save``: a new file gets
    the mode the umask gives; an existing file keeps its mode, and its owner
    and group where the saver may set them (as root); when ``path`` is a
    symbolic link the file it points to is replaced.

    Only a regular file is replaced: a folder, named pipe, device or socket
    at ``path`` is an error, and so is a write-protected file (no write
    permission for its owner), which ``torch.save`` would refuse too. The
    rename gives the path a new file: other hard links to the old file keep
    the old weights.
    """
    model = as_model(model)
    path = _check_path(path)
    if os.path.isdir(path):
        raise ValueError(f"`path`: {path!r} is a folder; give a file name such as {os.path.join(path, 'model.pt')!r}.")
    target = os.path.realpath(path)  # write through a symlink, as open() does
    folder, name = os.path.split(target)
    if not os.path.isdir(folder):
        raise ValueError(f"`path`: the folder {os.path.dirname(os.path.abspath(path))!r} does not exist.")
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None:
        for test, kind in _NOT_REGULAR:
            if test(existing.st_mode):
                raise ValueError(
                    f"`path`: {path!r} is {kind}, not a regular file; xortorch replaces only regular files."
                )
        mode = stat.S_IMODE(existing.st_mode)
        if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise ValueError(
                f"`path`: {path!r} is write-protected (mode {mode:04o}); make it writable or save elsewhere."
            )
    tmp = None
    try:
        _remove_stale_temporaries(folder, name)
        fd, tmp = _create_temporary(folder, name)
        with os.fdopen(fd, "wb") as handle:  # closing it releases the lock, after the rename
            if existing is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(existing.st_mode))
                if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                    try:
                        os.fchown(handle.fileno(), existing.st_uid, existing.st_gid)
                    except PermissionError:
                        pass  # only root may give a file away: the new file is the saver's, as torch.save's would be
            torch.save(state_to_torch(model["state"]), handle)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, target)
    except BaseException as err:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(err, PermissionError):
            raise ValueError(f"`path`: no permission to write {path!r}.") from None
        if isinstance(err, OSError):
            raise ValueError(f"`path`: cannot write {path!r}: {err.strerror or err}.") from None
        raise


def _not_a_model(path: str, why: str) -> ValueError:
    return ValueError(f"`path`: {path!r} {why}")


class _Tensor(NamedTuple):
    """What the archive's index says about a tensor, without its data."""

    dtype: str
    shape: tuple[int, ...]
    storage_numel: int


class _Storage(NamedTuple):
    dtype: str
    numel: int


# torch's legacy storage class names, as the archive's index spells them.
_STORAGE_DTYPES = {
    "FloatStorage": ("float32", 4),
    "DoubleStorage": ("float64", 8),
    "HalfStorage": ("float16", 2),
    "BFloat16Storage": ("bfloat16", 2),
    "LongStorage": ("int64", 8),
    "IntStorage": ("int32", 4),
    "ShortStorage": ("int16", 2),
    "CharStorage": ("int8", 1),
    "ByteStorage": ("uint8", 1),
    "BoolStorage": ("bool", 1),
    "ComplexFloatStorage": ("complex64", 8),
    "ComplexDoubleStorage": ("complex128", 16),
}
_FLOATS = {"float32", "float64", "float16", "bfloat16"}


def _meta_tensor(storage: _Storage, offset: int, size: Any, stride: Any, *rest: Any) -> _Tensor:
    if not isinstance(size, tuple) or not all(isinstance(s, int) and s >= 0 for s in size):
        raise pickle.UnpicklingError("a tensor with a malformed shape")
    return _Tensor(storage.dtype, size, storage.numel)


class _IndexReader(pickle.Unpickler):
    """Reads ``data.pkl`` into names, dtypes and shapes; refuses any other object."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _meta_tensor
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        raise pickle.UnpicklingError(f"{module}.{name}")

    def persistent_load(self, pid: Any) -> _Storage:
        try:
            kind, storage_type, _key, _location, numel = pid
        except (TypeError, ValueError):
            raise pickle.UnpicklingError("a malformed storage") from None
        if kind != "storage" or storage_type not in _STORAGE_DTYPES or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError("a malformed storage")
        return _Storage(_STORAGE_DTYPES[storage_type][0], numel)


def _kind_of_file(path: str) -> ValueError:
    """One sentence for a file that is not a PyTorch zip archive."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(512)
        except OSError:
            pass
    if head[:2] in (b"X\n", b"A\n", b"B\n") or head.startswith(b"RDX"):
        return _not_a_model(path, "is an R data file (saveRDS/save), not a model file; read it in R with readRDS().")
    if head.startswith(b"\x93NUMPY"):
        return _not_a_model(path, "is a NumPy .npy array, not a model file; read it with numpy.load().")
    if head.startswith(b"\x80"):
        return _not_a_model(
            path,
            "is a pickle file (PyTorch's legacy pre-1.6 format, or another pickle), which xortorch does not read: "
            "unpickling can run code. If it is your own legacy model, load it with torch.load(weights_only=True) "
            "and save its state_dict again with save_model().",
        )
    if head and all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return _not_a_model(path, "is a text file (CSV or similar), not a model file.")
    return _not_a_model(path, "is not a PyTorch model file (it is truncated or of another format).")


def _check_index(path: str, index: Any) -> None:
    """The tutorial's four tensors, floating point, within the limits: checked before any is built."""
    if not isinstance(index, dict):
        raise _not_a_model(path, f"holds a {type(index).__name__}, not a state_dict.")
    if not all(isinstance(v, _Tensor) for v in index.values()):
        raise _not_a_model(path, "holds other objects beside tensors, not a state_dict of tensors.")
    extra = [str(k) for k in index if k not in PARAM_NAMES]
    if extra:
        raise _not_a_model(
            path,
            f"holds tensors the tutorial's model does not have: {', '.join(extra)} (a different network); xortorch "
            "loads exactly linear1.weight, linear1.bias, linear2.weight and linear2.bias.",
        )
    missing = [k for k in PARAM_NAMES if k not in index]
    if missing:
        raise ValueError(f"`path` lacks the tensors {', '.join(missing)}.")
    for key in PARAM_NAMES:
        if index[key].dtype not in _FLOATS:
            raise _not_a_model(path, f"is not a model of weights: {key} is {index[key].dtype}, not floating-point.")
    W1 = index["linear1.weight"].shape
    hidden = W1[0] if len(W1) == 2 else math.prod(index["linear1.bias"].shape)
    if hidden > MAX_HIDDEN:
        raise _not_a_model(path, f"declares {hidden:,} hidden units; the limit is {MAX_HIDDEN:,}.")
    weights = sum(math.prod(t.shape) for t in index.values())
    stored = sum(t.storage_numel for t in index.values())
    if max(weights, stored) > MAX_WEIGHTS:
        raise _not_a_model(path, f"declares {max(weights, stored):,} weights; the limit is {MAX_WEIGHTS:,}.")


def _read_index(path: str) -> None:
    """Check the archive (index, limits, checksums) without building a tensor."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _kind_of_file(path) from None
    with archive:
        infos = archive.infolist()
        pkl = [i for i in infos if i.filename.endswith("/data.pkl") or i.filename == "data.pkl"]
        if not pkl:
            raise _not_a_model(path, "is a zip archive but not a PyTorch file (it has no data.pkl).")
        # The index of four tensors is a few hundred bytes; tensor data at most MAX_WEIGHTS float64s.
        data_bytes = sum(i.file_size for i in infos if i is not pkl[0])
        if pkl[0].file_size > 1 << 20 or data_bytes > 8 * MAX_WEIGHTS + (1 << 20):
            raise _not_a_model(path, f"is {data_bytes:,} bytes unpacked, more than any model within the limits.")
        try:
            with archive.open(pkl[0]) as handle:
                index = _IndexReader(handle).load()
        except pickle.UnpicklingError as err:
            raise _not_a_model(
                path,
                f"holds pickled Python objects ({err}; a whole nn.Module, say), not a state_dict of tensors; "
                "xortorch loads only weights. Save `model.state_dict()` (or use save_model()) and load that.",
            ) from None
        except Exception:
            raise _not_a_model(path, "is not a PyTorch model file (it is truncated or of another format).") from None
        _check_index(path, index)
        try:
            bad = archive.testzip()  # every member's CRC-32, now that sizes are known to be bounded
        except (zipfile.BadZipFile, OSError, EOFError):
            raise _not_a_model(path, "is not a PyTorch model file (it is truncated or of another format).") from None
        if bad is not None:
            raise _not_a_model(path, f"is corrupted: the checksum of {bad} does not match its contents.")


def load_model(path: str | os.PathLike) -> dict[str, Any]:
    """Load a model saved by :func:`save_model` or by the tutorial's ``torch.save``.

    Only tensors are read (``weights_only=True``), and only after the
    archive's index has been checked without building anything: exactly the
    tutorial's four tensors (an extra tensor is an error, as
    ``load_state_dict``'s strict mode makes it), floating point (float16,
    bfloat16 and float64 are converted to float32; integers and booleans are
    refused), at most 4,096 hidden units and 100,000,000 weights, and zip
    checksums that match. A file that is not such a model (a text or CSV file,
    a NumPy ``.npy``, an R data file, a pickled ``nn.Module``, PyTorch's legacy
    format, a truncated file) raises ``ValueError`` with one sentence naming
    the path. Tensors saved on a GPU load onto the CPU.

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
    _read_index(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # checked above, so only a file changed meanwhile or torch's own limits get here
        raise _not_a_model(path, "is not a PyTorch model file (it is truncated or of another format).") from None
    state = {k: v.float() for k, v in state.items()}  # float16, bfloat16, float64 -> float32
    try:
        checked = check_state(state, name="path")
    except TypeError as err:
        raise ValueError(str(err)) from None
    hidden, inputs = checked["linear1.weight"].shape
    config = {"hidden": int(hidden), "inputs": int(inputs)}
    return {"state": checked, "loss": np.zeros(0), "config": config, "device": "cpu", "seconds": None}
