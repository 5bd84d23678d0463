"""Training you can steer (issue 18): validation, early stopping, weight decay, class weights, callbacks."""

import numpy as np
import pytest

import xortorch as xt
from xortorch import _steer
from xortorch._diagnostics import bce
from xortorch._model import PARAM_NAMES


@pytest.fixture(scope="module")
def data():
    return xt.make_data(1000, seed=21)


def test_a_validation_fraction_is_a_seeded_stratified_hold_out(data):
    X, y = data
    model = xt.train(X, y, seed=1, epochs=20, valid=0.2)
    assert model["valid_loss"].shape == (20,) and model["valid_accuracy"].shape == (20,)
    assert model["config"]["n"] == 800  # trained on the rest
    again = xt.train(X, y, seed=1, epochs=20, valid=0.2)
    np.testing.assert_array_equal(model["valid_loss"], again["valid_loss"])


def test_a_validation_pair_is_measured_every_epoch(data):
    X_valid, y_valid = xt.make_data(300, seed=22)
    model = xt.train(*data, seed=1, epochs=30, valid=(X_valid, y_valid))
    final = bce(xt.predict(model, X_valid, kind="logit"), y_valid)
    assert model["valid_loss"][-1] == pytest.approx(final, abs=1e-6)
    assert model["valid_accuracy"][-1] == xt.evaluate(model, X_valid, y_valid)
    assert model["best_epoch"] == int(np.argmin(model["valid_loss"])) + 1
    with pytest.raises(ValueError, match=r"`valid\[0\]` must have shape \(n, 2\)"):
        xt.train(*data, valid=(np.zeros((3, 3)), [0, 1, 0]))


def test_early_stopping_stops_an_overfitting_fit_and_keeps_the_best_weights():
    # 40 noisy points, 64 hidden units, a large lr: the validation loss turns up long before 3,000 epochs.
    X, y = xt.make_data(40, std=0.45, seed=1)
    X_valid, y_valid = xt.make_data(1000, std=0.45, seed=2)
    model = xt.train(X, y, hidden=64, lr=1.0, epochs=3000, seed=1, valid=(X_valid, y_valid), patience=50)
    assert model["stopped_by"] == "early stopping"
    assert model["epochs_run"] < 3000 and model["epochs_run"] == model["best_epoch"] + 50
    best = model["valid_loss"][model["best_epoch"] - 1]
    assert best == model["valid_loss"].min()
    # The returned weights are the best epoch's: they reproduce its validation loss.
    assert bce(xt.predict(model, X_valid, kind="logit"), y_valid) == pytest.approx(best, abs=1e-6)
    with pytest.raises(ValueError, match="`patience` stops on the validation loss: give `valid` too"):
        xt.train(X, y, patience=5)


def test_weight_decay_shrinks_the_weights_as_torch_sgd_does(data):
    plain = xt.train(*data, seed=1, epochs=30)
    decayed = xt.train(*data, seed=1, epochs=30, weight_decay=0.05)
    ref = xt.train(*data, seed=1, epochs=30, weight_decay=0.05, engine="autograd")
    for key in PARAM_NAMES:
        np.testing.assert_allclose(decayed["state"][key], ref["state"][key], atol=2e-5)
    norm = lambda m: sum(float((v**2).sum()) for v in m["state"].values())
    assert norm(decayed) < norm(plain)
    swept = xt.sweep(*data, lr=[0.1], seeds=[1], epochs=30, weight_decay=0.05)
    np.testing.assert_allclose(swept["state"]["linear1.weight"][0], decayed["state"]["linear1.weight"], atol=1e-5)


