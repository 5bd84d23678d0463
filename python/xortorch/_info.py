"""``info``: the situation report behind R's ``xor_config()``."""

from __future__ import annotations

import platform
import sys
from typing import Any

import numpy as np
import torch


def info() -> dict[str, Any]:
    """Versions and devices of the running Python, as a plain dict.

    Returns
    -------
    report : dict
        ``python`` (executable), ``python_version``, ``xortorch``, ``torch``,
        ``numpy``, ``cuda_available``, ``cuda_devices`` (names),
        ``mps_available``, ``threads``.

    Examples
    --------
    >>> import xortorch as xt
    >>> sorted(xt.info())[:3]
    ['cuda_available', 'cuda_devices', 'mps_available']
    """
    from . import __version__

    cuda = torch.cuda.is_available()
    mps = hasattr(torch.backends, "mps") and torch.backends.mps.is_available()
    return {
        "python": sys.executable,
        "python_version": platform.python_version(),
        "xortorch": __version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "cuda_available": cuda,
        "cuda_devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else [],
        "mps_available": bool(mps),
        "threads": torch.get_num_threads(),
    }
