"""TensorBoard logging for ``train(log_dir=)``, and ``tensorboard()`` to look at it.

What the tutorial's ``train_model_with_logger`` logs: the model graph on the
first batch, the training loss per epoch as the tutorial computes it, the mean
of the epoch's batch losses (tag ``training_loss``), and the decision boundary
every ``log_every`` epochs (tag ``predictions``); plus the validation loss
(``validation_loss``) when there is a validation set. Logging only reads the
weights, so a model trains to the same weights with or without it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from typing import IO, Any

import numpy as np
import torch

from ._model import blank_module
from ._validation import check_int

#: Points drawn in each logged decision-boundary figure (the first rows).
FIGURE_POINTS = 500


def check_log_dir(log_dir: Any, log_every: Any) -> tuple[str | None, int]:
    """``log_dir`` as a path (or None) and ``log_every``; the tensorboard package must be there."""
    log_every = check_int(log_every, "log_every", minimum=1)
    if log_dir is None:
        return None, log_every
    if not isinstance(log_dir, (str, os.PathLike)) or not str(log_dir):
        raise TypeError(f"`log_dir` must be a folder path or None, not {log_dir!r}.")
    if os.path.exists(log_dir) and not os.path.isdir(log_dir):
        raise ValueError(f"`log_dir` {str(log_dir)!r} is a file, not a folder.")
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        raise ImportError(
            "`log_dir` writes TensorBoard files, which needs the tensorboard package: "
            "pip install 'xortorch[tensorboard]' (R: xortorch::install_xortorch() installs it)."
        ) from None
    return os.fspath(log_dir), log_every


#: Width in pixels of the logged decision-boundary figures: the tutorial's (figsize 4 at dpi 500).
FIGURE_WIDTH = 2000


class Logger:
    """Writes one training run's TensorBoard events; call it after each epoch."""

    def __init__(
        self,
        log_dir: str,
        *,
        log_every: int,
        X: np.ndarray,
        y: np.ndarray,
        ranges: np.ndarray,
        hidden: int,
        first_batch: int,
        epochs_before: int = 0,
    ) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(log_dir)
        self.log_every, self.X, self.y, self.ranges = log_every, X, y, ranges
        self.epochs_before = epochs_before  # a continued model's steps follow on from its earlier epochs
        # The tutorial's add_graph on the first batch: the graph of SimpleClassifier itself (its
        # structure; blank_module draws its placeholder weights without touching torch's global RNG).
        module = blank_module(X.shape[1], hidden)
        with warnings.catch_warnings():
            # add_graph traces with torch.jit, which newer torch releases call deprecated (as a Deprecation-,
            # Future- or UserWarning, by release); the graph is still written, and the warning is not the user's.
            warnings.filterwarnings("ignore", message=r"(?s).*torch\.jit")
            self.writer.add_graph(module, torch.from_numpy(np.ascontiguousarray(X[:first_batch])))

    def wants_weights(self, epoch: int) -> bool:
        return self.X.shape[1] == 2 and epoch % self.log_every == 0

    def __call__(
        self, epoch: int, epoch_loss: float, valid_loss: float | None, weights: dict[str, np.ndarray] | None
    ) -> None:
        """Log this call's ``epoch`` (counting from 1) and ``epoch_loss``, the mean of its batch losses as the tutorial
        computes it; ``weights``, on raw inputs, on the epochs it draws."""
        if weights is not None:
            from ._plot import plot_decision_boundary

            model = {"state": weights, "ranges": self.ranges}
            fig = plot_decision_boundary(model, self.X[:FIGURE_POINTS], self.y[:FIGURE_POINTS])
            fig.set_dpi(FIGURE_WIDTH / fig.get_figwidth())  # the tutorial's 500 dpi on a 4-inch figure
            self.writer.add_figure("predictions", fig, global_step=self.epochs_before + epoch)  # closes it
        epoch += self.epochs_before
        self.writer.add_scalar("training_loss", epoch_loss, global_step=epoch)
        if valid_loss is not None:
            self.writer.add_scalar("validation_loss", valid_loss, global_step=epoch)

    def close(self) -> None:
        self.writer.close()


