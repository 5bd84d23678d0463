import numpy as np
import torch

import xortorch as xt
from xortorch import _threads


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
    seen = []
    monkeypatch.setattr(torch, "tanh", lambda x: seen.append(torch.get_num_threads()) or x.tanh())
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        model = xt.train(*xt.make_data(300, seed=1), epochs=1, seed=1)
        xt.predict(model, np.zeros((10, 2)))
        xt.predict(model, np.zeros((_threads.PARALLEL_MIN_ELEMENTS // 4, 2)))
        assert seen == [1, 2]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_setting_is_restored_when_training_fails():
    torch.set_num_threads(2)

    def stop(epoch, loss):
        raise KeyboardInterrupt

    try:
        xt.train(*xt.make_data(100, seed=1), epochs=3, callback=stop)
    except KeyboardInterrupt:
        pass
    assert torch.get_num_threads() == 2
