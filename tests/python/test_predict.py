import warnings

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
    monkeypatch.setattr(_predict, "CHUNK_VALUES", 7 * 4)
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
    monkeypatch.setattr(_predict, "CHUNK_VALUES", 13)
    np.testing.assert_allclose(
        xt.predict_grid(model, xlim=(0, 1), ylim=(-1, 1), step=0.1)["prob"], grid["prob"], atol=1e-6
    )


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
        (
            {"state": {"linear1.weight": np.zeros((4, 2))}},
            ValueError,
            "`model` lacks the tensors linear1.bias, linear2.weight, linear2.bias",
        ),
        (
            {
                "state": {
                    "linear1.weight": np.zeros((4, 2)),
                    "linear1.bias": np.zeros(3),
                    "linear2.weight": np.zeros((1, 4)),
                    "linear2.bias": np.zeros(1),
                }
            },
            ValueError,
            r"linear1.bias must have shape \(4,\), not \(3,\)",
        ),
    ],
)
def test_bad_models(bad, error, pattern):
    X, y = xt.make_data(5, seed=0)
    for call in (lambda: xt.predict(bad, X), lambda: xt.evaluate(bad, X, y), lambda: xt.predict_grid(bad)):
        with pytest.raises(error, match=pattern):
            call()


def test_read_only_fortran_arrays_from_r_are_accepted(model):
    # R hands read-only Fortran arrays over (its length-one dimensions restored by R/convert.R).
    state = {k: np.asfortranarray(v) for k, v in model["state"].items()}
    for arr in state.values():
        arr.flags.writeable = False
    X = np.asfortranarray(xt.make_data(20, seed=1)[0].astype(np.float64))
    X.flags.writeable = False
    np.testing.assert_allclose(xt.predict({"state": state}, X), xt.predict(model, X), atol=1e-6)


@pytest.mark.parametrize(
    "key, transform, pattern",
    [
        ("linear1.weight", np.transpose, r"linear1.bias must have shape \(2,\), not \(4,\)"),
        ("linear2.weight", np.transpose, r"linear2.weight must have shape \(1, 4\), not \(4, 1\)"),
        ("linear2.weight", np.ravel, r"linear2.weight must have shape \(1, 4\), not \(4,\)"),
        ("linear2.bias", lambda b: b[0], r"linear2.bias must have shape \(1,\), not \(\)"),
        (
            "linear1.bias",
            lambda b: b[None],
            r"linear1.weight must have shape \(hidden, inputs\)|linear1.bias must have shape \(4,\), not \(1, 4\)",
        ),
    ],
)
def test_wrong_shaped_weights_are_refused_not_reshaped(model, key, transform, pattern):
    state = dict(model["state"], **{key: transform(model["state"][key])})
    X, _ = xt.make_data(50, seed=2)
    with pytest.raises(ValueError, match=pattern):
        xt.predict({"state": state}, X)
    with pytest.raises(ValueError, match=pattern):
        xt.save_model({"state": state}, "never-written.pt")


@pytest.mark.parametrize(
    "bad, error, pattern",
    [
        (np.full((4, 2), np.nan, np.float32), ValueError, "linear1.weight` contains NaN or infinite"),
        (np.full((4, 2), np.inf), ValueError, "linear1.weight` contains NaN or infinite"),
        (np.full((4, 2), 1e39), ValueError, "linear1.weight` holds 1e\\+39, beyond float32's range"),
        (np.zeros((4, 2), complex), TypeError, "linear1.weight` must be numeric, not complex"),
    ],
)
def test_weights_float32_cannot_hold_are_refused(model, bad, error, pattern):
    state = dict(model["state"], **{"linear1.weight": bad})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning on the way
        with pytest.raises(error, match=pattern):
            xt.predict({"state": state}, np.zeros((3, 2)))


