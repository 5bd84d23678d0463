"""Is a fit any good? The rules ``train`` and ``sweep`` judge every model by.

A model is compared with two yardsticks, both measured on the training data:

* the **intercept-only (null) loss**: the BCE of predicting the share of class
  1 for every row, the loss of a model that learned nothing from the inputs
  (glm's null deviance / 2n);
* the **starting loss**: the loss of the initial weights.

**Diverged** (an error in ``train``, an infinite loss and NaN accuracy in
``sweep``): the loss or the weights are not finite, or the final weights'
loss is more than ``DIVERGED_ABOVE`` times the larger yardstick. Gradient
descent with a sensible learning rate does not end above both where it started
and where a constant prediction would be; overflow alone (the old rule) misses
learning rates such as 100 or 1e10 that leave finite but useless weights.

**Learned nothing** (a :class:`FitWarning`; ``converged`` is False): the final
loss is not below ``LEARNED_BELOW`` times the null loss.

**Did not train** (a :class:`FitWarning`; ``converged`` is False): from fresh
weights, the loss moved by less than ``MOVED_AT_LEAST`` of where it started. A
learning rate such as 1e-30 leaves the initial weights as drawn, which on some
seeds beat the null loss by chance; that is not a fit. (A model continued with
``init`` may move little: it is judged on its loss alone.)
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np

#: A final loss above this multiple of max(starting loss, null loss) is divergence.
DIVERGED_ABOVE = 1.1

#: A final loss not below this multiple of the null loss learned nothing.
LEARNED_BELOW = 0.99

#: From fresh weights, a loss that moved by less than this share of the starting loss did not train.
MOVED_AT_LEAST = 1e-4

#: Inputs larger than this (in absolute value, unscaled) saturate tanh from the
#: first step: nn.Linear's initial weights are about 1/sqrt(p), and tanh is flat past 3.
SATURATING_INPUT = 10.0


class FitWarning(UserWarning):
    """A fit that finished but is unlikely to be useful: it learned nothing,
    did not train, predicts one class for every row, has a constant input or
    seems to have memorised its rows. Silence it with
    ``warnings.simplefilter("ignore", xortorch.FitWarning)``.

    Examples
    --------
    >>> import warnings
    >>> import xortorch as xt
    >>> X, y = xt.make_data(200, seed=1)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = xt.train(X, y, seed=1, lr=1e-6, epochs=2)
    >>> caught[0].category is xt.FitWarning, model["converged"]
    (True, False)
    """


def bce(logits: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Mean (or ``weights``-weighted mean) BCE-with-logits along the last axis, in
    float64: ``softplus(z) - y z = softplus((1 - 2y) z)``, stable for any finite z."""
    z = np.asarray(logits, dtype=np.float64)
    loss = np.logaddexp(0.0, (1 - 2 * np.asarray(y, dtype=np.float64)) * z)
    return loss.mean(axis=-1) if weights is None else (loss @ weights) / weights.sum()


