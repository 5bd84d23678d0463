"""Honest fits: divergence is an error, a fit that learned nothing says so, and the model records it."""

import math
import re
import warnings

import numpy as np
import pytest
from realdata import mtcars_am

import xortorch as xt
from xortorch._diagnostics import bce, null_loss


@pytest.fixture(scope="module")
def data():
    return xt.make_data(2500, seed=11)


def test_null_loss_is_the_intercept_only_bce():
    assert null_loss(np.array([0, 1, 1, 0])) == pytest.approx(math.log(2))
    p = 13 / 32
    assert null_loss(np.array([1] * 13 + [0] * 19)) == pytest.approx(-(p * math.log(p) + (1 - p) * math.log(1 - p)))
    assert null_loss(np.array([1, 1, 1])) == 0.0


def test_bce_matches_torch_on_large_logits():
    z = np.array([-200.0, -3.0, 0.0, 5.0, 90.0], dtype=np.float32)
    y = np.array([1, 0, 1, 0, 1])
    import torch

    want = torch.nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(z), torch.tensor(y).float())
    assert bce(z, y) == pytest.approx(want.item(), rel=1e-6)


def test_the_tutorials_fit_records_a_useful_fit(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = xt.train(*data, seed=5)
    assert model["converged"] is True
    assert model["null_loss"] == pytest.approx(null_loss(data[1]))
    assert model["train_loss"] < 0.2 * model["null_loss"]
    assert model["train_accuracy"] >= 0.99


@pytest.mark.parametrize("lr", [100.0, 1e10, 1e30])
def test_divergence_without_overflow_is_an_error(data, lr):
    # These rates leave finite weights (no inf, no NaN) but a loss far above where it started.
    with pytest.raises(ValueError, match=rf"Training diverged at `lr` = {re.escape(f'{lr:g}')}:.*Use a smaller `lr`"):
        xt.train(*data, lr=lr, seed=1)


def test_a_sweep_marks_diverged_models(data):
    swept = xt.sweep(*data, lr=[0.1, 100.0, 1e10, 1e30, 1e37], seeds=[1], epochs=100)
    assert swept["diverged"].tolist() == [False, True, True, True, True]
    assert np.isfinite(swept["final_loss"][0]) and np.isinf(swept["final_loss"][1:]).all()
    assert swept["accuracy"][0] > 0.95 and np.isnan(swept["accuracy"][1:]).all()
    assert swept["converged"].tolist() == [True, False, False, False, False]
    # The curves keep what was measured, for plotting.
    assert np.isfinite(swept["loss"][1]).all()


@pytest.mark.parametrize("lr", [1e-50, 1e-40])
def test_an_lr_that_rounds_to_zero_in_float32_is_refused(data, lr):
    with pytest.raises(ValueError, match=r"`lr` = 1e-[45]0 is too small for float32"):
        xt.train(*data, lr=lr)
    with pytest.raises(ValueError, match=r"`lr` = .* is too small for float32"):
        xt.sweep(*data, lr=[0.1, lr])


def test_learned_nothing_warns_with_the_cause_and_the_fix():
    X, y = mtcars_am()
    with pytest.warns(xt.FitWarning) as record:
        model = xt.train(X, y, seed=1, epochs=300)
    text = " ".join(str(w.message) for w in record)
    assert "learned nothing" in text and "intercept-only" in text
    assert "`scale`" in text and "saturat" in text
    assert "class 0 for every training row" in text
    assert model["converged"] is False
    assert model["train_loss"] >= 0.99 * model["null_loss"]


def test_too_few_epochs_learned_nothing_names_epochs_and_lr(data):
    with pytest.warns(xt.FitWarning, match=r"did not train: its loss moved by .* in 1 epoch .*`lr`.*`epochs`"):
        model = xt.train(*data, seed=1, epochs=1, lr=1e-4)
    assert model["converged"] is False


def test_a_fit_whose_loss_barely_moved_did_not_converge():
    # lr = 1e-30: the weights stay where they were drawn; on some seeds those already beat the null loss by
    # chance. Not moving is not converging.
    X, y = mtcars_am()
    moved_not = []
    for seed in range(20):
        with pytest.warns(xt.FitWarning, match=r"did not train: its loss moved by [0-9.e+-]+ in 300 epochs"):
            model = xt.train(X, y, seed=seed, epochs=300, lr=1e-30, scale=True)
        moved_not.append(model["converged"])
    assert not any(moved_not)
    swept = xt.sweep(X, y, lr=[1e-30, 0.1], seeds=list(range(20)), epochs=300, scale=True)
    assert not swept["converged"][:20].any() and swept["converged"][20:].all()
    # Continuing a model that has converged moves its loss little, and it stays converged.
    fitted = xt.train(X, y, seed=1, epochs=500, scale=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert xt.train(X, y, seed=1, epochs=1, lr=1e-6, init=fitted)["converged"] is True


def test_weight_decay_that_overshoots_is_named_as_the_cause(data):
    with pytest.raises(ValueError, match=r"^Training diverged at `weight_decay` = 100 with `lr` = 0.1: each step "):
        xt.train(*data, weight_decay=100, seed=1)


def test_one_class_response_warns():
    X = np.random.default_rng(0).normal(size=(40, 2))
    with pytest.warns(xt.FitWarning, match=r"`y` holds only class 1 \(40 rows\)"):
        xt.train(X, np.ones(40, dtype=int), seed=1, epochs=5)


def test_more_weights_than_rows_warns_only_when_the_fit_memorised_them():
    # Issue 29: the warning fired on every Sonar fold although the network beat glm on held-out data. The
    # evidence that a fit will not generalise is that it fits every training row, with more weights than rows.
    rng = np.random.default_rng(10)
    X, y = rng.normal(size=(110, 3)), (rng.random(110) < 0.5).astype(int)  # pure noise
    with pytest.warns(xt.FitWarning, match=r"`X` has 10 rows for 21 parameters, and the network classifies all 10"):
        memorised = xt.train(X[:10], y[:10], seed=1, epochs=2000, scale=True)
    assert memorised["train_accuracy"] == 1.0 and xt.evaluate(memorised, X[10:], y[10:]) < 0.6
    # Sonar-like data: 156 rows, 60 inputs (249 weights), a signal in 8 of them. The tutorial's 100 epochs do
    # not memorise it, and held-out accuracy is about glm's: no warning.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(208, 60))
    w = np.zeros(60)
    w[:8] = rng.normal(size=8)
    y = (X @ w + rng.logistic(size=208) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = xt.train(X[:156], y[:156], seed=0, scale=True)
    assert model["train_accuracy"] < 1.0 and xt.evaluate(model, X[156:], y[156:]) > 0.65


def test_fit_warnings_are_user_warnings_that_filters_can_silence():
    assert issubclass(xt.FitWarning, UserWarning)
    X, y = mtcars_am()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", xt.FitWarning)
        xt.train(X, y, seed=1, epochs=20)


def test_nan_never_becomes_a_class(data):
    model = xt.train(*data, seed=5)
    big = np.array([[3e38, 3e38], [0.0, 1.0]])
    for kind in ("prob", "logit", "class"):
        with pytest.raises(ValueError, match=r"`X` has 1 row \(of 2\) where the network overflows float32"):
            xt.predict(model, big, kind=kind)
    with pytest.raises(ValueError, match="overflows float32"):
        xt.evaluate(model, big, [0, 1])


def test_a_constant_input_warns_and_says_what_becomes_of_it():
    X, y = mtcars_am()
    X = np.column_stack([X, np.full(32, 5.0)])
    with pytest.warns(xt.FitWarning, match=r"^`X\[:, 2\]` is constant \(5 in every row\): the network cannot learn"):
        xt.train(X, y, seed=1, epochs=50, scale=True)
    import pandas as pd

    frame = pd.DataFrame(X, columns=["hp", "wt", "five"])
    with pytest.warns(xt.FitWarning, match=r"^`five` is constant \(5 in every row\)"):
        xt.train(frame, y, seed=1, epochs=50, scale=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xt.train(X[:, :2], y, seed=1, epochs=300, scale=True)  # no constant column, no warning