def test_balanced_class_weights_raise_minority_recall():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=2000) > 2.0).astype(int)  # about 5% positives
    assert 0.02 < y.mean() < 0.08
    recall = lambda m: float(xt.predict(m, X, kind="class")[y == 1].mean())
    plain = xt.train(X, y, seed=1, epochs=100)
    balanced = xt.train(X, y, seed=1, epochs=100, class_weight="balanced")
    assert recall(balanced) > recall(plain) + 0.3
    mapped = xt.train(X, y, seed=1, epochs=100, class_weight={0: 1.0, 1: 10.0})
    assert recall(mapped) > recall(plain)
    # A lower threshold is the other lever.
    assert xt.predict(plain, X, kind="class", threshold=0.1)[y == 1].mean() > recall(plain)
    with pytest.raises(ValueError, match="`class_weight` must be 'balanced'"):
        xt.train(X, y, class_weight="even")


def test_a_callback_can_stop_training_and_sees_read_only_weights(data):
    seen = []

    def stop_at_5(epoch, loss, info):
        seen.append(info)
        return epoch < 5

    model = xt.train(*data, seed=1, epochs=100, callback=stop_at_5, valid=0.1)
    assert model["epochs_run"] == 5 and model["stopped_by"] == "callback" and model["loss"].shape == (5,)
    weights = seen[-1]["weights"]
    for key in PARAM_NAMES:
        np.testing.assert_array_equal(weights[key], model["state"][key])
        with pytest.raises(ValueError, match="read-only"):
            weights[key][...] = 0
    assert seen[-1]["valid_loss"] == model["valid_loss"][-1]
    # The old two-argument form still works.
    two = []
    xt.train(*data, seed=1, epochs=3, callback=lambda epoch, loss: two.append(epoch))
    assert two == [1, 2, 3]


def test_a_heartbeat_runs_during_long_epochs_and_can_stop_them():
    from xortorch import _engine

    X, y = xt.make_data(200_000, seed=1)
    beats = []

    def beat():
        beats.append(1)
        if len(beats) == 2:
            raise TimeoutError("time limit")

    old = _engine.HEARTBEAT_SECONDS
    _engine.HEARTBEAT_SECONDS = 0.0  # every batch
    try:
        with pytest.raises(TimeoutError, match="time limit"):
            xt.train(X, y, epochs=1, batch_size=64, seed=1, heartbeat=beat)
    finally:
        _engine.HEARTBEAT_SECONDS = old
    assert len(beats) == 2


def test_sweep_model_and_sweep_progress(data, capsys):
    s = xt.sweep(*data, lr=[0.1, 1.0], seeds=[3], epochs=20, progress=True)
    assert "20/20" in capsys.readouterr().err
    m = xt.sweep_model(s, 1)
    alone = xt.train(*data, lr=1.0, seed=3, epochs=20)
    for key in PARAM_NAMES:
        np.testing.assert_allclose(m["state"][key], alone["state"][key], atol=1e-5)
    np.testing.assert_array_equal(xt.predict(m, data[0], kind="class"), xt.predict(alone, data[0], kind="class"))
    with pytest.raises(ValueError, match="`i` must be a whole number between 0 and 1, "):
        xt.sweep_model(s, 2)


def test_a_heartbeat_that_returns_a_reason_stops_training():
    from xortorch import _engine

    old = _engine.HEARTBEAT_SECONDS
    _engine.HEARTBEAT_SECONDS = 0.0
    try:
        with pytest.raises(RuntimeError, match="reached elapsed time limit"):
            xt.train(*xt.make_data(500, seed=1), epochs=5, seed=1, heartbeat=lambda: "reached elapsed time limit")
        model = xt.train(*xt.make_data(500, seed=1), epochs=2, seed=1, heartbeat=lambda: False)
    finally:
        _engine.HEARTBEAT_SECONDS = old
    assert model["epochs_run"] == 2


def test_every_calls_at_most_every_so_often_and_at_the_last_epoch(monkeypatch):
    clock = iter([0.0, 0.01, 0.02, 0.15, 0.16, 0.17])
    monkeypatch.setattr(_steer.time, "perf_counter", lambda: next(clock))
    seen = []
    throttled = _steer.every(0.1, lambda epoch, loss: seen.append(epoch), epochs=6)
    for epoch in range(1, 7):
        assert throttled(epoch, 0.5) is None  # a drawing, never a stop
    assert seen == [1, 4, 6]