def null_loss(y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The intercept-only model's BCE: the binary entropy of the (weighted) share of class 1."""
    p = float(np.average(y, weights=weights))
    if p in (0.0, 1.0):
        return 0.0
    return -(p * math.log(p) + (1 - p) * math.log1p(-p))


class Assessment(NamedTuple):
    """Per-model verdicts, each of shape (M,)."""

    train_loss: np.ndarray  # the final weights' loss on the training data
    train_accuracy: np.ndarray
    diverged: np.ndarray
    converged: np.ndarray  # not diverged, and meaningfully below the null loss
    only_class: np.ndarray  # the class predicted for every training row, or -1 when both are
    still: np.ndarray  # from fresh weights, the loss barely moved: it did not train
    start_loss: np.ndarray


def assess(
    prob: np.ndarray,
    logits: np.ndarray,
    y: np.ndarray,
    start_loss: np.ndarray,
    finite: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    fresh: bool = True,
) -> Assessment:
    """Judge M models from their final probabilities and logits (M, n) on the
    training data, their starting losses (M,) and whether their weights and
    epoch losses are all finite (M,). Case ``weights`` weigh every figure;
    ``fresh`` says training started from newly drawn weights."""
    from ._predict import accuracy

    null = null_loss(y, weights)
    with np.errstate(invalid="ignore", over="ignore"):
        loss = bce(logits, y, weights)
        finite = finite & np.isfinite(loss)
        diverged = ~finite | (loss > DIVERGED_ABOVE * np.maximum(start_loss, null))
        still = np.abs(start_loss - loss) < MOVED_AT_LEAST * start_loss if fresh else np.zeros_like(diverged)
        converged = ~diverged & (loss < LEARNED_BELOW * null) & ~still
        classes = (prob >= 0.5)[..., weights != 0] if weights is not None else prob >= 0.5
        only_class = np.where(classes.all(axis=-1), 1, np.where(classes.any(axis=-1), -1, 0))
        acc = np.where(diverged, np.nan, accuracy(prob, y, weights=weights))
    return Assessment(loss, acc, diverged, converged, only_class, still, np.asarray(start_loss, np.float64))


def divergence_message(lr: float, start: float, end: float, null: float, weight_decay: float = 0.0) -> str:
    if lr * weight_decay >= 1:
        # Each step multiplies the weights by (1 - lr x weight_decay): past 1 that flips their sign, past 2 it grows.
        return (
            f"Training diverged at `weight_decay` = {weight_decay:g} with `lr` = {lr:g}: each step takes "
            f"lr x weight_decay = {lr * weight_decay:g} times the weights off them, which overshoots zero (it must "
            "stay below 1, and well below for a useful fit). Use a much smaller `weight_decay`, such as 1e-4 to 0.1."
        )
    if not math.isfinite(end):
        return (
            f"Training diverged at `lr` = {lr:g}: the loss or the weights overflowed to infinity or NaN. "
            "Use a smaller `lr`."
        )
    return (
        f"Training diverged at `lr` = {lr:g}: the training loss ended at {end:.4g}, above where it started "
        f"({start:.4g}) and above the intercept-only loss ({null:.4g}). Use a smaller `lr`."
    )


def warn_before_training(y: np.ndarray, weights: np.ndarray | None = None) -> None:
    """Data that cannot give a useful fit: one class only (rows of weight 0 do not count)."""
    if weights is not None:
        y = y[weights > 0]
    classes = np.unique(y)
    if classes.size == 1:
        warnings.warn(
            f"`y` holds only class {int(classes[0])} ({y.size} rows): the model can only learn to predict that class.",
            FitWarning,
            stacklevel=3,
        )


def warn_constant_inputs(ranges: np.ndarray, names: list[str] | None) -> None:
    """A column with one value carries no information the intercept does not (glm gives it an NA
    coefficient); its weights here keep their random start, which shifts predictions where it differs."""
    for j in np.flatnonzero(ranges[:, 0] == ranges[:, 1]):
        column = names[j] if names is not None else f"X[:, {j}]"
        warnings.warn(
            f"`{column}` is constant ({ranges[j, 0]:g} in every row): the network cannot learn its effect. Its "
            "weights keep their random start, so predictions for rows where it differs shift by an amount no "
            "data supports. Drop it from the inputs.",
            FitWarning,
            stacklevel=4,
        )


def warn_if_memorised(verdict: Assessment, n: int, parameters: int) -> None:
    """More weights than rows is evidence of memorising only once the fit classifies every row correctly:
    a network with more weights than rows often generalises (Sonar-like data, 156 rows and 249 weights,
    matched glm held out), while one that fits noise exactly does not."""
    if n < parameters and verdict.train_accuracy[0] == 1.0:
        warnings.warn(
            f"`X` has {n} rows for {parameters} parameters, and the network classifies all {n} of them correctly: "
            "it may have memorised them rather than learned a rule that generalises. Check it on held-out data "
            "(`valid`); fewer `hidden` units or more data make this less likely.",
            FitWarning,
            stacklevel=3,
        )


def warn_after_training(
    verdict: Assessment,
    y: np.ndarray,
    *,
    largest_input: float,
    scaled: bool,
    epochs: int,
    weights: np.ndarray | None = None,
) -> None:
    """Say what is wrong with one model (index 0 of ``verdict``) and what to try."""
    null = null_loss(y, weights)
    if weights is not None:
        y = y[weights > 0]
    if null == 0.0:
        return  # one class only: said before training
    problems = []
    if verdict.still[0]:
        moved = abs(float(verdict.start_loss[0] - verdict.train_loss[0]))
        span = f"{epochs} epoch{'s' * (epochs != 1)}"
        problems.append(
            f"The fit did not train: its loss moved by {moved:.2g} in {span} (from {verdict.start_loss[0]:.4f}), "
            "so the weights are still the random ones it started from."
        )
    elif not verdict.converged[0]:
        problems.append(
            f"The fit learned nothing: its training loss {verdict.train_loss[0]:.4f} is not below the "
            f"intercept-only loss {null:.4f} (the loss of predicting the share of class 1 for every row)."
        )
    predicted = int(verdict.only_class[0])
    if predicted >= 0:
        other = int(np.sum(y != predicted))
        problems.append(
            f"It predicts class {predicted} for every training row "
            f"({other} of {y.size} rows are class {1 - predicted})."
        )
    if not problems:
        return
    if verdict.still[0]:
        fix = "Use a larger `lr` (the tutorial's is 0.1) or more `epochs`."
    elif not scaled and largest_input > SATURATING_INPUT:
        fix = (
            f"The inputs are large or far from zero (up to {largest_input:.4g} in absolute value), which "
            "saturates tanh so that the gradient vanishes: standardise them with `scale`."
        )
    else:
        fix = "Try more `epochs` or another `lr`."
    warnings.warn(" ".join([*problems, fix]), FitWarning, stacklevel=3)