@pytest.mark.parametrize(
    "X, error, pattern",
    [
        (np.array([[1e39, 0.0]]), ValueError, r"`X` holds 1e\+39, beyond float32's range"),
        (np.array([[1e300, 0.0]]), ValueError, r"`X` holds 1e\+300, beyond float32's range"),
        (np.array([[1 + 2j, 0.0]]), TypeError, r"`X` must be a numeric array of shape \(n, 2\), not complex"),
    ],
)
def test_inputs_float32_cannot_hold_are_refused_without_a_warning(model, X, error, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=pattern):
            xt.predict(model, X)
        with pytest.raises(error, match=pattern.replace("2\\)", "p\\)")):
            xt.train(X, [0])


def test_predict_kinds_are_logit_probability_and_class(model):
    X, _ = xt.make_data(200, seed=6)
    logit = xt.predict(model, X, kind="logit")
    with torch.no_grad():
        expected = xt.to_module(model)(torch.from_numpy(X))[:, 0].numpy()
    # A few float32 ulps: the compiled forward pass uses its own tanh (within 3.5e-7 of torch's).
    np.testing.assert_allclose(logit, expected, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(xt.predict(model, X, kind="prob"), 1 / (1 + np.exp(-logit)), atol=1e-6)
    cls = xt.predict(model, X, kind="class")
    assert cls.dtype == np.int64 and np.array_equal(cls, (logit >= 0).astype(np.int64))
    with pytest.raises(ValueError, match="`kind` must be one of 'prob', 'logit', 'class', not 'probability'"):
        xt.predict(model, X, kind="probability")


def test_probability_exactly_one_half_counts_as_class_1():
    # All-zero weights give logit 0, probability 0.5 for every point: ">= 0.5" is class 1.
    zero = {
        "state": {
            "linear1.weight": np.zeros((4, 2)),
            "linear1.bias": np.zeros(4),
            "linear2.weight": np.zeros((1, 4)),
            "linear2.bias": np.zeros(1),
        }
    }
    X = np.zeros((6, 2))
    assert xt.evaluate(zero, X, np.ones(6)) == 1.0
    assert xt.evaluate(zero, X, np.zeros(6)) == 0.0
    assert list(xt.predict(zero, X, kind="class")) == [1] * 6


def test_huge_grids_fail_before_allocating(model):
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for kwargs, pattern in [
        ({"step": 1e-9}, r"`step` = 1e-09 over `xlim` and `ylim` gives a 2,000,000,000 x 2,000,000,000 grid"),
        ({"xlim": (0, 1e12), "step": 1e-3}, r"gives a 1,000,000,000,000,000 x 2,000 grid"),
    ]:
        start = time.perf_counter()
        with pytest.raises(ValueError, match=pattern):
            xt.predict_grid(model, **kwargs)
        assert time.perf_counter() - start < 1  # a busy machine may pause us; building the grid takes far longer
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB: nothing large was built


def test_grid_needs_a_model_with_two_inputs():
    X = np.random.default_rng(0).normal(size=(50, 3))
    model = xt.train(X, (X[:, 0] > 0).astype(int), epochs=1, seed=0)
    with pytest.raises(ValueError, match="`model` has 3 inputs; a grid over \\(x1, x2\\) needs a model with 2"):
        xt.predict_grid(model)


def test_a_dataframe_model_matches_columns_by_name():
    import pandas as pd  # in the development environment; not a runtime dependency

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"u": rng.normal(size=400), "v": rng.normal(size=400), "w": rng.normal(size=400)})
    y = ((frame["u"] > 0) ^ (frame["w"] > 1)).astype(int)
    model = xt.train(frame, y, seed=1, epochs=60, lr=0.5)
    assert model["feature_names"] == ["u", "v", "w"]
    shuffled = frame[["w", "u", "v"]]
    np.testing.assert_array_equal(xt.predict(model, shuffled), xt.predict(model, frame))
    assert xt.evaluate(model, shuffled, y) == xt.evaluate(model, frame, y)
    # A plain array is taken by position, as the model's columns.
    np.testing.assert_array_equal(xt.predict(model, frame.to_numpy()), xt.predict(model, frame))
    with pytest.raises(ValueError, match=r"`X` lacks the model's column\(s\) 'v'; it has the unexpected 'z'"):
        xt.predict(model, frame.rename(columns={"v": "z"}))
    with pytest.raises(ValueError, match=r"`X` lacks the model's column\(s\) 'w'"):
        xt.predict(model, frame[["u", "v"]])


