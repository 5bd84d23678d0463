"""Sweeps on an executor (issue 31): a process pool and a real Dask LocalCluster on this machine (loopback, worker
processes), with the same bits as a local sweep and as train()."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from conftest import need

import xortorch as xt
from xortorch._distributed import SweepIncomplete

GRID = {"lr": [0.05, 0.1, 0.5], "seeds": [1, 2, 3, 4], "epochs": 20}


@pytest.fixture(scope="module")
def data():
    return xt.make_data(1000, seed=1)


@pytest.fixture(scope="module")
def local(data):
    return xt.sweep(*data, **GRID)


def assert_same_bits(a, b):
    for key in ("lr", "seed", "final_loss", "accuracy", "diverged", "converged", "train_loss"):
        assert np.array_equal(a[key], b[key]), key
    assert np.array_equal(a["loss"], b["loss"], equal_nan=True)
    for key in a["state"]:
        assert np.array_equal(a["state"][key], b["state"][key]), key


@pytest.fixture(scope="module")
def client():
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        need(False, "dask.distributed is not installed")
    before = dict(os.environ)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=40)  # fmt: skip
    # Dask sets OMP_NUM_THREADS=1 and the like in this process's environment for its workers: keep them out of
    # the processes later tests start.
    for key in set(os.environ) - set(before):
        del os.environ[key]
    os.environ.update(before)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_a_process_pool_gives_the_local_sweeps_bits_whatever_the_chunks(data, local):
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for chunk_size in (None, 1, 5):
            assert_same_bits(local, xt.sweep(*data, **GRID, executor=pool, chunk_size=chunk_size))
    # Model i is train()'s.
    model = xt.train(*data, lr=0.5, seed=3, epochs=20)
    assert all(np.array_equal(model["state"][k], xt.sweep_model(local, 10)["state"][k]) for k in model["state"])


def test_a_dask_cluster_gives_the_same_bits_and_gets_the_data_once(data, local, client):
    scattered = []
    scatter = client.scatter
    client.scatter = lambda *args, **kwargs: scattered.append(1) or scatter(*args, **kwargs)
    try:
        result = xt.sweep(*data, **GRID, executor=client.get_executor(), chunk_size=2)
    finally:
        del client.scatter
    assert_same_bits(local, result)
    assert scattered == [1]  # six chunks, one scatter of the data to every worker


def test_a_worker_with_another_xortorch_is_named_before_any_training(data, client, monkeypatch):
    monkeypatch.setattr(xt, "__version__", "0.0.0")
    named = r"^Dask worker tcp://127\.0\.0\.1:\d+ has xortorch \S+, this process 0\.0\.0"
    with pytest.raises(RuntimeError, match=named):
        xt.sweep(*data, **GRID, executor=client.get_executor())


def test_a_worker_without_xortorch_is_named_before_any_training(data, client, tmp_path):
    # A real worker process whose Python has every package of this one except xortorch joins the cluster.
    import re
    import subprocess
    import sys
    import sysconfig

    site = tmp_path / "site"
    site.mkdir()
    packages = sysconfig.get_paths()["purelib"]
    for name in os.listdir(packages):
        if "xortorch" not in name:
            (site / name).symlink_to(os.path.join(packages, name))
    before = set(client.scheduler_info()["workers"])
    address = client.scheduler.address
    worker = subprocess.Popen(
        [sys.executable, "-S", "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard"],
        env={**os.environ, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client.wait_for_workers(len(before) + 1, timeout=60)
        (joined,) = set(client.scheduler_info()["workers"]) - before
        named = rf"^Dask worker {re.escape(joined)} cannot run xortorch: PackageNotFoundError: .* Install xortorch "
        named += rf"{re.escape(xt.__version__)} there\.$"
        with pytest.raises(RuntimeError, match=named):
            xt.sweep(*data, **GRID, executor=client.get_executor())
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    deadline = time.monotonic() + 30  # the next tests count on the fixture's two workers
    while len(client.scheduler_info()["workers"]) > len(before) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_what_an_executor_cannot_do_is_refused_by_name(data):
    with pytest.raises(TypeError, match=r"^`executor` must be a concurrent\.futures\.Executor"):
        xt.sweep(*data, **GRID, executor="dask")
    with ProcessPoolExecutor(1) as pool:
        with pytest.raises(ValueError, match=r"^`callback` and `heartbeat` run in this process"):
            xt.sweep(*data, **GRID, executor=pool, callback=lambda epoch, loss: None)
        with pytest.raises(ValueError, match=r"^`chunk_size` must be a whole number"):
            xt.sweep(*data, **GRID, executor=pool, chunk_size=0)


def test_a_worker_killed_mid_sweep_costs_nothing_but_time(data, client):
    # Dask reruns the chunks a dead worker held; chunks are pure, so the rerun gives the same bits.
    grid = {"lr": [0.1, 0.5], "seeds": list(range(6)), "epochs": 2000}  # chunks long enough to kill one mid-way
    reference = xt.sweep(*data, **grid)
    pids = client.run(os.getpid)
    result: dict = {}
    worker = threading.Thread(
        target=lambda: result.update(xt.sweep(*data, **grid, executor=client.get_executor(), chunk_size=1))
    )
    worker.start()
    deadline = time.monotonic() + 60
    busy: list[str] = []
    while not busy and time.monotonic() < deadline:  # one look at a time: a chunk may finish between two
        busy = [address for address, tasks in client.processing().items() if tasks]
        time.sleep(0.01)
    assert busy, "no worker took a chunk within 60 s"
    os.kill(pids[busy[0]], signal.SIGKILL)
    worker.join(timeout=240)
    assert not worker.is_alive(), "the sweep did not finish after a worker died"
    assert_same_bits(reference, result)


def test_a_chunk_that_cannot_finish_names_the_missing_rows_and_keeps_the_rest():
    from xortorch._distributed import map_chunks

    with ProcessPoolExecutor(1) as pool:
        with pytest.raises(SweepIncomplete) as caught:
            map_chunks(pool, _fail_on_rows_2_and_3, None, [range(0, 2), range(2, 4), range(4, 5)])
    assert caught.value.rows == [2, 3]
    assert caught.value.finished == [[0, 1], None, [4]]
    assert "2 of 5 models did not finish (rows 2 to 3" in str(caught.value)


def _fail_on_rows_2_and_3(shared, rows):
    if 2 in rows:
        raise ValueError("lost")
    return rows


def test_grid_search_under_joblibs_dask_backend_gives_the_local_results(data, client):
    # The scikit-learn way to spread a search: each fit a task. sweep(executor=) is the faster way for an lr x
    # seed grid (models trained together); GridSearchCV is the way for any estimator setting and cross-validation.
    import joblib
    from sklearn.model_selection import GridSearchCV

    X, y = data
    grid = {"lr": [0.1, 0.5], "hidden": [2, 4]}
    local = GridSearchCV(xt.XORClassifier(epochs=30, random_state=1), grid, cv=3).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(xt.XORClassifier(epochs=30, random_state=1), grid, cv=3, n_jobs=-1).fit(X, y)
    assert np.array_equal(local.cv_results_["mean_test_score"], remote.cv_results_["mean_test_score"])
    assert local.best_params_ == remote.best_params_


CTRL_C = """
import os, signal, threading, time
import numpy as np
import xortorch as xt
from distributed import Client, LocalCluster

