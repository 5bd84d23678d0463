"""How many CPU threads xortorch's own calls use.

PyTorch parallelises every op over all cores. The tutorial's ops are tiny (a
128 x 4 batch): a second thread gains nothing, and when other processes hold
the cores (a shared RStudio Server, CI, a second R session) each op waits for
a thread that is not scheduled, and a 0.2 s sweep can take a minute. So small
work runs on one thread; work whose single ops are large keeps the user's
setting. The setting is scoped to the call and restored afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

#: Values one op must touch before a second thread pays for itself (measured
#: on a 2-core machine: below about a million, one thread is as fast idle and
#: far faster under load).
PARALLEL_MIN_ELEMENTS = 1 << 20


@contextlib.contextmanager
def threads_for(elements: int) -> Iterator[None]:
    """Run the block with one intra-op thread when its largest op has fewer
    than ``PARALLEL_MIN_ELEMENTS`` values; leave the setting alone otherwise."""
    before = torch.get_num_threads()
    wanted = 1 if elements < PARALLEL_MIN_ELEMENTS else before
    if wanted == before:
        yield
        return
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(before)
