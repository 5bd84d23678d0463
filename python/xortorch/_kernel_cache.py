"""Where numba keeps the compiled kernels, and how training survives a cache it cannot use.

The cache is an optimisation (it saves about 5 s of compiling per process), never a reason for a call
to fail. It is also code: numba's index files are pickles that every training process loads, so whoever
can write the cache folder runs code in every process that trains. Hence:

- The folder is xortorch's own, ``kernels-<digest>`` under ``$NUMBA_CACHE_DIR`` if you set it, else under
  ``$XDG_CACHE_HOME/xortorch`` (``~/.cache/xortorch``), else under ``<tmp>/xortorch-<uid>``. The digest
  covers the kernels' source, numba's and Python's versions, so a changed kernel never loads an old one.
- It is created with mode 0700 and used only if it, its parent and every file in it belong to you (or
  root) and nobody else can write them; otherwise the next place is tried.
- A file in it that cannot be read (truncated, emptied, garbage) counts as a miss: the kernel compiles
  in memory and the cache is rewritten.
- With no usable folder the kernels compile in memory, each process anew. Each of these problems gives
  at most one warning per process, naming the folder and what to do.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
import warnings
from typing import Any

#: The environment variable that chooses the cache's base folder (numba's own).
FOLDER_VARIABLE = "NUMBA_CACHE_DIR"

_warned = False


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(message, RuntimeWarning, stacklevel=2)


def _bases() -> list[str]:
    """The base folders to try, in order: yours if you chose one, else your cache folder, else the temporary one."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen:
        return [chosen]
    home_cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    try:
        temporary = tempfile.gettempdir()
    except OSError:  # none of the usual temporary folders is writable
        temporary = os.environ.get("TMPDIR") or "/tmp"
    return [os.path.join(home_cache, "xortorch"), os.path.join(temporary, f"xortorch-{os.geteuid()}")]


def _digest(source: bytes) -> str:
    import numba

    return hashlib.sha256(b"\0".join([source, numba.__version__.encode(), sys.version.encode()])).hexdigest()[:16]


def untrusted(path: str, *, parent: bool = False) -> str | None:
    """Why ``path`` may not hold code this process loads, or None. A parent folder may also be a shared one
    with the sticky bit (/tmp), where nobody can move another user's entries."""
    info = os.stat(path) if parent else os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if info.st_uid not in (os.geteuid(), 0):
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o022 and not (parent and info.st_mode & stat.S_ISVTX):
        return f"can be written by others (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def _usable(folder: str) -> str | None:
    """Create ``folder`` (0700) if missing; why it cannot be used, or None."""
    try:
        os.makedirs(os.path.dirname(folder), mode=0o700, exist_ok=True)
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        why = untrusted(os.path.dirname(folder), parent=True)
        if why:
            return f"its parent folder {why}"
        why = untrusted(folder)
        if why:
            return why
        for name in os.listdir(folder):
            why = untrusted(os.path.join(folder, name))
            if why:
                return f"its file {name} {why}"
    except OSError as err:
        return f"cannot be used ({err.strerror or err})"
    return None


def choose_folder(source: bytes) -> tuple[str | None, list[str]]:
    """The cache folder for kernels of this ``source``, or None; and why each place tried was not used."""
    problems: list[str] = []
    for base in _bases():
        folder = os.path.join(os.path.abspath(base), f"kernels-{_digest(source)}")
        why = _usable(folder)
        if why is None:
            return folder, problems
        problems.append(f"{folder} {why}")
    return None, problems


def attach(dispatchers: list[Any], source: bytes) -> str | None:
    """Give each numba dispatcher the cache in the chosen folder; returns the folder, None if there is none."""
    folder, problems = choose_folder(source)
    if folder is None:
        _warn_once(
            "xortorch compiles its training kernels in memory, about 5 s in each new process, because it found "
            f"no safe cache folder: {'; '.join(problems)}. Set {FOLDER_VARIABLE} to a folder only you can write."
        )
        return None
    cache_class = _safe_cache_class(folder)
    for dispatcher in dispatchers:
        dispatcher._cache = cache_class(dispatcher.py_func)  # what numba's enable_caching() sets, our class
    return folder


def _safe_cache_class(folder: str) -> type:
    from numba.core.caching import CompileResultCacheImpl, FunctionCache, _CacheLocator

    class Locator(_CacheLocator):
        """Always ``folder``; freshness is in the folder's name (the source digest)."""

        def __init__(self, py_func: Any, py_file: str) -> None:
            self._lineno = py_func.__code__.co_firstlineno

        def ensure_cache_path(self) -> None:
            pass  # made and checked by choose_folder

        def get_cache_path(self) -> str:
            return folder

        def get_source_stamp(self) -> str:
            return os.path.basename(folder)

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Locator:
            return cls(py_func, py_file)

    class Impl(CompileResultCacheImpl):
        _locator_classes = [Locator]  # noqa: RUF012 - numba reads this class attribute

    class SafeCache(FunctionCache):
        """numba's cache, except that a file it cannot read or write is a miss, never an error."""

        _impl_class = Impl

        def load_overload(self, sig: Any, target_context: Any) -> Any:
            try:
                return super().load_overload(sig, target_context)
            except Exception as err:
                _warn_once(
                    f"xortorch's kernel cache in {folder} could not be read ({type(err).__name__}: {err}); the "
                    "kernels compile in memory and the cache is rewritten. If this repeats, delete that folder "
                    f"or set {FOLDER_VARIABLE} to another one."
                )
                try:
                    self.flush()  # an empty index: the next save writes a good one
                except Exception:
                    self.disable()
                return None

        def save_overload(self, sig: Any, data: Any) -> None:
            try:
                super().save_overload(sig, data)
            except Exception as err:
                _warn_once(
                    f"xortorch's kernel cache in {folder} could not be written ({type(err).__name__}: {err}); "
                    f"the kernels work, compiled anew in each process. Set {FOLDER_VARIABLE} to a folder only you "
                    "can write."
                )
                self.disable()

    return SafeCache