class TensorBoard:
    """A TensorBoard server started by :func:`tensorboard`: ``server.url``, ``server.stop()``.

    Also a context manager that stops the server on exit. Made by
    :func:`tensorboard`, not directly.

    Parameters
    ----------
    process : subprocess.Popen
        The server's process.
    url : str
        Its address, ``http://127.0.0.1:PORT/``.
    log_dir : str
        The folder it serves.
    messages : file
        Where the server's output goes.

    Examples
    --------
    >>> import xortorch as xt
    >>> with xt.tensorboard("runs/xor") as server:  # doctest: +SKIP
    ...     print(server.url)
    http://127.0.0.1:6006/
    """

    def __init__(self, process: subprocess.Popen, url: str, log_dir: str, messages: IO[bytes]) -> None:
        self.process, self.url, self.log_dir = process, url, log_dir
        self.messages = messages  # the server's output, read when it fails to start

    @property
    def running(self) -> bool:
        """Whether the server is still running."""
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the server (and wait for it to end)."""
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.messages.close()

    def __enter__(self) -> TensorBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<TensorBoard {state} at {self.url} for {self.log_dir!r}>"


#: Runs TensorBoard in the child: first it asks the kernel for SIGTERM when its parent dies (Linux's
#: PR_SET_PDEATHSIG), and leaves at once if the parent is already gone, so that a server never outlives
#: the Python or R session that started it, however that session ends (even SIGKILL).
_CHILD = """
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # 1: PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass  # not Linux: stop() or the session's own clean-up ends it
if os.getppid() != parent:
    sys.exit(0)
sys.argv[0] = "tensorboard"
runpy.run_module("tensorboard.main", run_name="__main__")
"""


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _port_in_use(port: int) -> ValueError:
    return ValueError(f"`port` {port} is already in use on 127.0.0.1; choose another, or None for a free one.")


def tensorboard(log_dir: Any, *, port: int | None = None, timeout: float = 60.0) -> TensorBoard:
    """Start TensorBoard on ``log_dir`` in the background, on 127.0.0.1.

    The notebook's ``%tensorboard --logdir runs/our_experiment``, for any
    Python or R session: TensorBoard runs as its own process, serving only this
    machine, and this returns once its page answers. The server ends with the
    process that started it, however that ends (on Linux), or with ``server.stop()``.

    Parameters
    ----------
    log_dir : str or path
        The folder ``train(log_dir=...)`` wrote (or any TensorBoard log folder).
    port : int or None, default=None
        The port; None picks a free one.
    timeout : float, default=60.0
        Seconds to wait for the page to answer.

    Returns
    -------
    server : TensorBoard
        With ``server.url`` (open it in a browser) and ``server.stop()``.

    Raises
    ------
    ValueError
        ``log_dir`` does not exist, or ``port`` is already in use.
    RuntimeError
        TensorBoard did not start, or did not answer within ``timeout``.

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(500, seed=1)
    >>> model = xt.train(X, y, seed=1, log_dir="runs/xor")  # doctest: +SKIP
    >>> server = xt.tensorboard("runs/xor")  # doctest: +SKIP
    >>> server.url  # doctest: +SKIP
    'http://127.0.0.1:...'
    >>> server.stop()  # doctest: +SKIP
    """
    log_dir, _ = check_log_dir(log_dir, 1)
    if log_dir is None:
        raise TypeError("`log_dir` must be a folder path, not None.")
    if not os.path.isdir(log_dir):
        raise ValueError(f"`log_dir` {log_dir!r} does not exist: train with `log_dir=` first.")
    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    port = check_int(port, "port", minimum=1, maximum=65535)
    if not _port_is_free(port):
        raise _port_in_use(port)
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-c", _CHILD, str(os.getpid()), "--logdir", log_dir, "--host", "127.0.0.1"]
    # Its messages go to a file: a pipe nobody reads would fill and stall the server.
    messages = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=messages, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = TensorBoard(process, url, log_dir, messages)
    # Straight to loopback, whatever http_proxy says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages.seek(0)
        said = messages.read().decode(errors="replace")
        if not server.running:
            server.stop()
            if "could not bind" in said.lower() or "address already in use" in said.lower():
                raise ValueError(
                    f"`port` {port} is already in use on 127.0.0.1; choose another, or None for a free one."
                )
            raise RuntimeError(f"TensorBoard did not start: {said.strip()[-500:]}")
        # Only our server's own announcement of this port shows that what answers is ours.
        if f"127.0.0.1:{port}/" in said:
            try:
                with opener.open(url, timeout=2):
                    return server
            except OSError:
                pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"TensorBoard did not answer at {url} within {timeout:g} s.")