if __name__ == "__main__":
    # Ctrl-C as in a terminal, whatever the test runner left to its children (an ignored SIGINT is inherited).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    X, y = xt.make_data(1000, seed=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster, Client(cluster) as client:
        executor = client.get_executor()
        xt.sweep(X, y, lr=[0.1], seeds=[1], epochs=5, executor=executor)  # warm
        sent = []  # when the signal went: the timer may fire a hair before 2 s after any clock read here

        def interrupt():
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

        threading.Timer(2.0, interrupt).start()
        try:
            # 80 one-model chunks of about 1 s each: still running at 2 s on any machine.
            xt.sweep(X, y, lr=[0.1, 0.5], seeds=range(40), epochs=10000, executor=executor, chunk_size=1)
            print("not interrupted")
        except KeyboardInterrupt:
            back = time.monotonic() - sent[0]
            deadline = time.monotonic() + 5  # the chunks already running finish; the rest never start
            while any(client.processing().values()) and time.monotonic() < deadline:
                time.sleep(0.1)
            idle = not any(client.processing().values())
            again = xt.sweep(X, y, lr=[0.1], seeds=[1], epochs=5, executor=executor)
            print(f"interrupted back={back:.2f} idle={idle} usable={np.isfinite(again['final_loss']).all()}")
