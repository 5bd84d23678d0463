"""Case weights: train(sample_weight=) as scikit-learn and glm(weights =) take them."""

import numpy as np
import pytest
from realdata import mtcars_am

import xortorch as xt
from xortorch._model import PARAM_NAMES


@pytest.fixture(scope="module")
def data():
    return xt.make_data(600, seed=3)


def test_unit_weights_train_exactly_as_none(data):
    plain = xt.train(*data, seed=1, epochs=20)
    ones = xt.train(*data, seed=1, epochs=20, sample_weight=np.ones(600))
    twos = xt.train(*data, seed=1, epochs=20, sample_weight=np.full(600, 2.0))
    for key in PARAM_NAMES:
        assert np.array_equal(plain["state"][key], ones["state"][key])
        assert np.array_equal(plain["state"][key], twos["state"][key])


def test_a_weight_of_two_is_a_row_counted_twice():
    # From the same start, with the whole data in one batch (a mean does not see row order),
    # weighting 5 rows by 2 is the same fit as repeating them.
    X, y = mtcars_am()
    w = np.ones(32)
    w[:5] = 2.0
    start = xt.train(X, y, seed=1, epochs=1, lr=1e-30, scale=True)
    weighted = xt.train(X, y, seed=1, epochs=50, batch_size=64, sample_weight=w, init=start)
    repeated = xt.train(np.vstack([X, X[:5]]), np.r_[y, y[:5]], seed=1, epochs=50, batch_size=64, init=start)
    for key in PARAM_NAMES:
        np.testing.assert_allclose(weighted["state"][key], repeated["state"][key], atol=2e-5)
    assert weighted["null_loss"] == pytest.approx(repeated["null_loss"])
    assert weighted["train_loss"] == pytest.approx(repeated["train_loss"], abs=1e-6)
    assert weighted["train_accuracy"] == pytest.approx(repeated["train_accuracy"])


def test_zero_weights_drop_rows_and_the_engines_agree(data):
    X, y = data
    w = np.ones(600)
    w[::3] = 0.0
    fast = xt.train(X, y, seed=2, epochs=10, sample_weight=w)
    ref = xt.train(X, y, seed=2, epochs=10, sample_weight=w, engine="autograd")
    for key in PARAM_NAMES:
        np.testing.assert_allclose(fast["state"][key], ref["state"][key], atol=1e-5)
    np.testing.assert_allclose(fast["loss"], ref["loss"], atol=1e-5)
    swept = xt.sweep(X, y, lr=[0.1], seeds=[2], epochs=10, sample_weight=w)
    np.testing.assert_allclose(swept["state"]["linear1.weight"][0], fast["state"]["linear1.weight"], atol=1e-5)


@pytest.mark.parametrize(
    "w, pattern",
    [
        (np.ones(5), r"`sample_weight` must have shape \(600,\)"),
        (np.r_[-1.0, np.ones(599)], "`sample_weight` must be non-negative, found -1"),
        (np.zeros(600), "`sample_weight` is zero for every row"),
        (np.r_[np.nan, np.ones(599)], "`sample_weight` contains NaN"),
    ],
)
def test_bad_weights(data, w, pattern):
    with pytest.raises(ValueError, match=pattern):
        xt.train(*data, sample_weight=w)


def test_the_epoch_loss_is_the_weighted_mean(data):
    # An lr too small to move the weights: every batch sees the initial model.
    X, y = data
    w = np.where(y == 1, 3.0, 1.0)
    model = xt.train(X, y, seed=4, lr=1e-30, epochs=1, sample_weight=w)
    p = xt.predict(model, X).astype(np.float64)
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model["loss"][0] == pytest.approx(np.average(bce, weights=w), abs=1e-6)
