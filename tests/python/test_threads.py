import numpy as np
import pytest
import torch

import xortorch as xt
from xortorch import _fused, _threads


def test_small_training_runs_on_one_thread_and_restores_the_setting():
    X, y = xt.make_data(500, seed=1)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        seen = []
        xt.train(X, y, epochs=2, seed=1, callback=lambda epoch, loss: seen.append(torch.get_num_threads()))
        assert seen == [1, 1]
        assert torch.get_num_threads() == 2
        seen.clear()
        xt.train(
            X, y, epochs=1, seed=1, engine="autograd", callback=lambda epoch, loss: seen.append(torch.get_num_threads())
        )
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_large_ops_keep_the_users_threads(monkeypatch):
    monkeypatch.setattr(_threads, "cores_taken_by_others", lambda: False)  # an idle machine, whatever this one is doing
    monkeypatch.setattr(_fused, "available", lambda: False)  # torch's path, as for wide models or without numba
    seen = []
    addmm = torch.addmm  # one model's prediction path: two matrix products
    monkeypatch.setattr(torch, "addmm", lambda *a, **k: seen.append(torch.get_num_threads()) or addmm(*a, **k))
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        model = xt.train(*xt.make_data(300, seed=1), epochs=1, seed=1)
        seen.clear()  # training's own forward passes (its start and final losses) are small too
        xt.predict(model, np.zeros((10, 2)))
        xt.predict(model, np.zeros((_threads.PARALLEL_MIN_ELEMENTS // 4, 2)))
        assert seen == [1, 1, 2, 2]  # two addmm per prediction
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_setting_is_restored_when_training_fails():
    before = torch.get_num_threads()
    torch.set_num_threads(2)

    def stop(epoch, loss):
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            xt.train(*xt.make_data(100, seed=1), epochs=3, callback=stop)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_a_users_own_change_during_a_call_is_kept():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        xt.train(*xt.make_data(300, seed=1), epochs=2, seed=1, callback=lambda e, loss: torch.set_num_threads(3))
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


def test_large_ops_take_one_thread_when_other_work_fills_the_cores(monkeypatch):
    monkeypatch.setattr(_threads, "cores_taken_by_others", lambda: True)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with _threads.threads_for(_threads.PARALLEL_MIN_ELEMENTS * 4):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_busy_means_runnable_tasks_beyond_the_cores(monkeypatch, tmp_path):
    import builtins
    import io

    real_open = builtins.open
    for runnable, busy in (("1/80", False), ("2/80", False), ("3/80", True), ("9/80", True)):
        text = f"0.50 0.40 0.30 {runnable} 1234\n"
        monkeypatch.setattr(
            builtins,
            "open",
            lambda path, *a, t=text, **k: io.StringIO(t) if path == "/proc/loadavg" else real_open(path, *a, **k),
        )
        monkeypatch.setattr(_threads.os, "cpu_count", lambda: 2)
        assert _threads.cores_taken_by_others() is busy, runnable


# Forked children (issue 27): after the parent ran a multi-threaded torch op, a child's first parallel op
# waited forever inside OpenMP. Each child runs in a fresh Python so that a hang fails by timeout.
FORKS = """
import multiprocessing, os, sys, time
import numpy as np, torch, xortorch as xt
X, _ = xt.make_data(100_000, seed=1)
big = xt.train(*xt.make_data(200, seed=1), hidden=4096, epochs=1, seed=1, lr=0.001)
expected = xt.predict(big, X)  # a hidden=4,096 prediction on 100k rows: torch on every thread
small = xt.train(*xt.make_data(500, seed=2), seed=1, epochs=5)
assert torch.get_num_threads() > 1

def work(_=None):
    again = xt.train(*xt.make_data(500, seed=2), seed=1, epochs=5)
    same = all(np.array_equal(again["state"][k], small["state"][k]) for k in small["state"])
    # One thread sums a matrix product in another order than two: equal to rounding, not bit for bit.
    return same and np.allclose(xt.predict(big, X), expected, rtol=1e-5, atol=1e-6) and torch.get_num_threads() == 1

pid = os.fork()
if pid == 0:
    os._exit(0 if work() else 3)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0, "os.fork child"
with multiprocessing.get_context("fork").Pool(2) as pool:
    assert all(pool.map(work, range(2))), "multiprocessing child"
assert torch.get_num_threads() > 1  # the parent keeps its threads
print("children finished")
"""


@pytest.mark.parametrize("kernel", ["1", "0"])
def test_forked_children_finish_their_work_on_one_thread(kernel):
    import os
    import subprocess
    import sys

    env = dict(os.environ, XORTORCH_KERNEL=kernel, PYTHONWARNINGS="ignore",
               PYTHONPATH=os.path.dirname(os.path.dirname(xt.__file__)))  # fmt: skip
    for pinned in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # the parent must run torch on every core
        env.pop(pinned, None)
    try:
        out = subprocess.run([sys.executable, "-c", FORKS], env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("a forked child hung")
    assert out.returncode == 0 and out.stdout.strip() == "children finished", out.stderr[-2000:]