"""


def test_ctrl_c_cancels_the_outstanding_chunks_and_leaves_the_cluster_usable(tmp_path):
    import re
    import subprocess
    import sys

    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180)
    found = re.search(r"interrupted back=(-?[\d.]+) idle=(\w+) usable=(\w+)", out.stdout)
    assert found, out.stdout + out.stderr[-2000:]
    assert 0 <= float(found[1]) < 2.0 and found[2] == "True" and found[3] == "True", found[0]


def test_a_grid_of_sizes_schedules_and_decays_gives_train_s_models_here_and_on_an_executor(data):
    # Issue 31: hidden, batch_size, epochs and weight_decay as lists; models that share them train together.
    grid = {"lr": [0.1, 0.5], "seeds": [1], "hidden": [2, 4], "epochs": [5, 10], "weight_decay": [0.0, 0.01]}
    here = xt.sweep(*data, **grid)
    assert here["loss"].shape == (16, 10) and np.isnan(here["loss"][0, 5:]).all()
    assert here["state"]["linear1.weight"].shape == (16, 4, 2)
    for i in range(16):
        model = xt.sweep_model(here, i)
        c = model["config"]
        alone = xt.train(*data, lr=c["lr"], seed=c["seed"], hidden=c["hidden"], epochs=c["epochs"],
                         weight_decay=c["weight_decay"], batch_size=c["batch_size"])  # fmt: skip
        assert all(np.array_equal(alone["state"][k], model["state"][k]) for k in alone["state"]), c
        assert np.array_equal(alone["loss"], model["loss"]) and model["state"]["linear1.bias"].shape == (c["hidden"],)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = xt.sweep(*data, **grid, executor=pool, chunk_size=3)  # chunks that cut across the groups
    assert_same_bits(here, there)
    assert np.array_equal(here["loss"], there["loss"], equal_nan=True)
    with pytest.raises(ValueError, match=r"^`callback` and `heartbeat` follow one group"):
        xt.sweep(*data, **grid, callback=lambda epoch, loss: None)


def test_validation_and_early_stopping_per_model_give_train_s_models(tmp_path):
    # Issue 31: valid/patience in a sweep; each model stops as it would alone and keeps its best epoch's weights.
    X, y = xt.make_data(300, std=0.4, seed=1)
    held_out = xt.make_data(500, std=0.4, seed=2)
    grid = {"lr": [0.1, 1.0], "seeds": [1, 2], "hidden": 16, "epochs": 300, "batch_size": 16, "valid": held_out,
            "patience": 20}  # fmt: skip
    here = xt.sweep(X, y, **grid)
    assert len(set(here["epochs_run"])) > 1  # the models stopped at different epochs
    for i in range(4):
        model = xt.sweep_model(here, i)
        alone = xt.train(X, y, lr=model["config"]["lr"], seed=model["config"]["seed"], hidden=16, epochs=300,
                         batch_size=16, valid=held_out, patience=20)  # fmt: skip
        assert all(np.array_equal(alone["state"][k], model["state"][k]) for k in alone["state"])
        for key in ("loss", "valid_loss", "valid_accuracy"):
            assert np.array_equal(alone[key], model[key]), key
        assert (alone["best_epoch"], alone["stopped_by"]) == (model["best_epoch"], model["stopped_by"])
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = xt.sweep(X, y, **grid, executor=pool, chunk_size=1)
    assert_same_bits(here, there)
    assert np.array_equal(here["valid_loss"], there["valid_loss"], equal_nan=True)
    with pytest.raises(ValueError, match=r"^`valid` as a fraction splits the rows by seed"):
        xt.sweep(X, y, lr=[0.1], seeds=[1, 2], valid=0.2)
    with pytest.raises(ValueError, match=r"^`patience` stops on the validation loss: give `valid` too"):
        xt.sweep(X, y, lr=[0.1], seeds=[1], patience=3)
