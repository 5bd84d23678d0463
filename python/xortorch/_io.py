"""``save_model`` / ``load_model``: a plain PyTorch state_dict on disk.

Saving is atomic under threads, processes and PID namespaces: each call writes
its own temporary (``.<name>.xortorch-<pid>-<thread>-<random>.tmp``, created
exclusively) beside the target, holds an ``flock`` on it while writing, and
renames it over the target. A temporary whose lock can be taken belongs to a
save that died (the kernel drops a dead process's locks), so the next save to
that path deletes it; a live one is never touched.

Loading reads the file once, within a size cap, and every check and the load
itself use those bytes: the archive's layout must be exactly what ``torch.save``
writes (one folder, one ``data.pkl``, each storage used once and of its
declared size), a restricted unpickler records each tensor's name, dtype and
shape and builds nothing, and only a file that passes (the tutorial's four
tensors, floating point, at most ``MAX_HIDDEN`` hidden units and
``MAX_WEIGHTS`` weights, matching zip checksums) is handed to
``torch.load(weights_only=True)``, whose result is checked against the index
again.
"""

from __future__ import annotations

import collections
import errno
import fcntl
import hashlib
import io
import math
import os
import pickle
import re
import secrets
import stat
import threading
import zipfile
import zlib
from typing import IO, Any, NamedTuple

import numpy as np
import torch

from ._model import PARAM_NAMES, as_model, check_state, expected_shapes, state_to_torch
from ._validation import MAX_HIDDEN, MAX_WEIGHTS

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

# What a failed write means, in the user's terms.
_WRITE_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would exceed the file-size limit (`ulimit -f`)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
}


