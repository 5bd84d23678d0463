import numpy as np
import pytest

import xortorch as xt
from xortorch._model import PARAM_NAMES


@pytest.fixture(scope="module")
def data():
    return xt.make_data(1000, seed=21)


def test_each_model_equals_the_same_model_trained_alone(data):
    result = xt.sweep(*data, lr=(0.05, 0.5), seeds=(3, 4), epochs=15)
    assert list(result["lr"]) == [0.05, 0.05, 0.5, 0.5]
    assert list(result["seed"]) == [3, 4, 3, 4]
    assert result["loss"].shape == (4, 15)
    np.testing.assert_array_equal(result["final_loss"], result["loss"][:, -1])
    for i, (lr, seed) in enumerate(zip(result["lr"], result["seed"])):
        alone = xt.train(*data, lr=float(lr), seed=int(seed), epochs=15)
        for key in PARAM_NAMES:
            np.testing.assert_allclose(result["state"][key][i], alone["state"][key], atol=1e-5)
        np.testing.assert_allclose(result["loss"][i], alone["loss"], atol=1e-6)
        assert result["accuracy"][i] == xt.evaluate(alone, *data)


def test_scalar_options_and_learning_rates_matter(data):
    result = xt.sweep(*data, lr=[0.001, 1.0], seeds=0, epochs=10)
    assert result["final_loss"][0] > result["final_loss"][1]


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"lr": []}, ValueError, "`lr` must hold at least one value"),
        ({"lr": [0.1, -1]}, ValueError, "`lr` must be a positive number, not -1"),
        ({"seeds": [None]}, TypeError, "`seeds` must hold integers"),
        ({"seeds": [1.5]}, TypeError, "`seeds` must be a whole number"),
        ({"epochs": 0}, ValueError, "`epochs`"),
        ({"seeds": range(60_000)}, ValueError, "models x .* exceeds the limit"),
    ],
)
def test_bad_arguments(data, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        xt.sweep(*data, **kwargs)


def test_repeated_seeds_still_match_models_trained_alone(data):
    # Seed 3 twice and seed 4 once: groups of unequal size take the per-model path.
    result = xt.sweep(*data, lr=(0.2,), seeds=(3, 4, 3), epochs=5)
    for i, seed in enumerate((3, 4, 3)):
        alone = xt.train(*data, lr=0.2, seed=seed, epochs=5)
        np.testing.assert_allclose(result["loss"][i], alone["loss"], atol=1e-6)
        np.testing.assert_allclose(result["state"]["linear1.weight"][i], alone["state"]["linear1.weight"], atol=1e-5)


def test_sweeps_take_any_number_of_inputs():
    X = np.random.default_rng(3).normal(size=(400, 3)).astype(np.float32)
    y = (X[:, 0] - X[:, 2] > 0).astype(int)
    result = xt.sweep(X, y, lr=(0.1, 0.5), seeds=(1,), epochs=5)
    assert result["state"]["linear1.weight"].shape == (2, 4, 3)
    alone = xt.train(X, y, lr=0.5, seed=1, epochs=5)
    np.testing.assert_allclose(result["state"]["linear1.weight"][1], alone["state"]["linear1.weight"], atol=1e-5)
