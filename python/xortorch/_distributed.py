"""Run chunks of a sweep on a ``concurrent.futures.Executor``: a process pool, or a Dask cluster's.

The executor does the scheduling (Dask reruns a chunk whose worker died); this module only splits, ships and
gathers. Chunks are pure functions of their inputs, so running one twice gives the same bits. With a Dask
client's executor the shared data goes to every worker once (``scatter``), not with every chunk.
"""

from __future__ import annotations

import concurrent.futures
import math
from collections.abc import Callable
from importlib import metadata
from typing import Any

#: Chunks per worker by default: enough to balance uneven chunks, few enough that per-chunk overhead stays small.
CHUNKS_PER_WORKER = 4


class SweepIncomplete(RuntimeError):
    """Some chunks of a distributed sweep failed; ``rows`` are the missing model rows, ``finished`` the
    results of the chunks that did finish, in chunk order (``None`` for a failed one)."""

    def __init__(self, message: str, rows: list[int], finished: list[Any]) -> None:
        super().__init__(message)
        self.rows, self.finished = rows, finished


def check_executor(executor: Any) -> None:
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(
            "`executor` must be a concurrent.futures.Executor (a ProcessPoolExecutor, or a Dask client's "
            f"client.get_executor()), not {type(executor).__name__}."
        )


def _client(executor: Any) -> Any:
    """The Dask client behind ``client.get_executor()``, or None for any other executor."""
    client = getattr(executor, "_client", None)
    return client if callable(getattr(client, "scatter", None)) else None


def worker_count(executor: Any) -> int:
    client = _client(executor)
    if client is not None:
        return max(1, len(client.scheduler_info().get("workers", {})))
    return max(1, int(getattr(executor, "_max_workers", 1) or 1))


def chunk_rows(models: int, executor: Any, chunk_size: int | None) -> list[range]:
    """Consecutive row ranges covering ``models`` rows."""
    if chunk_size is None:
        chunk_size = math.ceil(models / (CHUNKS_PER_WORKER * worker_count(executor)))
    return [range(start, min(start + chunk_size, models)) for start in range(0, models, chunk_size)]


def check_workers(executor: Any, version: str) -> None:
    """Every Dask worker has xortorch at ``version``: say which does not, before any training."""
    client = _client(executor)
    if client is None:
        return  # a local pool runs this Python, with this xortorch
    found = client.run(metadata.version, "xortorch", on_error="return")
    for worker, theirs in sorted(found.items()):
        if isinstance(theirs, BaseException):
            raise RuntimeError(
                f"Dask worker {worker} cannot run xortorch: {type(theirs).__name__}: {theirs}. "
                f"Install xortorch {version} there."
            )
        if theirs != version:
            raise RuntimeError(
                f"Dask worker {worker} has xortorch {theirs}, this process {version}: install the same "
                "version everywhere, so that every model is the one train() gives here."
            )


def map_chunks(
    executor: Any,
    function: Callable[[Any, list[int]], Any],
    shared: Any,
    chunks: list[range],
    on_done: Callable[[int], None] | None = None,
) -> list[Any]:
    """``function(shared, chunk)`` for every chunk on ``executor``; the results in chunk order.

    ``on_done(rows)`` is called as each chunk finishes (for progress). Ctrl-C cancels the chunks not yet
    started. A chunk that fails (its worker gone and the executor unable to rerun it) ends in
    :class:`SweepIncomplete`, which names the missing rows and keeps the finished chunks.
    """
    client = _client(executor)
    ref = client.scatter(shared, broadcast=True) if client is not None else shared
    futures = [executor.submit(function, ref, list(chunk)) for chunk in chunks]
    index = {future: i for i, future in enumerate(futures)}
    results: list[Any] = [None] * len(chunks)
    failed: dict[int, BaseException] = {}
    try:
        for future in concurrent.futures.as_completed(futures):
            i = index[future]
            error = future.exception()
            if error is not None:
                failed[i] = error
                continue
            results[i] = future.result()
            if on_done is not None:
                on_done(len(chunks[i]))
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        raise
    if failed:
        rows = [row for i in sorted(failed) for row in chunks[i]]
        first = failed[min(failed)]
        raise SweepIncomplete(
            f"{len(rows)} of {sum(len(c) for c in chunks)} models did not finish (rows {rows[0]} to {rows[-1]} "
            f"among them): {type(first).__name__}: {str(first).rstrip('.')}. The finished chunks are in this "
            "error's `finished`.",
            rows,
            results,
        ) from first
    return results
