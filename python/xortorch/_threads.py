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
import os
from collections.abc import Iterator

import torch

#: The process that imported xortorch: any other pid is a forked child.
_PARENT_PID = os.getpid()


def _one_thread_after_fork() -> None:
    """A forked child runs torch on one thread. GNU OpenMP's threads do not survive fork(): the child's
    first parallel op waits forever for threads it does not have (after the parent ran one). PyTorch's own
    DataLoader workers set one thread for the same reason."""
    global _PARENT_PID
    _PARENT_PID = os.getpid()
    torch.set_num_threads(1)


# Python's forks (os.fork, multiprocessing's fork) call this at once; R's mclapply() forks in C, which
# settle_after_fork() notices at xortorch's next call.
os.register_at_fork(after_in_child=_one_thread_after_fork)


def settle_after_fork() -> None:
    """Call before any torch work: in a process forked without Python's knowledge, drop to one thread."""
    if os.getpid() != _PARENT_PID:
        _one_thread_after_fork()


def available_threads() -> int:
    """Threads xortorch may use: torch's setting, one in a forked child."""
    settle_after_fork()
    return torch.get_num_threads()


#: Values one op must touch before a second thread pays for itself (measured
#: on a 2-core machine: below about a million, one thread is as fast idle and
#: far faster under load).
PARALLEL_MIN_ELEMENTS = 1 << 20


def cores_taken_by_others() -> bool:
    """True when other runnable tasks already fill every core, read from the
    kernel's count of tasks runnable right now (the 4th field of /proc/loadavg;
    the load averages lag a minute behind). Then a second thread only waits:
    with 4 processes on 2 cores, large ops ran 4-6x slower on 2 threads than on 1."""
    try:
        with open("/proc/loadavg") as handle:
            runnable = int(handle.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return False  # not Linux: keep PyTorch's own setting
    return runnable - 1 >= (os.cpu_count() or 1)  # less this call's own thread


@contextlib.contextmanager
def threads_for(elements: int) -> Iterator[None]:
    """Run the block with one intra-op thread when its largest op has fewer
    than ``PARALLEL_MIN_ELEMENTS`` values, or when other work already holds
    every core; leave the setting alone otherwise."""
    before = available_threads()
    wanted = 1 if elements < PARALLEL_MIN_ELEMENTS or cores_taken_by_others() else before
    if wanted == before:
        yield
        return
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        # Restore only what xortorch set: a torch.set_num_threads() of the user's, made
        # meanwhile (in a callback, say), is theirs to keep.
        if torch.get_num_threads() == wanted:
            torch.set_num_threads(before)