def _check_path(path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file path, not {type(path).__name__}.")
    return os.fspath(path)


def _temporary_prefix(name: str) -> str:
    """How every temporary for the file ``name`` begins. The name's digest stands for it, so that the
    temporary's name fits the 255 bytes a file name may have whatever the name (all torch.save can write)."""
    return f".xortorch-{hashlib.sha256(os.fsencode(name)).hexdigest()[:16]}-"


_TMP_REST = re.compile(r"^[0-9]+-[0-9]+-[0-9a-f]+\.tmp$")


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Delete temporaries of saves to ``name`` that died: those whose lock is free."""
    prefix = _temporary_prefix(name)
    for entry in os.listdir(folder):
        if not (entry.startswith(prefix) and _TMP_REST.match(entry[len(prefix) :])):
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
        unique = f"{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(6)}.tmp"
        tmp = os.path.join(folder, _temporary_prefix(name) + unique)
        # 0o666 minus the umask, exactly what open(path, "wb") would create.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(tmp, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd, tmp
        except FileNotFoundError:
            pass
        os.close(fd)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


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
    symbolic link the file it points to is replaced. Any file name
    ``torch.save`` can write can be saved.

    Only a regular file is replaced: a folder, named pipe, device or socket
    at ``path`` is an error, and so is a write-protected file (no write
    permission for its owner), which ``torch.save`` would refuse too. The
    rename gives the path a new file: other hard links to the old file keep
    the old weights.

    Parameters
    ----------
    model : dict or SimpleClassifier
        A model from :func:`train` or :func:`load_model`, or the tutorial's module.
    path : str or os.PathLike
        The file to write.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        ``model`` is not a model, or ``path`` not a path.
    ValueError
        ``path`` cannot be written: one sentence naming it and the cause (its
        folder is missing, it is not a regular file or is write-protected, no
        permission, a full disk, a file-size limit). The old file, if any, is
        left as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> import xortorch as xt
    >>> X, y = xt.make_data(200, seed=1)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
    >>> xt.save_model(xt.train(X, y, seed=1, epochs=5), path)
    >>> os.path.exists(path)
    True
    """
    model = as_model(model)
    path = _check_path(path)
    if os.path.isdir(path):
        raise ValueError(f"`path`: {path!r} is a folder; give a file name such as {os.path.join(path, 'model.pt')!r}.")
    target = os.path.realpath(path)  # write through a symlink, as open() does
    folder, name = os.path.split(target)
    if not os.path.isdir(folder):
        raise ValueError(
            f"`path`: cannot write {path!r}: the folder {os.path.dirname(os.path.abspath(path))!r} does not exist."
        )
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None:
        kind = _node_kind(existing.st_mode)
        if kind is not None:
            raise ValueError(f"`path`: {path!r} is {kind}, not a regular file; xortorch replaces only regular files.")
        mode = stat.S_IMODE(existing.st_mode)
        if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise ValueError(
                f"`path`: {path!r} is write-protected (mode {mode:04o}); make it writable or save elsewhere."
            )
    tmp = None
    try:
        # Serialised in memory first: torch's writer reports a failed write without its cause, ours with it.
        buffer = io.BytesIO()
        torch.save(state_to_torch(model["state"]), buffer)
        _remove_stale_temporaries(folder, name)
        fd, tmp = _create_temporary(folder, name)
        try:  # the lock is released when fd closes, after the rename
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
                if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                    try:
                        os.fchown(fd, existing.st_uid, existing.st_gid)
                    except PermissionError:
                        pass  # only root may give a file away: the new file is the saver's, as torch.save's would be
            _write_all(fd, buffer.getbuffer())
            os.fsync(fd)
            os.replace(tmp, target)
        finally:
            os.close(fd)
    except BaseException as err:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(err, OSError):
            cause = _WRITE_ERRORS.get(err.errno or 0) or err.strerror or str(err)
            raise ValueError(f"`path`: cannot write {path!r}: {cause}.") from None
        raise


def _not_a_model(path: str, why: str) -> ValueError:
    return ValueError(f"`path`: {path!r} {why}")


#: The most bytes a file within the limits can hold: MAX_WEIGHTS float64 values, plus the index and the
#: zip's own records. A larger file is refused before it is read.
MAX_FILE_BYTES = 8 * MAX_WEIGHTS + (1 << 20)
#: The index of four tensors takes a few hundred bytes.
MAX_INDEX_BYTES = 1 << 20

#: The records ``torch.save`` writes beside ``data.pkl`` and the storages (``data/0``, ``data/1``, ...), all
#: in one folder named after the file; older releases wrote fewer of them.
_RECORDS = frozenset(
    {"data.pkl", "version", ".data/version", "byteorder", ".format_version", ".storage_alignment",
     ".data/serialization_id"}
)  # fmt: skip
_STORAGE_RECORD = re.compile(r"data/(0|[1-9][0-9]*)")


class _Storage(NamedTuple):
    key: str
    dtype: str
    numel: int


class _Tensor(NamedTuple):
    """What the archive's index says about a tensor, without its data."""

    dtype: str
    shape: tuple[int, ...]
    storage: _Storage


# torch's legacy storage class names, as the archive's index spells them: dtype and bytes per value.
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
_ITEM_BYTES = dict(_STORAGE_DTYPES.values())
_FLOATS = {"float32", "float64", "float16", "bfloat16"}


def _meta_tensor(storage: Any, offset: Any, size: Any, stride: Any, *rest: Any) -> _Tensor:
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("a tensor without a storage")
    shape_ok = isinstance(size, tuple) and all(isinstance(s, int) and s >= 0 for s in size)
    stride_ok = isinstance(stride, tuple) and len(stride) == len(size) and all(isinstance(s, int) for s in stride)
    if not (shape_ok and stride_ok and isinstance(offset, int) and offset >= 0):
        raise pickle.UnpicklingError("a tensor with a malformed shape")
    # The last value a view reaches lies inside its storage.
    if math.prod(size) and offset + sum((n - 1) * abs(st) for n, st in zip(size, stride)) >= storage.numel:
        raise pickle.UnpicklingError("a tensor that reaches beyond its storage")
    return _Tensor(storage.dtype, size, storage)


def _parameter(data: Any, *rest: Any) -> _Tensor:
    """``torch._utils._rebuild_parameter``: a tensor saved as an ``nn.Parameter`` (``dict(named_parameters())``)."""
    if not isinstance(data, _Tensor):
        raise pickle.UnpicklingError("a parameter that is not a tensor")
    return data


class _IndexReader(pickle.Unpickler):
    """Reads ``data.pkl`` into names, dtypes and shapes, and counts the references to each storage;
    refuses any other object."""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        self.references: collections.Counter[str] = collections.Counter()

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _meta_tensor
        if (module, name) == ("torch._utils", "_rebuild_parameter"):
            return _parameter
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        raise pickle.UnpicklingError(f"{module}.{name}")

    def persistent_load(self, pid: Any) -> _Storage:
        try:
            kind, storage_type, key, _location, numel = pid
        except (TypeError, ValueError):
            raise pickle.UnpicklingError("a malformed storage") from None
        valid = kind == "storage" and storage_type in _STORAGE_DTYPES and isinstance(key, str)
        if not valid or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError("a malformed storage")
        self.references[key] += 1
        return _Storage(key, _STORAGE_DTYPES[storage_type][0], numel)


def _node_kind(mode: int) -> str | None:
    """What a path is, where it is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a folder"
    for test, kind in _NOT_REGULAR:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def _read_file(path: str) -> bytes:
    """The file's bytes, read once: every check and the load use these, so a file swapped in at the path
    meanwhile changes nothing. Only a regular file of at most ``MAX_FILE_BYTES`` is read."""
    try:
        # A FIFO is never opened: opening one waits for a writer. Should one take the file's place between
        # this look and the open, O_NONBLOCK keeps the open from waiting, and fstat catches it.
        kind = _node_kind(os.stat(path).st_mode)
        if kind is None:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                kind = _node_kind(info.st_mode)
                if kind is None:
                    if info.st_size > MAX_FILE_BYTES:
                        raise _too_large(path, info.st_size)
                    data = handle.read(info.st_size + 1)  # read() allocates what it is asked for
                    if len(data) > info.st_size:
                        raise _not_a_model(path, "grew while it was read; load it once it is saved.")
                    return data
    except FileNotFoundError:
        raise _not_a_model(path, "does not exist.") from None
    except PermissionError:
        raise _not_a_model(path, "cannot be read: permission denied.") from None
    except OSError as err:
        raise _not_a_model(path, f"cannot be read: {err.strerror or err}.") from None
    raise _not_a_model(path, f"is {kind}, not a model file.")


def _too_large(path: str, size: int) -> ValueError:
    return _not_a_model(path, f"is {size:,} bytes, more than any model within the limits ({MAX_FILE_BYTES:,}).")


def _truncated(path: str) -> ValueError:
    return _not_a_model(path, "is not a PyTorch model file (it is truncated or of another format).")


def _not_saved_by_torch(path: str, what: str) -> ValueError:
    return _not_a_model(path, f"is not laid out as torch.save writes a model: {what}.")


def _kind_of_file(path: str, data: bytes) -> ValueError:
    """One sentence for a file that is not a PyTorch zip archive."""
    head = data[:512]
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 512)
        except zlib.error:
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
    if not head:
        return _not_a_model(path, "is empty, not a model file.")
    if all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return _not_a_model(path, "is a text file (CSV or similar), not a model file.")
    return _truncated(path)


def _layout(path: str, archive: zipfile.ZipFile) -> tuple[str, dict[str, zipfile.ZipInfo]]:
    """The archive's folder and its storage entries by key, where the layout is exactly ``torch.save``'s:
    every entry in one folder, each name once, only the records it writes, nothing compressed.

    ``torch.load`` reads ``<folder>/data.pkl``, the folder named by the first entry; a second index, a
    nested one or a stray entry is how a file could show these checks one thing and torch another.
    """
    infos = archive.infolist()
    if not any(info.filename.rpartition("/")[2] == "data.pkl" for info in infos):
        raise _not_a_model(path, "is a zip archive but not a PyTorch file (it has no data.pkl).")
    if infos[0].header_offset != 0:
        raise _truncated(path)
    folder = infos[0].filename.split("/", 1)[0]
    seen: set[str] = set()
    storages: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        record = name[len(folder) + 1 :] if name.startswith(folder + "/") else ""
        if name in seen:
            raise _not_saved_by_torch(path, f"it has two entries named {name}")
        seen.add(name)
        if not (record in _RECORDS or _STORAGE_RECORD.fullmatch(record)):
            if name.endswith("data.pkl"):
                raise _not_saved_by_torch(path, f"it has a second index, {name}")
            raise _not_saved_by_torch(path, f"it has an unexpected entry {name}")
        if info.compress_type != zipfile.ZIP_STORED:
            raise _not_saved_by_torch(path, f"its entry {name} is compressed")
        if record.startswith("data/"):
            storages[record[len("data/") :]] = info
    if folder + "/data.pkl" not in seen:
        raise _not_saved_by_torch(path, f"it has no index {folder}/data.pkl")
    return folder, storages


def _read_index(path: str, data: bytes) -> dict[str, _Tensor]:
    """Check the archive (layout, index, limits, storages, checksums) without building a tensor."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _kind_of_file(path, data) from None
    with archive:
        folder, storages = _layout(path, archive)
        pkl = archive.getinfo(folder + "/data.pkl")
        if pkl.file_size > MAX_INDEX_BYTES:
            raise _not_a_model(path, f"has an index of {pkl.file_size:,} bytes, more than any model's.")
        reader: _IndexReader | None = None
        try:
            with archive.open(pkl) as handle:
                reader = _IndexReader(handle)
                index = reader.load()
        except pickle.UnpicklingError as err:
            raise _not_a_model(
                path,
                f"holds pickled Python objects ({err}; a whole nn.Module, say), not a state_dict of tensors; "
                "xortorch loads only weights. Save `model.state_dict()` (or use save_model()) and load that.",
            ) from None
        except Exception:
            raise _truncated(path) from None
        _check_index(path, index)
        _check_storages(path, index, reader.references, storages)
        try:
            bad = archive.testzip()  # every entry's CRC-32
        except (zipfile.BadZipFile, OSError, EOFError):
            raise _truncated(path) from None
        if bad is not None:
            raise _not_a_model(path, f"is corrupted: the checksum of {bad} does not match its contents.")
    return index


def _check_index(path: str, index: Any) -> None:
    """The tutorial's four tensors, floating point, of its shapes, within the limits."""
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
        raise _not_a_model(path, f"lacks the tensors {', '.join(missing)} of the tutorial's model.")
    for key in PARAM_NAMES:
        if index[key].dtype not in _FLOATS:
            raise _not_a_model(path, f"is not a model of weights: {key} is {index[key].dtype}, not floating-point.")
    W1 = index["linear1.weight"].shape
    hidden = W1[0] if len(W1) == 2 else math.prod(index["linear1.bias"].shape)
    if hidden > MAX_HIDDEN:
        raise _not_a_model(path, f"declares {hidden:,} hidden units; the limit is {MAX_HIDDEN:,}.")
    weights = sum(math.prod(t.shape) for t in index.values())
    stored = sum(t.storage.numel for t in index.values())
    if max(weights, stored) > MAX_WEIGHTS:
        raise _not_a_model(path, f"declares {max(weights, stored):,} weights; the limit is {MAX_WEIGHTS:,}.")
    if len(W1) != 2 or 0 in W1:
        raise _not_a_model(path, f"holds linear1.weight of shape {W1}, not (hidden, inputs).")
    for key, shape in expected_shapes(*W1).items():
        if index[key].shape != shape:
            raise _not_a_model(path, f"holds {key} of shape {index[key].shape}; this model needs {shape}.")


def _check_storages(
    path: str, index: dict[str, _Tensor], references: collections.Counter[str], entries: dict[str, zipfile.ZipInfo]
) -> None:
    """Each storage serves one tensor, is in the archive and holds exactly the bytes it declares; the
    archive holds no other."""
    shared = sorted(key for key, count in references.items() if count > 1)
    if shared:
        raise _not_saved_by_torch(path, f"storage data/{shared[0]} serves two tensors")
    unused, missing = sorted(set(entries) - set(references)), sorted(set(references) - set(entries))
    if missing:
        raise _not_saved_by_torch(path, f"it has no storage data/{missing[0]}")
    if unused:
        raise _not_saved_by_torch(path, f"it has an unused storage data/{unused[0]}")
    for tensor in index.values():
        size = tensor.storage.numel * _ITEM_BYTES[tensor.storage.dtype]
        entry = entries[tensor.storage.key]
        if entry.file_size != size:
            raise _not_saved_by_torch(
                path, f"storage {entry.filename} holds {entry.file_size:,} bytes where its index says {size:,}"
            )


def _check_loaded(path: str, state: Any, index: dict[str, _Tensor]) -> dict[str, torch.Tensor]:
    """What ``torch.load`` built is exactly what the index described."""
    if not isinstance(state, dict) or set(state) != set(index):
        raise _truncated(path)
    out = {}
    for key, expected in index.items():
        tensor = state[key]
        if not (
            isinstance(tensor, torch.Tensor)
            and str(tensor.dtype).replace("torch.", "") == expected.dtype
            and tuple(tensor.shape) == expected.shape
            and tensor.device.type == "cpu"
        ):
            raise _truncated(path)
        out[key] = tensor.detach().float()  # float16, bfloat16, float64 -> float32
    return out


def load_model(path: str | os.PathLike) -> dict[str, Any]:
    """Load a model saved by :func:`save_model` or by the tutorial's ``torch.save``.

    The file is read once (at most ``MAX_FILE_BYTES``), and every check and
    the load itself use those bytes. Only tensors are read
    (``torch.load(weights_only=True)``), and only after the archive has been
    checked without building anything: laid out as ``torch.save`` writes it
    (one folder, one index, each storage used once and of its declared size),
    exactly the tutorial's four tensors (an extra tensor is an error, as
    ``load_state_dict``'s strict mode makes it) of ``SimpleClassifier``'s
    shapes, floating point (float16, bfloat16 and float64 are converted to
    float32; integers and booleans are refused), at most 4,096 hidden units and
    100,000,000 weights, and zip checksums that match. What ``torch.load``
    returns is checked against that index again. Parameters saved as
    ``dict(model.named_parameters())`` load too.

    Parameters
    ----------
    path : str or os.PathLike
        The model file.

    Returns
    -------
    model : dict
        ``state`` (NumPy arrays under the tutorial's names), an empty ``loss``,
        ``config`` with ``hidden`` and ``inputs``, and ``device`` "cpu".

    Raises
    ------
    TypeError
        ``path`` is not a path.
    ValueError
        The file is not such a model: one sentence naming the path and what it
        is instead (missing, a folder, a named pipe, a device, a text or CSV
        file, a NumPy ``.npy``, an R data file, a pickled ``nn.Module``,
        PyTorch's legacy format, truncated, corrupted, another network).

    Examples
    --------
    >>> import os, tempfile
    >>> import xortorch as xt
    >>> X, y = xt.make_data(200, seed=1)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
    >>> xt.save_model(xt.train(X, y, seed=1, epochs=5), path)
    >>> xt.load_model(path)["config"]
    {'hidden': 4, 'inputs': 2}
    """
    path = _check_path(path)
    data = _read_file(path)
    index = _read_index(path, data)
    try:
        loaded = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception:  # the checks above passed, so only torch's own limits get here
        raise _truncated(path) from None
    del data
    state = check_state(_check_loaded(path, loaded, index), name="path")
    hidden, inputs = state["linear1.weight"].shape
    config = {"hidden": int(hidden), "inputs": int(inputs)}
    return {"state": state, "loss": np.zeros(0), "config": config, "device": "cpu", "seconds": None}
