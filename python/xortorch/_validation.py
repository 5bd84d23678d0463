"""Argument checks shared by every public function.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, wrong value) with a message that names the argument and what it got, so
the R side can pass the message on unchanged.
"""

from __future__ import annotations

import math
import numbers
import os
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import torch

#: Largest number of points that ``make_data``, ``train`` and friends accept.
#: 50 million points are 400 MB of float32 inputs; past that a clear error beats
#: a machine that starts swapping.
MAX_POINTS = 50_000_000

#: Most hidden units a model may have (``train`` and ``load_model`` alike).
MAX_HIDDEN = 4096

#: Most weights a loaded model may declare (400 MB of float32): a file cannot
#: make ``load_model`` build more than that, whatever it claims.
MAX_WEIGHTS = 100_000_000

#: Largest number of cells ``predict_grid`` evaluates (400 MB of float32 output).
MAX_GRID_POINTS = 100_000_000

#: Seeds are non-negative and below 2**63 so they fit an int64 everywhere.
MAX_SEED = 2**63 - 1

#: Most training epochs.
MAX_EPOCHS = 1_000_000

#: Largest matrix size and most timed repeats for ``bench``.
MAX_BENCH_N = 20_000
MAX_REPEATS = 1000

#: Every argument limit, by name: the one source that R's checks read too, so
#: both languages refuse the same values with the same words.
LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "points": MAX_POINTS,
        "hidden": MAX_HIDDEN,
        "epochs": MAX_EPOCHS,
        "seed": MAX_SEED,
        "weights": MAX_WEIGHTS,
        "grid_points": MAX_GRID_POINTS,
        "bench_n": MAX_BENCH_N,
        "repeats": MAX_REPEATS,
    }
)

#: Largest magnitude a float32 holds; inputs beyond it would silently become inf.
FLOAT32_MAX = float(np.finfo(np.float32).max)

#: Smallest normal float32: a learning rate below it rounds to zero (or to a
#: denormal that vanishes once divided by the batch size), so nothing would train.
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value: Any, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name``.

    The message is word for word the one R's ``check_count()`` gives for the same mistake.
    """
    span = f"of at least {minimum:,}" if maximum is None else f"between {minimum:,} and {maximum:,}"
    if not _is_int(value):
        raise TypeError(f"`{name}` must be a whole number {span}, not {value!r}.")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"`{name}` must be a whole number {span}, not {value:,}.")
    return value


def check_number(value: Any, name: str, *, positive: bool = True, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float (> 0, or >= 0 with ``allow_zero``)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"`{name}` must be a number, not {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite, not {value}.")
    if abs(value) > FLOAT32_MAX:
        raise ValueError(f"`{name}` = {value:g} is beyond float32's range (about 3.4e38), which PyTorch computes in.")
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be a {kind} number, not {value:g}.")
    return value


def check_lr(value: Any, name: str = "lr") -> float:
    """A positive learning rate that float32 holds as a normal number."""
    value = check_number(value, name)
    if value < FLOAT32_TINY:
        raise ValueError(
            f"`{name}` = {value:g} is too small for float32 (below {FLOAT32_TINY:.3g}), which PyTorch computes "
            "in: it would round to zero and nothing would train."
        )
    return value


def check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False, not {value!r}.")
    return bool(value)


def resolve_seed(seed: Any, name: str = "seed") -> int:
    """Resolve ``seed`` once: ``None`` draws one from torch's global generator,
    advancing it as any torch call would, so that ``torch.manual_seed`` makes
    the result reproducible, as in the tutorial."""
    if seed is None:
        return int(torch.randint(0, MAX_SEED, (1,), dtype=torch.int64).item())
    return check_int(seed, name, minimum=0, maximum=MAX_SEED)


def as_float32(value: Any, name: str, what: str, *, convert: bool = True) -> np.ndarray:
    """``value`` as a C-contiguous float32 array, refusing what float32 cannot hold.

    Complex numbers, NaN, infinities and finite values beyond float32's range
    raise instead of being cast (which would drop the imaginary part, or turn
    1e39 into inf with a ``RuntimeWarning``). With ``convert=False`` a float32
    or float64 array comes back as it is, checked (for readers that convert as
    they go).
    """
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    refuse_masked(value, name)
    try:
        arr = np.asarray(value)
    except Exception as err:  # ragged lists and the like
        raise TypeError(f"`{name}` must be {what}: {err}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"`{name}` must be {what}, not dtype {arr.dtype}.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"`{name}` must be {what}, not complex ({arr.dtype}).")
    if np.issubdtype(arr.dtype, np.floating) and arr.size:
        # Two reductions that allocate nothing (both propagate NaN) rather than isfinite() and abs() copies:
        # a third of predict()'s time at 1e6 rows.
        lowest, highest = float(arr.min()), float(arr.max())
        if not (math.isfinite(lowest) and math.isfinite(highest)):
            raise ValueError(f"`{name}` contains NaN or infinite values.")
        biggest = max(-lowest, highest)
        if biggest > FLOAT32_MAX:
            raise ValueError(f"`{name}` holds {biggest:g}, beyond float32's range (about 3.4e38).")
    elif np.issubdtype(arr.dtype, np.integer) and arr.dtype.itemsize > 2 and arr.size:
        biggest = max(-int(arr.min()), int(arr.max()))
        if biggest > FLOAT32_EXACT_INTEGERS:
            warnings.warn(
                f"`{name}` holds integers beyond 2^24 ({FLOAT32_EXACT_INTEGERS:,}), up to {biggest:,}: float32, "
                "which PyTorch computes in, rounds them (16,777,217 becomes 16,777,216). Scale them, or pass "
                "floats if the rounding is acceptable.",
                UserWarning,
                stacklevel=find_stack_level(),
            )
    if not convert and arr.dtype in (np.float32, np.float64):
        return arr
    # Writable too: torch.from_numpy warns on R's read-only arrays.
    return np.require(arr, np.float32, ["C", "W"])


#: Every integer up to this magnitude has an exact float32.
FLOAT32_EXACT_INTEGERS = 2**24


def refuse_masked(value: Any, name: str) -> None:
    if np.ma.isMaskedArray(value):
        raise TypeError(
            f"`{name}` is a masked array: xortorch would ignore its mask. Drop or fill the masked values first "
            "(for example with `.filled()` or by indexing with `~mask`)."
        )


def find_stack_level() -> int:
    """The stack level of the first frame outside xortorch, for warnings that point at the user's call."""
    import inspect

    package = os.path.dirname(__file__)
    level = 1
    frame = inspect.currentframe()
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == package:
        frame = frame.f_back
        level += 1
    return level - 1


