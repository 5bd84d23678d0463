"""train(scale=True): standardised while training, folded into the weights after."""

import warnings

import numpy as np
import pytest
from realdata import mtcars_am

import xortorch as xt
from xortorch._model import PARAM_NAMES
from xortorch._scaling import fold, scaling_of, standardize, unfold, unstandardize


def test_scaling_folds_into_the_first_layer_exactly():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[100, -3, 0.5], scale=[30, 0.1, 2], size=(50, 3))
    scaling = scaling_of(X)
    np.testing.assert_allclose(scaling["center"], X.mean(axis=0))
    np.testing.assert_allclose(scaling["scale"], X.std(axis=0, ddof=1))  # R's sd()
    state = {
        "linear1.weight": rng.normal(size=(4, 3)).astype(np.float32),
        "linear1.bias": rng.normal(size=4).astype(np.float32),
        "linear2.weight": rng.normal(size=(1, 4)).astype(np.float32),
        "linear2.bias": rng.normal(size=1).astype(np.float32),
    }
    Z = standardize(X.astype(np.float32), scaling)
    folded = fold(state, scaling)
    raw = xt.predict({"state": folded}, X, kind="logit")
    np.testing.assert_allclose(raw, xt.predict({"state": state}, Z, kind="logit"), rtol=1e-4, atol=1e-4)
    back = unfold(folded, scaling)
    for key in PARAM_NAMES:
        np.testing.assert_allclose(back[key], state[key], rtol=1e-5, atol=1e-5)


def test_constant_columns_and_one_row_keep_scale_one():
    # Like scikit-learn's StandardScaler: nothing to divide by, so divide by 1.
    scaling = scaling_of(np.array([[1.0, 5.0], [3.0, 5.0]]))
    np.testing.assert_array_equal(scaling["scale"], [np.sqrt(2), 1.0])
    np.testing.assert_array_equal(scaling_of(np.array([[2.0, 7.0]]))["scale"], [1.0, 1.0])


def test_scale_true_learns_mtcars_where_raw_inputs_learn_nothing():
    X, y = mtcars_am()
    with pytest.warns(xt.FitWarning, match="learned nothing"):
        raw = xt.train(X, y, seed=1, epochs=300)
    assert not raw["converged"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = xt.train(X, y, seed=1, epochs=300, scale=True)
    assert fit["converged"]
    # glm(am ~ hp + wt, binomial) fits mtcars to 0.875 accuracy (28 of 32); the network at least as well.
    assert xt.evaluate(fit, X, y) >= 0.875
    np.testing.assert_allclose(fit["scaling"]["center"], X.mean(axis=0))
    # Folded: the weights take raw inputs, and a plain state_dict carries them.
    plain = {"state": {k: fit["state"][k] for k in PARAM_NAMES}}
    np.testing.assert_array_equal(xt.predict(plain, X), xt.predict(fit, X))
    assert fit["config"]["scale"] is True and raw["config"]["scale"] is False


def test_scale_true_round_trips_a_file(tmp_path):
    X, y = mtcars_am()
    fit = xt.train(X, y, seed=1, epochs=50, scale=True)
    xt.save_model(fit, tmp_path / "m.pt")
    np.testing.assert_array_equal(xt.predict(xt.load_model(tmp_path / "m.pt"), X), xt.predict(fit, X))


def test_the_tutorials_fit_is_unchanged_by_the_scale_option():
    X, y = xt.make_data(1000, seed=1)
    a, b = xt.train(X, y, seed=2, epochs=40), xt.train(X, y, seed=2, epochs=40, scale=False)
    for key in PARAM_NAMES:
        assert np.array_equal(a["state"][key], b["state"][key])
    assert a["scaling"] is None


def test_init_continues_with_the_initial_models_scaling():
    X, y = mtcars_am()
    first = xt.train(X, y, seed=1, epochs=300, scale=True)
    # The default scale=False must not throw the scaled model back onto raw inputs.
    more = xt.train(X, y, seed=2, epochs=50, init=first)
    assert more["scaling"] is first["scaling"] or np.array_equal(more["scaling"]["center"], first["scaling"]["center"])
    assert more["loss"][300] < first["loss"][299] + 0.05
    assert more["loss"][-1] < 0.8 * more["null_loss"]


def test_scale_must_be_a_flag():
    X, y = mtcars_am()
    with pytest.raises(TypeError, match="`scale` must be True or False, not 'yes'"):
        xt.train(X, y, scale="yes")


def test_unstandardize_gives_back_the_raw_inputs():
    X, _ = mtcars_am()
    scaling = scaling_of(X)
    np.testing.assert_allclose(unstandardize(standardize(X, scaling), scaling), X, rtol=1e-6)
