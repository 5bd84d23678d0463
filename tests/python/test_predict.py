import numpy as np
import pytest
import torch

import xortorch as xt
from xortorch import _predict


@pytest.fixture(scope="module")
def model():
    return xt.train(*xt.make_data(2500, seed=1), seed=1)


def test_predict_is_the_sigmoid_of_the_modules_logit(model):
    X, _ = xt.make_data(300, seed=2)
    prob = xt.predict(model, X)
    assert prob.shape == (300,) and ((prob >= 0) & (prob <= 1)).all()
    with torch.no_grad():
        expected = torch.sigmoid(xt.to_module(model)(torch.from_numpy(X))).numpy()[:, 0]
    np.testing.assert_allclose(prob, expected, atol=1e-6)


def test_predict_accepts_the_tutorials_module(model):
    X, _ = xt.make_data(10, seed=2)
    np.testing.assert_array_equal(xt.predict(xt.to_module(model), X), xt.predict(model, X))


def test_predict_is_chunked_without_changing_results(model, monkeypatch):
    X, _ = xt.make_data(1000, seed=3)
    whole = xt.predict(model, X)
    monkeypatch.setattr(_predict, "CHUNK_ROWS", 7)
    np.testing.assert_allclose(xt.predict(model, X), whole, atol=1e-6)


def test_evaluate_is_accuracy_with_threshold(model):
    X, y = xt.make_data(500, seed=4)
    acc = xt.evaluate(model, X, y)
    assert acc == np.mean((xt.predict(model, X) >= 0.5) == y)
    assert acc >= 0.99
    assert xt.evaluate(model, X, y, threshold=0.0) == np.mean(y == 1)
    with pytest.raises(ValueError, match="`threshold` must lie in"):
        xt.evaluate(model, X, y, threshold=2)


def test_grid_is_the_tutorials_meshgrid(model):
    grid = xt.predict_grid(model)
    assert grid["x1"].shape == (200,) and grid["x2"].shape == (200,)
    np.testing.assert_allclose(grid["x1"], torch.arange(-0.5, 1.5, step=0.01).numpy(), atol=1e-6)
    assert grid["prob"].shape == (200, 200)
    i, j = 30, 170  # prob[i, j] is at (x1[i], x2[j])
    point = np.array([[grid["x1"][i], grid["x2"][j]]])
    assert grid["prob"][i, j] == pytest.approx(xt.predict(model, point)[0], abs=1e-6)
    # XOR: the corners (0,0) and (1,1) are class 0, (0,1) and (1,0) class 1.
    at = lambda a, b: grid["prob"][np.argmin(abs(grid["x1"] - a)), np.argmin(abs(grid["x2"] - b))]
    assert at(0, 0) < 0.1 and at(1, 1) < 0.1 and at(0, 1) > 0.9 and at(1, 0) > 0.9


def test_grid_rectangular_and_chunked(model, monkeypatch):
    grid = xt.predict_grid(model, xlim=(0, 1), ylim=(-1, 1), step=0.1)
    assert grid["prob"].shape == (10, 20)
    monkeypatch.setattr(_predict, "CHUNK_ROWS", 13)
    np.testing.assert_allclose(xt.predict_grid(model, xlim=(0, 1), ylim=(-1, 1), step=0.1)["prob"], grid["prob"], atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"step": 0}, ValueError, "`step` must be a positive number, not 0"),
        ({"step": -0.1}, ValueError, "`step` must be a positive number"),
        ({"xlim": (1, 0)}, ValueError, r"`xlim` must be increasing \(low < high\), not \(1, 0\)"),
        ({"ylim": (0, 0)}, ValueError, "`ylim` must be increasing"),
        ({"xlim": 3}, TypeError, "`xlim` must be a pair"),
        ({"step": 1e-6}, ValueError, "grid .* the limit is 100,000,000. Use a larger `step`"),
    ],
)
def test_bad_grids(model, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        xt.predict_grid(model, **kwargs)


@pytest.mark.parametrize(
    "bad, error, pattern",
    [
        ("model", TypeError, "`model` must be a dict with a 'state' entry"),
        ({"weights": 1}, TypeError, "`model` must be a dict with a 'state' entry"),
        ({"state": {"linear1.weight": np.zeros((4, 2))}}, ValueError, "`model` lacks the tensors linear1.bias, linear2.weight, linear2.bias"),
        ({"state": {"linear1.weight": np.zeros((4, 3)), "linear1.bias": np.zeros(4), "linear2.weight": np.zeros((1, 4)), "linear2.bias": np.zeros(1)}},
         ValueError, r"linear1.weight must have shape \(4, 2\)"),
    ],
)
def test_bad_models(bad, error, pattern):
    X, y = xt.make_data(5, seed=0)
    for call in (lambda: xt.predict(bad, X), lambda: xt.evaluate(bad, X, y), lambda: xt.predict_grid(bad)):
        with pytest.raises(error, match=pattern):
            call()


def test_model_from_r_shapes_and_fortran_order_are_accepted(model):
    # R drops the 1-row dimension of linear2.weight and hands read-only Fortran arrays over.
    state = {k: np.asfortranarray(v) for k, v in model["state"].items()}
    state["linear2.weight"] = state["linear2.weight"].reshape(-1)
    for arr in state.values():
        arr.flags.writeable = False
    X = np.asfortranarray(xt.make_data(20, seed=1)[0].astype(np.float64))
    X.flags.writeable = False
    np.testing.assert_allclose(xt.predict({"state": state}, X), xt.predict(model, X), atol=1e-6)