def check_X(X: Any, name: str = "X", *, features: int | None = None, convert: bool = True) -> np.ndarray:
    """Return ``X`` as a C-contiguous float32 array of shape (n, p).

    ``features`` fixes p (a model's inputs); ``None`` accepts any p >= 1.
    Arrays from R arrive read-only and in Fortran order; the copy here is the
    one place the Python side converts them. ``convert=False``: see :func:`as_float32`.
    """
    shape = "(n, p)" if features is None else f"(n, {features})"
    arr = as_float32(X, name, f"a numeric array of shape {shape}", convert=convert)
    if arr.ndim != 2 or arr.shape[1] == 0 or (features is not None and arr.shape[1] != features):
        raise ValueError(f"`{name}` must have shape {shape}, not {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"`{name}` is empty: it needs at least one row.")
    if arr.shape[0] > MAX_POINTS:
        raise ValueError(f"`{name}` has {arr.shape[0]:,} rows; the limit is {MAX_POINTS:,}.")
    return arr


def check_y(y: Any, n: int, name: str = "y") -> np.ndarray:
    """Return labels as an int64 array of length ``n`` holding only 0 and 1."""
    if isinstance(y, torch.Tensor):
        y = y.detach().cpu().numpy()
    refuse_masked(y, name)
    arr = np.asarray(y)
    numeric = np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating)
    if arr.dtype == object or not (numeric or arr.dtype == bool):
        raise TypeError(f"`{name}` must be an array of 0/1 labels, not dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, not shape {arr.shape}.")
    if arr.shape[0] != n:
        raise ValueError(f"`{name}` has length {arr.shape[0]} but `X` has {n} rows.")
    bad = ~np.isin(arr, (0, 1))
    if bad.any():
        raise ValueError(f"`{name}` must hold only the labels 0 and 1, found {arr[bad][0]!r}.")
    # Writable too: pandas' copy-on-write Series give read-only arrays, which torch.from_numpy warns on.
    return np.require(arr, np.int64, ["C", "W"])


def column_names(X: Any) -> list[str] | None:
    """A data frame's column names (pandas or anything with ``columns`` and
    ``dtypes``), without importing pandas; ``None`` for arrays."""
    if isinstance(X, np.ndarray) or not (hasattr(X, "columns") and hasattr(X, "dtypes")):
        return None
    return [str(c) for c in X.columns]


def align_columns(X: Any, names: list[str] | None, name: str = "X") -> Any:
    """A data frame's columns in the model's order, matched by name as
    scikit-learn does; arrays (and models without names) pass by position."""
    have = column_names(X)
    if names is None or have is None or have == list(names):
        return X
    missing = [c for c in names if c not in have]
    extra = [c for c in have if c not in names]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"lacks the model's column(s) {', '.join(map(repr, missing))}")
        if extra:
            parts.append(f"has the unexpected {', '.join(map(repr, extra))}")
        raise ValueError(f"`{name}` {'; it '.join(parts)}. The model was trained on {', '.join(map(repr, names))}.")
    return X[[X.columns[have.index(c)] for c in names]]  # by position: columns need not be strings


def check_sample_weight(sample_weight: Any, n: int) -> np.ndarray | None:
    """Case weights as float64 (n,): finite, non-negative, not all zero; None stays None."""
    if sample_weight is None:
        return None
    w = as_float32(sample_weight, "sample_weight", "a numeric array of shape (n,)").astype(np.float64)
    if w.shape != (n,):
        raise ValueError(f"`sample_weight` must have shape ({n},), one weight per row of `X`, not {w.shape}.")
    if (w < 0).any():
        raise ValueError(f"`sample_weight` must be non-negative, found {w[w < 0][0]:g}.")
    if not (w > 0).any():
        raise ValueError("`sample_weight` is zero for every row: nothing would be learned.")
    return w


def check_Xy(X: Any, y: Any, *, features: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    X = check_X(X, features=features)
    return X, check_y(y, X.shape[0])


def resolve_device(device: Any) -> torch.device:
    """Map "auto", "cpu", "cuda", "cuda:N" or "mps" to an available device."""
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise TypeError(f"`device` must be a string such as 'auto', 'cpu' or 'cuda', not {device!r}.")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ValueError(f"`device` must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', not {device!r}.") from None
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"`device` is {device!r} but CUDA is not available on this machine.")
        index = 0 if dev.index is None else dev.index
        if index >= torch.cuda.device_count():
            raise ValueError(f"`device` is {device!r} but only {torch.cuda.device_count()} CUDA device(s) exist.")
        return torch.device("cuda", index)
    if dev.type == "mps":
        if not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise ValueError(f"`device` is {device!r} but MPS is not available on this machine.")
        return dev
    raise ValueError(f"`device` must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', not {device!r}.")