def test_a_model_remembers_its_training_ranges_and_its_grid_covers_them():
    from realdata import mtcars_am

    X, y = mtcars_am()
    model = xt.train(X, y, seed=1, epochs=300, scale=True)
    np.testing.assert_allclose(model["ranges"], [[52, 335], [1.513, 5.424]], rtol=1e-6)  # as float32 holds them
    grid = xt.predict_grid(model)
    # The training range widened by 10% each side, 200 cells per axis.
    assert grid["x1"][0] == pytest.approx(52 - 28.3) and grid["x2"][0] == pytest.approx(1.513 - 0.3911)
    assert grid["prob"].shape == (200, 200)
    assert grid["x1"][-1] < 335 + 28.3 <= grid["x1"][-1] + (grid["x1"][1] - grid["x1"][0]) + 1e-9
    # Both classes show: the boundary crosses the window.
    assert grid["prob"].min() < 0.1 and grid["prob"].max() > 0.9
    # A step per axis, and limits of one's own.
    grid = xt.predict_grid(model, xlim=(50, 350), ylim=(1, 6), step=(3, 0.05))
    assert grid["prob"].shape == (100, 100)
    with pytest.raises(ValueError, match=r"`step` must be one number or a pair"):
        xt.predict_grid(model, step=(1, 2, 3))


def test_the_tutorials_grid_stays_the_tutorials_square(model):
    # XOR data lies within [-0.5, 1.5]^2, so the default window is the tutorial's, at step 0.01.
    assert model["ranges"].min() > -0.5 and model["ranges"].max() < 1.5
    grid = xt.predict_grid(model)
    np.testing.assert_array_equal(grid["x1"], -0.5 + 0.01 * np.arange(200))
    np.testing.assert_array_equal(grid["x2"], -0.5 + 0.01 * np.arange(200))
    # A model without ranges (a file's, a bare state) gets the same square.
    bare = {"state": model["state"]}
    np.testing.assert_array_equal(xt.predict_grid(bare)["x1"], grid["x1"])


def test_predict_memory_is_bounded_by_rows_times_hidden():
    # hidden 4,096 on 2^17 rows: the whole hidden layer would be 2 GiB; chunked, memory stays flat.
    code = (
        "import resource, numpy as np, torch, xortorch as xt\n"
        "g = torch.Generator().manual_seed(0)\n"
        "state = {'linear1.weight': torch.randn(4096, 2, generator=g).numpy(), 'linear1.bias': np.zeros(4096, 'f4'),"
        " 'linear2.weight': torch.randn(1, 4096, generator=g).numpy() / 64, 'linear2.bias': np.zeros(1, 'f4')}\n"
        "X = np.random.default_rng(0).normal(size=(2**17, 2)).astype('f4')\n"
        "xt.predict({'state': state}, X[:10])\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "p = xt.predict({'state': state}, X)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(xt.__file__)))
    grown = int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout)
    assert grown < 200, f"predict grew the process by {grown} MiB"  # CHUNK_VALUES floats per buffer: 16 MiB


def test_grids_too_fine_for_float32_or_for_floats_at_all_are_value_errors(model):
    with pytest.raises(ValueError, match=r"`step` = 1e-320 is too small for `xlim`"):
        xt.predict_grid(model, step=1e-320)
    with pytest.raises(ValueError, match=r"`step` = 1 is finer than float32 resolves near 1e\+08 \(spacing 8\)"):
        xt.predict_grid(model, xlim=(1e8, 1e8 + 100), ylim=(0, 1), step=1)
