"""``train`` one model, or ``sweep`` many at once."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Iterator, Sequence
from typing import Any, Callable, NamedTuple

import numpy as np
import torch

from ._diagnostics import (
    Assessment,
    assess,
    divergence_message,
    null_loss,
    warn_after_training,
    warn_before_training,
    warn_constant_inputs,
    warn_if_memorised,
)
from ._engine import ENGINES, Fit, OnEpoch, check_step_memory, finite, fit, unstack
from ._model import as_model, hidden_units, input_count
from ._predict import logits_by_models
from ._scaling import check_scaling, fold, scaling_of, standardize, unfold, unstandardize
from ._steer import Monitor, SweepMonitor, check_valid, check_valid_pair, class_weights, stratified_split
from ._tensorboard import Logger, check_log_dir
from ._validation import (
    MAX_EPOCHS,
    MAX_HIDDEN,
    MAX_POINTS,
    align_columns,
    check_flag,
    check_int,
    check_lr,
    check_number,
    check_sample_weight,
    check_Xy,
    column_names,
    resolve_device,
    resolve_seed,
)


def _check_callables(**functions: Any) -> None:
    for name, fn in functions.items():
        if fn is not None and not callable(fn):
            raise TypeError(f"`{name}` must be callable or None, not {type(fn).__name__}.")


@contextlib.contextmanager
def _progress_bar(progress: bool, epochs: int, desc: str) -> Iterator[Any]:
    """A tqdm bar of ``epochs`` (or None), closed however training ends."""
    if not progress:
        yield None
        return
    try:
        import ipywidgets  # noqa: F401  (tqdm.auto's notebook widget needs it)
        from tqdm.auto import tqdm
    except ImportError:  # a text bar, redrawn in place, without tqdm.auto's warning about the widget
        from tqdm import tqdm

    bar = tqdm(total=epochs, desc=desc, unit="epoch")
    try:
        yield bar
    finally:
        bar.close()


def _check_hidden(value: Any) -> int:
    return check_int(value, "hidden", minimum=1, maximum=MAX_HIDDEN)


def _check_batch_size(value: Any) -> int:
    return check_int(value, "batch_size", minimum=1)


def _check_epochs(value: Any) -> int:
    return check_int(value, "epochs", minimum=1, maximum=MAX_EPOCHS)


def _check_weight_decay(value: Any) -> float:
    return check_number(value, "weight_decay", allow_zero=True)


def _check_early_stopping(patience: Any, min_delta: Any, data: TrainingData) -> tuple[int | None, float]:
    min_delta = check_number(min_delta, "min_delta", allow_zero=True)
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
        if data.valid is None:
            raise ValueError("`patience` stops on the validation loss: give `valid` too.")
    return patience, min_delta


def _check_options(hidden: Any, batch_size: Any, epochs: Any, engine: Any) -> tuple[int, int, int]:
    hidden, batch_size, epochs = _check_hidden(hidden), _check_batch_size(batch_size), _check_epochs(epochs)
    if engine not in ENGINES:
        raise ValueError(f"`engine` must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}.")
    return hidden, batch_size, epochs


class TrainingData(NamedTuple):
    X: np.ndarray  # what the engine sees: float32, standardised when `scaling` is set
    y: np.ndarray
    scaling: dict[str, np.ndarray] | None
    ranges: np.ndarray  # (p, 2) each input's training minimum and maximum, raw units
    feature_names: list[str] | None  # a data frame's column names
    largest: float  # the largest raw |value|
    weights: np.ndarray | None  # case (and class) weights, float64 (n,)
    valid: tuple[np.ndarray, np.ndarray] | None  # validation inputs (on the engine's scale) and labels


def _training_data(
    X: Any,
    y: Any,
    *,
    scale: Any,
    start: dict[str, Any] | None,
    sample_weight: Any = None,
    valid: Any = None,
    seed: int = 0,
    class_weight: Any = None,
) -> TrainingData:
    """Check the data; with ``start`` (a model to continue), its columns and scaling win."""
    names = column_names(X)
    if start is not None and start.get("feature_names") is not None:
        X = align_columns(X, list(start["feature_names"]))
        names = list(start["feature_names"])
    X, y = check_Xy(X, y, features=None if start is None else input_count(start))
    weights = check_sample_weight(sample_weight, X.shape[0])
    valid = check_valid(valid)
    X_valid = y_valid = None
    if isinstance(valid, float):  # a stratified hold-out of the rows, drawn from the seed
        keep, held = stratified_split(y, valid, seed)
        X, y, X_valid, y_valid = X[keep], y[keep], X[held], y[held]
        weights = None if weights is None else weights[keep]
    elif valid is not None:
        X_valid, y_valid = check_valid_pair(valid, names, X.shape[1])
    per_class = class_weights(class_weight, y)
    if per_class is not None:
        weights = check_sample_weight(per_class if weights is None else weights * per_class, X.shape[0])
    scale = check_flag(scale, "scale")
    if start is not None:
        scaling = check_scaling(start.get("scaling"), X.shape[1])
    else:
        scaling = scaling_of(X) if scale else None
    ranges = np.column_stack([X.min(axis=0), X.max(axis=0)]).astype(np.float64)
    if start is None and X.shape[0] > 1:
        warn_constant_inputs(ranges, names)
    largest = float(np.abs(ranges).max())
    on_scale = (lambda Z: Z) if scaling is None else (lambda Z: standardize(Z, scaling))
    held_out = None if X_valid is None or y_valid is None else (on_scale(X_valid), y_valid)
    return TrainingData(on_scale(X), y, scaling, ranges, names, largest, weights, held_out)


def _judge(result: Fit, stacked: dict[str, np.ndarray], data: TrainingData, *, fresh: bool = True) -> Assessment:
    """The verdicts on M models, from their weights (in the engine's, standardised, space); ``fresh``: trained
    from newly drawn weights, not continued from ``init``."""
    ok = finite(result.params, result.losses)
    parts = []
    for part, logits in logits_by_models(stacked, data.X):
        prob = torch.sigmoid(torch.from_numpy(logits)).numpy()
        parts.append(assess(prob, logits, data.y, result.start_loss[part], ok[part], data.weights, fresh=fresh))
    return Assessment(*(np.concatenate(field) for field in zip(*parts)))


@contextlib.contextmanager
def _logging(
    log_dir: str | None, log_every: int, data: TrainingData, hidden: int, batch_size: int, epochs_before: int
) -> Iterator[Logger | None]:
    """A TensorBoard logger for this training run (None without ``log_dir``), closed at the end."""
    if log_dir is None:
        yield None
        return
    logger = Logger(
        log_dir,
        log_every=log_every,
        X=data.X if data.scaling is None else unstandardize(data.X, data.scaling),  # the figure's raw axes
        y=data.y,
        ranges=data.ranges,
        hidden=hidden,
        first_batch=batch_size,
        epochs_before=epochs_before,
    )
    try:
        yield logger
    finally:
        logger.close()


def _record(data: TrainingData) -> dict[str, Any]:
    """What every model remembers of its training data."""
    return {
        "null_loss": null_loss(data.y, data.weights),
        "scaling": data.scaling,
        "ranges": data.ranges,
        "feature_names": data.feature_names,
    }


def train(
    X: Any,
    y: Any,
    *,
    hidden: int = 4,
    lr: float = 0.1,
    batch_size: int = 128,
    epochs: int = 100,
    seed: int | None = None,
    device: str = "auto",
    scale: bool = False,
    progress: bool = False,
    callback: Callable[..., Any] | None = None,
    engine: str = "fast",
    init: Any = None,
    sample_weight: Any = None,
    valid: Any = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    weight_decay: float = 0.0,
    class_weight: Any = None,
    heartbeat: Callable[[], Any] | None = None,
    log_dir: str | os.PathLike[str] | None = None,
    log_every: int = 10,
) -> dict[str, Any]:
    """Train the tutorial's ``SimpleClassifier`` (continuous XOR, or any numeric inputs).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n, p)
        Inputs: p >= 1 numeric columns (2 in the tutorial). A data frame's
        column names are recorded, and ``predict`` then matches columns by name.
        A model trained from R takes R's design matrix: the columns of
        ``model.matrix(formula, data)`` without its intercept, in that order
        (factor levels as 0/1 dummy columns); its ``$spec$predictors`` names them.
    y : array-like of shape (n,)
        Labels, 0 or 1.
    hidden : int, default=4
        Units in the hidden layer, 1 to 4096. Ignored when ``init`` is given.
    lr : float, default=0.1
        SGD learning rate.
    batch_size : int, default=128
        Mini-batch size; the last partial batch of an epoch is kept.
    epochs : int, default=100
        Passes over the data, each with a fresh shuffle.
    seed : int or None, default=None
        Determines the initial weights and every shuffle. On the CPU the same
        seed gives bit-identical weights. ``None`` draws a seed from torch's
        global generator (so ``torch.manual_seed`` makes it reproducible, as in
        the tutorial) and records it in ``model["config"]["seed"]``.
    device : str, default="auto"
        "auto" (CUDA when available), "cpu", "cuda", "cuda:N" or "mps".
    scale : bool, default=False
        Standardise each input (mean 0, standard deviation 1, as R's
        ``scale()``) while training, then fold that into the first layer: the
        returned weights take raw inputs, and a file saved from them is a plain
        state_dict. Use it for your own data: large, uncentred inputs saturate
        tanh and the fit learns nothing. The tutorial's data needs none.
        Ignored when ``init`` is given (its scaling is used, as its hidden size is).
    progress : bool, default=False
        Show a tqdm progress bar.
    callback : callable or None, default=None
        Called after each epoch as ``callback(epoch, loss)``, or, if it takes
        three arguments, ``callback(epoch, loss, info)`` with ``info`` =
        ``{"valid_loss", "valid_accuracy", "weights"}`` (the current weights
        on raw inputs, read-only arrays). Returning ``False`` stops training:
        the model so far is returned. An exception it raises propagates.
    engine : {"fast", "autograd"}, default="fast"
        "fast" uses hand-written gradients; "autograd" the tutorial's
        ``loss.backward()`` and ``torch.optim.SGD``. Both compute the same thing.
    init : dict or SimpleClassifier or None, default=None
        A model to continue training from: its weights are the starting point,
        its hidden size, scaling and column names win over the arguments, and
        its loss history is kept in front of the new epochs'.
    sample_weight : array-like of shape (n,) or None, default=None
        Case weights, as scikit-learn's ``fit(sample_weight=)`` and R's
        ``glm(weights =)`` take them: non-negative, not all zero. Each row's
        loss is multiplied by its weight over the mean weight, so weights of 1
        train exactly as none do. The losses, the null loss and the accuracy
        the model records are weighted means.
    valid : float, (X_valid, y_valid) or None, default=None
        A validation set, measured after every epoch: a fraction of the rows
        held out (stratified by class, drawn from ``seed``) or your own pair.
        The model records ``valid_loss`` and ``valid_accuracy`` per epoch.
    patience : int or None, default=None
        Early stopping (needs ``valid``): stop once the validation loss has not
        improved by ``min_delta`` for ``patience`` epochs, and return the
        weights of the best validation epoch (``best_epoch``).
    min_delta : float, default=0.0
        The improvement in validation loss that counts, for ``patience``.
    weight_decay : float, default=0.0
        L2 regularisation as ``torch.optim.SGD`` (and nnet's ``decay``) define
        it: each step also shrinks every weight and bias by ``lr * weight_decay``
        times itself.
    class_weight : "balanced", dict or None, default=None
        Weights per class, multiplying ``sample_weight``: "balanced" gives each
        class the weight n / (2 n_class), as scikit-learn does; ``{0: w0, 1: w1}``
        sets them. For a rare class, with ``predict(kind="class", threshold=)``.
    heartbeat : callable or None, default=None
        Called between batches at least every 0.2 s of training; an exception it
        raises stops training, and so does a string it returns (raised as
        ``RuntimeError(reason)``). Use it to stop a long fit from outside, by
        a deadline or a flag another thread sets.
    log_dir : str, path or None, default=None
        Write TensorBoard event files there, as the tutorial's
        ``train_model_with_logger`` does (needs the ``tensorboard`` extra): the
        model graph, the training loss per epoch as the tutorial computes it,
        the mean of the batch losses (``training_loss``; the result's ``loss``
        is the mean over rows, a little different when the last batch is
        short), the
        validation loss with ``valid`` (``validation_loss``) and, for two-input
        models, the decision boundary every ``log_every`` epochs
        (``predictions``). Logging reads the weights only: the model is the
        same with or without it. View it with :func:`tensorboard`.
    log_every : int, default=10
        Epochs between decision-boundary figures.

    Returns
    -------
    model : dict
        ``state`` (the tutorial's state_dict names, NumPy arrays), ``loss``
        mean training loss per epoch (``init``'s epochs first), ``config``,
        ``device``, ``seconds``, and what the fit is worth on its training
        data: ``train_loss`` and ``train_accuracy`` (the final weights),
        ``null_loss`` (the intercept-only loss), ``converged`` (False when
        the loss is not meaningfully below the null loss); and what predict
        needs: ``scaling`` (None, or the folded ``center`` and ``scale``),
        ``ranges`` ((p, 2) training minimum and maximum of each input) and
        ``feature_names`` (a data frame's columns, else None); and how training
        went: ``valid_loss`` and ``valid_accuracy`` (per epoch, None without
        ``valid``), ``best_epoch`` (of the lowest validation loss), ``epochs_run``
        (this call's, fewer than ``epochs`` when stopped) and ``stopped_by``
        ("epochs", "early stopping" or "callback").

    Raises
    ------
    ValueError
        For bad arguments, and when training diverges: the loss or weights
        overflow, or the final loss ends above both the starting loss and the
        intercept-only loss (see :mod:`xortorch._diagnostics`).

    Warns
    -----
    FitWarning
        When the fit learned nothing or predicts one class for every row
        (naming the likely cause and what to change), when ``y`` holds one
        class, and when there are fewer rows than parameters.

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(2500, seed=1)
    >>> model = xt.train(X, y, seed=1)
    >>> model["converged"], round(model["train_accuracy"], 2)
    (True, 1.0)
    """
    start = None if init is None else as_model(init, "init")
    seed = resolve_seed(seed)
    data = _training_data(
        X, y, scale=scale, start=start, sample_weight=sample_weight, valid=valid, seed=seed, class_weight=class_weight
    )
    lr = check_lr(lr)
    weight_decay = _check_weight_decay(weight_decay)
    patience, min_delta = _check_early_stopping(patience, min_delta, data)
    _check_callables(callback=callback, heartbeat=heartbeat)
    log_dir, log_every = check_log_dir(log_dir, log_every)
    if start is not None:
        hidden = hidden_units(start)
    hidden, batch_size, epochs = _check_options(hidden, batch_size, epochs, engine)
    dev = resolve_device(device)
    progress = check_flag(progress, "progress")
    n, p = data.X.shape
    check_step_memory(1, hidden, min(batch_size, n))
    warn_before_training(data.y, data.weights)

    start_state = None
    if start is not None:
        start_state = start["state"] if data.scaling is None else unfold(start["state"], data.scaling)
    before = np.zeros(0) if start is None else np.asarray(start.get("loss", []), np.float64).reshape(-1)
    logging = _logging(log_dir, log_every, data, hidden, batch_size, before.size)
    with _progress_bar(progress, epochs, "Training") as bar, logging as logger:
        monitor = Monitor(
            valid=data.valid,
            patience=patience,
            min_delta=min_delta,
            callback=callback,
            raw_weights=lambda state: (
                fold(state, data.scaling) if data.scaling else {k: v.copy() for k, v in state.items()}
            ),
            on_epoch=None if bar is None else lambda epoch, loss: bar.update(1),
            logger=logger,
        )
        result = fit(
            data.X,
            data.y,
            seeds=[seed],
            lrs=[lr],
            hidden=hidden,
            batch_size=batch_size,
            epochs=epochs,
            device=dev,
            engine=engine,
            on_epoch=None if bar is None and callback is None and data.valid is None and logger is None else monitor,
            init=start_state,
            weights=data.weights,
            weight_decay=weight_decay,
            heartbeat=heartbeat,
        )
    if patience is not None and monitor.best is not None:  # the best validation epoch's weights
        result = result._replace(params=monitor.best)
    state = unstack(result.params, 0)
    verdict = _judge(result, {k: v[None] for k, v in state.items()}, data, fresh=start is None)
    if verdict.diverged[0]:
        end = float(verdict.train_loss[0]) if finite(result.params, result.losses)[0] else float("inf")
        null = null_loss(data.y, data.weights)
        raise ValueError(divergence_message(lr, float(result.start_loss[0]), end, null, weight_decay))
    warn_after_training(
        verdict,
        data.y,
        largest_input=data.largest,
        scaled=data.scaling is not None,
        epochs=int(result.losses.shape[1]),
        weights=data.weights,
    )
    rows = n if data.weights is None else int(np.count_nonzero(data.weights))
    warn_if_memorised(verdict, rows, hidden * (p + 2) + 1)
    loss = np.concatenate([before, result.losses[0]])
    history: dict[str, Any] = {"valid_loss": None, "valid_accuracy": None, "best_epoch": None}
    if data.valid is not None:
        pad = np.full(before.size, np.nan)
        history = {
            "valid_loss": np.concatenate([pad, monitor.valid_loss]),
            "valid_accuracy": np.concatenate([pad, monitor.valid_accuracy]),
            "best_epoch": before.size + monitor.best_epoch,
        }
    config = dict(
        hidden=hidden,
        lr=lr,
        batch_size=batch_size,
        epochs=epochs,
        seed=seed,
        engine=engine,
        n=n,
        scale=data.scaling is not None,
        weight_decay=weight_decay,
    )
    return {
        "state": state if data.scaling is None else fold(state, data.scaling),
        "loss": loss,
        "config": config,
        "device": str(dev),
        "seconds": result.seconds,
        "train_loss": float(verdict.train_loss[0]),
        "train_accuracy": float(verdict.train_accuracy[0]),
        "converged": bool(verdict.converged[0]),
        **history,
        "epochs_run": int(result.losses.shape[1]),
        "stopped_by": monitor.stopped_by,
        **_record(data),
    }


def sweep(
    X: Any,
    y: Any,
    *,
    lr: Sequence[float] = (0.01, 0.1, 1.0),
    seeds: Sequence[int] = (0, 1, 2),
    hidden: int = 4,
    batch_size: int = 128,
    epochs: int = 100,
    device: str = "auto",
    scale: bool = False,
    progress: bool = False,
    callback: Callable[[int, np.ndarray], Any] | None = None,
    sample_weight: Any = None,
    weight_decay: float = 0.0,
    heartbeat: Callable[[], Any] | None = None,
    valid: Any = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    executor: Any = None,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Train one model per combination of the settings, all at once, vectorised over models.

    Model ``i`` is the one ``train(X, y, lr=lr_i, seed=seed_i, ...)`` gives
    (same initial weights, same batches, the same bits on the CPU). Models
    that share ``hidden``, ``batch_size``, ``epochs`` and ``weight_decay``
    train together in one call of the engine.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n, p)
    y : array-like of shape (n,)
    lr : sequence of float
        Learning rates; crossed with ``seeds``.
    seeds : sequence of int
        Seeds; crossed with ``lr``.
    hidden, batch_size, epochs, weight_decay : int (float) or sequence
        As for :func:`train`; a sequence adds every value to the grid.
    device, scale, progress, sample_weight, heartbeat
        As for :func:`train`.
    callback : callable or None, default=None
        Called as ``callback(epoch, loss)`` after each epoch (epoch counts from
        1, ``loss`` the (M,) mean losses); returning ``False`` stops every
        model there; an exception it raises propagates.
    valid : (X_valid, y_valid) or None, default=None
        Held-out data every model is measured on after each epoch, as in
        :func:`train`. (A fraction is :func:`train`'s only: it splits the rows
        by seed, so the seeds would train on different rows.)
    patience, min_delta
        As for :func:`train`, per model: a model stops as it would alone, and
        keeps its best validation epoch's weights.
    executor : concurrent.futures.Executor or None, default=None
        Where to train: ``None`` here, on this machine's free cores; a
        ``ProcessPoolExecutor``, or a Dask cluster's ``client.get_executor()``,
        trains chunks of the grid there (the data goes to each Dask worker
        once). Every model has the same bits as here, whatever the chunks and
        workers. Not with ``callback`` or ``heartbeat``, which run here;
        ``progress=True`` counts finished models. For cross-validated searches
        over other settings, scikit-learn's ``GridSearchCV(XORClassifier())``
        under ``joblib.parallel_backend("dask")`` spreads one fit per task.
    chunk_size : int or None, default=None
        Models per chunk with ``executor``; ``None``: about four chunks per
        worker.

    Returns
    -------
    result : dict of columns, one row per model (M, the product of the lengths)
        Rows run over the settings, then ``lr``, then ``seeds`` (the last
        fastest). ``lr`` (M,), ``seed`` (M,), ``hidden``, ``batch_size``,
        ``epochs``, ``weight_decay`` (M,), ``final_loss`` (M,) the last epoch's loss,
        ``accuracy`` (M,) on ``(X, y)``, ``diverged`` (M,) and ``converged``
        (M,) as :func:`train` judges them, ``train_loss`` (M,), ``loss`` (M,
        epochs; NaN past a model's own epochs), ``state`` (the weights, each
        with a leading model dimension; a model with fewer hidden units than
        the largest is padded with zero units, which change no prediction, and
        :func:`sweep_model` takes them off), with ``valid`` also
        ``valid_loss`` and ``valid_accuracy`` (M, epochs), ``best_epoch`` and
        ``epochs_run`` (M,) (a model stopped by ``patience`` has NaN curves
        after its last epoch),
        ``seconds``, ``device``, and as in :func:`train`'s model ``null_loss``,
        ``scaling``, ``ranges``, ``feature_names``. A model that diverged
        (where ``train`` raises) has ``final_loss`` inf and ``accuracy`` NaN
        instead of failing the whole sweep; its ``loss`` curve keeps what was
        measured. No warnings: read ``converged``.

    Raises
    ------
    TypeError
        Arguments of the wrong type, as :func:`train` checks them.
    ValueError
        Arguments out of range, or more models x points than ``MAX_POINTS``.
    RuntimeError
        A Dask worker without xortorch, or with another version (named, before
        any training).
    xortorch._distributed.SweepIncomplete
        Chunks that failed on the executor and could not be rerun: it names
        the missing rows and keeps the finished chunks.

    Examples
    --------
    >>> import numpy as np
    >>> import xortorch as xt
    >>> X, y = xt.make_data(1000, seed=1)
    >>> runs = xt.sweep(X, y, lr=[0.1, 1.0], seeds=[1, 2], epochs=100)
    >>> runs["lr"], runs["seed"]
    (array([0.1, 0.1, 1. , 1. ]), array([1, 2, 1, 2]))
    >>> runs["state"]["linear1.weight"].shape  # models x hidden x inputs
    (4, 4, 2)
    """
    if isinstance(check_valid(valid), float):
        raise ValueError(
            "`valid` as a fraction splits the rows by seed, so each seed would train on other rows; give held-out "
            "data, `valid=(X_valid, y_valid)`, or train() one model at a time."
        )
    data = _training_data(X, y, scale=scale, start=None, sample_weight=sample_weight, valid=valid)
    patience, min_delta = _check_early_stopping(patience, min_delta, data)
    lrs = _check_sequence(lr, "lr", check_lr)
    seed_list = _check_sequence(seeds, "seeds", resolve_seed_strict)
    settings = list(
        itertools.product(
            _check_sequence(hidden, "hidden", _check_hidden),
            _check_sequence(batch_size, "batch_size", _check_batch_size),
            _check_sequence(epochs, "epochs", _check_epochs),
            _check_sequence(weight_decay, "weight_decay", _check_weight_decay),
        )
    )
    dev = resolve_device(device)
    progress = check_flag(progress, "progress")
    _check_callables(callback=callback, heartbeat=heartbeat)
    if (callback is not None or heartbeat is not None) and len(settings) > 1:
        raise ValueError(
            "`callback` and `heartbeat` follow one group of models trained together; with several `hidden`, "
            "`batch_size`, `epochs` or `weight_decay` values, use `progress=True` or one sweep per setting."
        )
    # Settings outermost, then lr, then seed: with one value of each setting, the (lr, seed) grid as always.
    grid = [Row(r, sd, *setting) for setting in settings for r, sd in itertools.product(lrs, seed_list)]
    n = data.X.shape[0]
    if len(grid) * n > MAX_POINTS:
        raise ValueError(
            f"{len(grid)} models x {n:,} points exceeds the limit of {MAX_POINTS:,}; "
            "use fewer `lr`/`seeds` or less data."
        )
    for h, b, _, _ in settings:
        check_step_memory(len(lrs) * len(seed_list), h, min(b, n))
    if executor is not None:
        return _sweep_on(
            executor, chunk_size, progress, callback, heartbeat, (data, grid, str(dev), patience, min_delta)
        )
    total_epochs = sum(setting[2] for setting in settings)
    with _progress_bar(progress, total_epochs, f"Training {len(grid)} models") as bar:

        def on_epoch(epoch: int, loss: torch.Tensor, current: Any, batch_loss: torch.Tensor) -> bool:
            if bar is not None:
                bar.update(1)
            return callback is None or callback(epoch + 1, loss.cpu().numpy()) is not False

        follow = None if callback is None and bar is None else on_epoch
        return _sweep_rows(data, grid, dev, patience, min_delta, on_epoch=follow, heartbeat=heartbeat)


class Row(NamedTuple):
    """One model of a sweep's grid."""

    lr: float
    seed: int
    hidden: int
    batch_size: int
    epochs: int
    weight_decay: float


def _sweep_rows(
    data: TrainingData,
    rows: list[Row],
    dev: torch.device,
    patience: int | None = None,
    min_delta: float = 0.0,
    *,
    on_epoch: OnEpoch | None = None,
    heartbeat: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """The models of ``rows``: each run of rows with the same shape and schedule trained together."""
    parts = []
    for (h, b, e, wd), group in itertools.groupby(rows, key=lambda row: row[2:]):
        pairs = [(row.lr, row.seed) for row in group]
        part = _sweep_grid(
            data, pairs, h, b, e, dev, wd, on_epoch=on_epoch, heartbeat=heartbeat, patience=patience,
            min_delta=min_delta,
        )  # fmt: skip
        for key, value in (("hidden", h), ("batch_size", b), ("epochs", e), ("weight_decay", wd)):
            part[key] = np.full(len(pairs), value, dtype=np.float64 if key == "weight_decay" else np.int64)
        parts.append(part)
    merged = _merge_parts(parts)
    merged["seconds"] = sum(part["seconds"] for part in parts)
    return merged


def _sweep_grid(
    data: TrainingData,
    grid: list[tuple[float, int]],
    hidden: int,
    batch_size: int,
    epochs: int,
    dev: torch.device,
    weight_decay: float,
    *,
    on_epoch: OnEpoch | None = None,
    heartbeat: Callable[[], Any] | None = None,
    patience: int | None = None,
    min_delta: float = 0.0,
) -> dict[str, Any]:
    """The models of ``grid``'s (lr, seed) pairs, trained together: :func:`sweep`'s columns."""
    monitor = None
    if data.valid is not None:
        monitor = SweepMonitor(data.valid, models=len(grid), patience=patience, min_delta=min_delta, follow=on_epoch)
        on_epoch = monitor
    result = fit(
        data.X,
        data.y,
        seeds=[s for _, s in grid],
        lrs=[r for r, _ in grid],
        hidden=hidden,
        batch_size=batch_size,
        epochs=epochs,
        device=dev,
        on_epoch=on_epoch,
        weights=data.weights,
        weight_decay=weight_decay,
        heartbeat=heartbeat,
    )
    run = np.full(len(grid), result.losses.shape[1], dtype=np.int64)
    curves: dict[str, np.ndarray] = {"loss": result.losses}
    if monitor is not None:
        if patience is not None and monitor.best is not None:  # each model's best validation epoch's weights
            result = result._replace(params=monitor.best)
        run = np.where(monitor.stopped > 0, monitor.stopped, run)
        curves["valid_loss"] = np.stack(monitor.valid_loss, axis=1)
        curves["valid_accuracy"] = np.stack(monitor.valid_accuracy, axis=1)
        # What a model would not have trained alone: its curves end with its last epoch.
        after = np.arange(result.losses.shape[1])[None, :] >= run[:, None]
        curves = {name: np.where(after, np.nan, curve) for name, curve in curves.items()}
    states = [unstack(result.params, i) for i in range(len(grid))]
    stacked = {k: np.stack([s[k] for s in states]) for k in states[0]}
    verdict = _judge(result, stacked, data)
    return {
        "lr": np.array([r for r, _ in grid], dtype=np.float64),
        "seed": np.array([s for _, s in grid], dtype=np.int64),
        "final_loss": np.where(verdict.diverged, np.inf, result.losses[np.arange(len(grid)), run - 1]),
        "accuracy": verdict.train_accuracy.astype(np.float64),
        "diverged": verdict.diverged,
        "converged": verdict.converged,
        "train_loss": np.where(verdict.diverged, np.inf, verdict.train_loss),
        **curves,
        **({} if monitor is None else {"best_epoch": monitor.best_epoch.copy(), "epochs_run": run}),
        "state": stacked if data.scaling is None else fold(stacked, data.scaling),
        "seconds": result.seconds,
        "device": str(dev),
        **_record(data),
    }


#: The columns of a sweep's result with one row per model; the rest are shared by all models.
_PER_MODEL = (
    "lr", "seed", "hidden", "batch_size", "epochs", "weight_decay",
    "final_loss", "accuracy", "diverged", "converged", "train_loss",
)  # fmt: skip


#: A sweep's per-epoch curves, (M, epochs), padded with NaN to the longest.
_CURVES = ("loss", "valid_loss", "valid_accuracy")


def _merge_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Sweep results one after the other. Models of fewer hidden units are padded with zero units, which add
    nothing to any prediction (tanh(0) x 0), and shorter loss curves with NaN, so that every column stacks;
    ``sweep_model`` takes the padding off again."""
    if len(parts) == 1:
        return parts[0]
    merged = dict(parts[0])
    for key in (*_PER_MODEL, "best_epoch", "epochs_run"):
        if key in merged:
            merged[key] = np.concatenate([part[key] for part in parts])
    epochs = max(part["loss"].shape[1] for part in parts)
    for key in _CURVES:
        if key in merged:
            merged[key] = np.concatenate(
                [
                    np.pad(part[key], ((0, 0), (0, epochs - part[key].shape[1])), constant_values=np.nan)
                    for part in parts
                ]
            )
    hidden = max(part["state"]["linear1.bias"].shape[1] for part in parts)
    axis = {"linear1.weight": 1, "linear1.bias": 1, "linear2.weight": 2, "linear2.bias": None}
    state = {}
    for key, along in axis.items():
        padded = []
        for part in parts:
            value = part["state"][key]
            if along is not None:
                widths = [(0, 0)] * value.ndim
                widths[along] = (0, hidden - value.shape[along])
                value = np.pad(value, widths)
            padded.append(value)
        state[key] = np.concatenate(padded)
    merged["state"] = state
    return merged


def _sweep_chunk(settings: tuple, rows: list[int]) -> dict[str, Any]:
    """One chunk of a sweep on an executor's worker: the models of ``rows`` of the grid."""
    data, grid, device, patience, min_delta = settings
    return _sweep_rows(data, [grid[row] for row in rows], resolve_device(device), patience, min_delta)


def _sweep_on(
    executor: Any,
    chunk_size: Any,
    progress: bool,
    callback: Callable[..., Any] | None,
    heartbeat: Callable[[], Any] | None,
    settings: tuple,
) -> dict[str, Any]:
    """:func:`sweep` on an executor: chunks of the grid, gathered in grid order."""
    from . import __version__
    from ._distributed import check_executor, check_workers, chunk_rows, map_chunks

    check_executor(executor)
    if callback is not None or heartbeat is not None:
        raise ValueError(
            "`callback` and `heartbeat` run in this process, so they cannot follow a sweep on an `executor`; "
            "use `progress=True` to follow it."
        )
    if chunk_size is not None:
        chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    grid = settings[1]
    check_workers(executor, __version__)
    started = time.perf_counter()
    chunks = chunk_rows(len(grid), executor, chunk_size)
    with _progress_bar(progress, len(grid), f"Training {len(grid)} models") as bar:
        parts = map_chunks(executor, _sweep_chunk, settings, chunks, on_done=None if bar is None else bar.update)
    merged = dict(_merge_parts(parts))
    merged["seconds"] = time.perf_counter() - started
    return merged


def sweep_model(result: dict[str, Any], i: int) -> dict[str, Any]:
    """Model ``i`` of a :func:`sweep` as :func:`train` returns one (what R's
    ``xor_sweep_model()`` gives): its weights, loss curve and verdicts.

    Parameters
    ----------
    result : dict
        What :func:`sweep` returned.
    i : int
        The row, 0 to M - 1.

    Returns
    -------
    model : dict
        As :func:`train` returns one, for ``lr[i]`` and ``seed[i]``.

    Raises
    ------
    TypeError
        ``result`` is not a sweep's result, or ``i`` not a whole number.
    ValueError
        ``i`` out of range.

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(500, seed=1)
    >>> s = xt.sweep(X, y, lr=[0.1, 1.0], seeds=[1], epochs=30)
    >>> m = xt.sweep_model(s, int(s["final_loss"].argmin()))
    >>> sorted(m["state"])
    ['linear1.bias', 'linear1.weight', 'linear2.bias', 'linear2.weight']
    """
    models = len(result["lr"])
    i = check_int(i, "i", minimum=0, maximum=models - 1)
    loss = result["loss"][i]
    state = {k: np.array(v[i]) for k, v in result["state"].items()}
    config: dict[str, Any] = {"lr": float(result["lr"][i]), "seed": int(result["seed"][i])}
    if "hidden" in result:  # take off the padding of a grid of several sizes and schedules
        hidden, epochs = int(result["hidden"][i]), int(result["epochs"][i])
        state["linear1.weight"] = state["linear1.weight"][:hidden].copy()
        state["linear1.bias"] = state["linear1.bias"][:hidden].copy()
        state["linear2.weight"] = state["linear2.weight"][:, :hidden].copy()
        loss = loss[: int(result["epochs_run"][i]) if "epochs_run" in result else epochs]
        config.update(hidden=hidden, batch_size=int(result["batch_size"][i]), epochs=epochs,
                      weight_decay=float(result["weight_decay"][i]))  # fmt: skip
    config.setdefault("epochs", int(loss.size))
    validation: dict[str, Any] = {}
    if "valid_loss" in result:  # as train(valid=, patience=) records them
        run = int(result["epochs_run"][i])
        validation = {
            "valid_loss": result["valid_loss"][i][:run].copy(),
            "valid_accuracy": result["valid_accuracy"][i][:run].copy(),
            "best_epoch": int(result["best_epoch"][i]),
            "epochs_run": run,
            "stopped_by": "early stopping" if run < config["epochs"] else "epochs",
        }
    return {
        "state": state,
        "loss": loss.copy(),
        "config": config,
        **validation,
        "device": result["device"],
        "seconds": result["seconds"],
        "train_loss": float(result["train_loss"][i]),
        "train_accuracy": float(result["accuracy"][i]),
        "converged": bool(result["converged"][i]),
        "null_loss": result["null_loss"],
        "scaling": result["scaling"],
        "ranges": result["ranges"],
        "feature_names": result["feature_names"],
    }


def resolve_seed_strict(value: Any) -> int:
    if value is None:
        raise TypeError("`seeds` must hold integers, not None.")
    return resolve_seed(value, "seeds")


def _check_sequence(values: Any, name: str, check: Callable[[Any], Any]) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    if not values:
        raise ValueError(f"`{name}` must hold at least one value.")
    return [check(v) for v in values]
