"""The compiled CPU path of train() (xortorch._fused) against the torch engines."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from realdata import mtcars_am

import xortorch as xt
from xortorch import _fused, _kernels
from xortorch._predict import stacked_logits


@pytest.fixture
def torch_engine(monkeypatch):
    """train() as a user without numba gets it: the torch engine, no error."""
    monkeypatch.setattr(_fused, "available", lambda: False)


def max_difference(a, b):
    return max(float(np.abs(a["state"][k] - b["state"][k]).max()) for k in a["state"])


def test_the_development_environment_has_numba():
    assert _fused.available()


@pytest.mark.parametrize("inputs", [1, 2, 5])
def test_the_fused_path_trains_what_autograd_trains(inputs):
    rng = np.random.default_rng(inputs)
    X = rng.normal(size=(700, inputs)).astype(np.float32)
    y = (X.sum(axis=1) + 0.3 * rng.normal(size=700) > 0).astype(int)
    fused = xt.train(X, y, seed=4, epochs=30, batch_size=64)
    reference = xt.train(X, y, seed=4, epochs=30, batch_size=64, engine="autograd")
    assert max_difference(fused, reference) < 1e-5
    np.testing.assert_allclose(fused["loss"], reference["loss"], rtol=1e-5, atol=1e-6)


def test_weights_decay_and_early_stopping_work_on_the_fused_path_as_on_the_torch_engine(monkeypatch):
    X, y = mtcars_am()
    weights = np.arange(1, 33, dtype=float)
    options = dict(seed=2, epochs=200, scale=True, sample_weight=weights, weight_decay=0.01, valid=0.25, patience=30)
    fused = xt.train(X, y, **options)
    monkeypatch.setattr(_fused, "available", lambda: False)
    torch_made = xt.train(X, y, **options)
    assert max_difference(fused, torch_made) < 1e-5
    assert fused["best_epoch"] == torch_made["best_epoch"]
    assert fused["epochs_run"] == torch_made["epochs_run"]
    np.testing.assert_allclose(fused["valid_loss"], torch_made["valid_loss"], rtol=1e-5)


def test_the_fused_path_is_bit_reproducible_and_follows_the_seeds_shuffles():
    X, y = xt.make_data(1000, seed=1)
    a, b = xt.train(X, y, seed=7, epochs=20), xt.train(X, y, seed=7, epochs=20)
    for name in a["state"]:
        np.testing.assert_array_equal(a["state"][name], b["state"][name])
    assert max_difference(a, xt.train(X, y, seed=8, epochs=20)) > 1e-3


def test_without_numba_train_runs_the_torch_engine_and_agrees(torch_engine):
    X, y = xt.make_data(1000, seed=1)
    model = xt.train(X, y, seed=3, epochs=40)
    reference = xt.train(X, y, seed=3, epochs=40, engine="autograd")
    assert max_difference(model, reference) < 1e-5


def test_a_callback_that_stops_and_a_heartbeat_reach_the_fused_path(monkeypatch):
    X, y = xt.make_data(300, seed=1)
    seen = []
    model = xt.train(X, y, seed=1, epochs=50, callback=lambda epoch, loss: seen.append(epoch) or epoch < 5)
    assert seen == [1, 2, 3, 4, 5] and model["epochs_run"] == 5

    def stop():
        raise KeyboardInterrupt("stop")

    big = np.tile(X, (500, 1)), np.tile(y, 500)  # 150,000 rows: two kernel calls per epoch
    monkeypatch.setattr("xortorch._engine.HEARTBEAT_SECONDS", 0.0)
    finished = []
    with pytest.raises(KeyboardInterrupt):
        xt.train(*big, seed=1, epochs=3, heartbeat=stop, callback=lambda epoch, loss: finished.append(epoch))
    assert finished == []  # stopped inside the first epoch, between its kernel calls


def test_the_kernel_runs_where_it_is_faster_and_the_torch_engine_elsewhere(monkeypatch):
    X, y = xt.make_data(500, seed=1)
    epochs_run = []
    run_epoch = _fused.run_epoch
    monkeypatch.setattr(_fused, "run_epoch", lambda *a, **k: epochs_run.append(1) or run_epoch(*a, **k))
    xt.train(X, y, seed=1, epochs=3)  # the tutorial's 2-4-1 at batch 128
    xt.sweep(X, y, lr=[0.1, 1.0], seeds=[1, 2], epochs=3)  # four models in one kernel call per epoch
    assert len(epochs_run) == 6
    xt.train(X, y, seed=1, epochs=3, hidden=64, batch_size=512)  # any width at 2 inputs
    assert len(epochs_run) == 9
    wide = np.random.default_rng(1).normal(size=(200, 40))
    xt.train(wide, wide[:, 0] > 0, seed=1, epochs=3, hidden=64)  # measured slower than the torch engine
    xt.sweep(wide, wide[:, 0] > 0, lr=[0.1, 1.0], seeds=[1], epochs=3, hidden=64)
    assert len(epochs_run) == 9
    assert _fused.worthwhile(4096, 8) and _fused.worthwhile(16, 100) and _fused.worthwhile(64, 32)
    assert not _fused.worthwhile(64, 40) and not _fused.worthwhile(512, 32)


def test_a_sweep_on_the_kernel_trains_each_model_as_train_does():
    X, y = xt.make_data(800, seed=2)
    lrs, seeds = [0.05, 0.3, 1.0], [4, 9]
    result = xt.sweep(X, y, lr=lrs, seeds=seeds, epochs=15, weight_decay=0.001)
    for i, (lr, seed) in enumerate(zip(result["lr"], result["seed"])):
        alone = xt.train(X, y, lr=float(lr), seed=int(seed), epochs=15, weight_decay=0.001)
        for name in alone["state"]:
            np.testing.assert_array_equal(result["state"][name][i], alone["state"][name])
        np.testing.assert_allclose(result["loss"][i], alone["loss"], rtol=1e-6)


def test_the_kernels_arithmetic_tanh_keeps_nan_and_infinity_as_tanh_does():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    models = _fused.FusedModels(
        np.full((1, 2, 2), np.nan, np.float32), np.zeros((1, 2), np.float32), np.ones((1, 1, 2), np.float32),
        np.zeros((1, 1), np.float32),
    )  # fmt: skip
    y, w, perms, group = (
        np.array([0, 1, 1, 0], np.float32),
        np.ones(4, np.float32),
        np.arange(4)[None],
        np.zeros(1, int),
    )
    total, _ = _fused.run_epoch(models, X, y, w, perms, group, batch_size=4, lr=np.array([0.1]), weight_decay=0.0)
    assert np.isnan(total[0])  # a NaN weight is never clamped into a finite loss


def test_the_compiled_forward_pass_agrees_with_torchs_and_reads_rs_columns_as_they_are(monkeypatch):
    X, y = xt.make_data(300, seed=3)
    result = xt.sweep(X, y, lr=[0.1, 1.0], seeds=[1, 2], epochs=5)
    rows = np.asfortranarray(np.random.default_rng(1).uniform(-1, 2, size=(1500, 2)))  # as R hands it over
    rows.flags.writeable = False
    seen = []
    logits = _fused.logits
    monkeypatch.setattr(_fused, "logits", lambda *a: seen.append(a[-1]) or logits(*a))
    compiled = stacked_logits(result["state"], rows)
    one = xt.predict(xt.sweep_model(result, 2), rows, kind="logit")
    assert all(x is rows for x in seen)  # float64, Fortran order: no converted copy
    monkeypatch.setattr(_fused, "available", lambda: False)
    reference = stacked_logits(result["state"], np.ascontiguousarray(rows, np.float32))
    assert compiled.shape == (4, 1500) and compiled.dtype == np.float32
    np.testing.assert_allclose(compiled, reference, rtol=2e-6, atol=1e-6)
    np.testing.assert_array_equal(one, compiled[2])


def test_after_precompile_a_new_process_compiles_nothing(tmp_path):
    # Kernels defined inside a function missed numba's cache in every new process (about 5 s each).
    first = "from xortorch import _fused\nassert _fused.precompile()"
    then = (
        "import numpy as np\nimport xortorch as xt\nfrom xortorch import _fused\n"
        "X, y = xt.make_data(300, seed=1)\nm = xt.train(X, y, epochs=2)\n"
        "r = np.asfortranarray(X, dtype=np.float64)\nr.flags.writeable = False\nxt.predict(m, r)\n"
        "xt.sweep(X, y, lr=[0.1, 0.2], seeds=[1, 2], epochs=2)\nk = _fused._compiled()\n"
        "kernels = (k.run_batches, k.forward, k.randperms)\n"
        "print(sum(sum(f.stats.cache_hits.values()) for f in kernels),"
        " sum(sum(f.stats.cache_misses.values()) for f in kernels))"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True) for code in (first, then)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr
    hits, misses = map(int, runs[1].stdout.split())
    assert hits >= 3 and misses == 0  # the second process compiled nothing: R's arrays included


def test_the_compiled_shuffles_are_torchs_and_leave_the_generators_as_torch_does(monkeypatch):
    assert _fused.matches_torch()  # this build's generator: the kernel's copy applies
    seeds = [0, 1, 5, 2**31 + 3, 2**63 - 1]
    for n in (1, 2, 3, 128, 623, 624, 625, 1249, 2500):
        ours, theirs = ([torch.Generator().manual_seed(s) for s in seeds] for _ in range(2))
        shuffles = _fused.Shuffles(ours, n)
        assert shuffles.compiled
        with ThreadPoolExecutor(2) as pool:
            for epoch in range(3):  # the seeds shared by two threads, or drawn in turn
                expected = torch.stack([torch.randperm(n, generator=g) for g in theirs]).numpy()
                np.testing.assert_array_equal(shuffles.next(*((pool, 2) if epoch != 1 else ())), expected)
        shuffles.close()
        assert all(torch.equal(a.get_state(), b.get_state()) for a, b in zip(ours, theirs))
        assert torch.equal(torch.rand(3, generator=ours[1]), torch.rand(3, generator=theirs[1]))
    # Every 32-bit word against every row count of a shuffle: the float64 remainder is the integer one.
    words = np.random.default_rng(0).integers(0, 2**32, size=200_000, dtype=np.uint64)
    m = np.random.default_rng(1).integers(1, 2**32 // 20, size=words.size, dtype=np.uint64)
    quotient = (words.astype(np.float64) / m.astype(np.float64)).astype(np.uint64)
    np.testing.assert_array_equal(words - quotient * m, words % m)
    monkeypatch.setattr(_fused, "matches_torch", lambda: False)  # another torch build: torch draws
    fallback = _fused.Shuffles([torch.Generator().manual_seed(3)], 50)
    assert not fallback.compiled
    np.testing.assert_array_equal(fallback.next()[0], torch.randperm(50, generator=torch.Generator().manual_seed(3)))


@pytest.mark.parametrize("busy", [False, True])
def test_a_sweep_spreads_its_models_over_free_cores_with_the_same_bits(monkeypatch, busy):
    X, y = xt.make_data(500, seed=1)
    options = dict(lr=[0.05, 0.1, 0.3, 1.0], seeds=[1, 2, 3], epochs=5)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        alone = xt.sweep(X, y, **options)
        monkeypatch.setattr("xortorch._engine.cores_taken_by_others", lambda: busy)
        threads = set()
        kernel = _kernels.run_batches
        monkeypatch.setattr(_kernels, "run_batches", lambda *a: threads.add(threading.get_ident()) or kernel(*a))
        torch.set_num_threads(2)
        shared = xt.sweep(X, y, **options)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert len(threads) == (1 if busy else 2)  # other work on every core: one thread, as threads_for() decides
    for name in alone["state"]:
        np.testing.assert_array_equal(shared["state"][name], alone["state"][name])
    np.testing.assert_array_equal(shared["loss"], alone["loss"])


def test_the_kernel_gives_the_autograd_engines_weights_to_within_1e4_after_the_tutorials_training():
    # The documented promise (How xortorch works): float32 rounding in another order, over 2,000 steps.
    X, y = xt.make_data(2500, seed=3)
    for seed in range(4):
        fast, reference = xt.train(X, y, seed=seed), xt.train(X, y, seed=seed, engine="autograd")
        worst = max(np.abs(fast["state"][k] - reference["state"][k]).max() for k in fast["state"])
        assert worst < 1e-4, (seed, worst)
