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
