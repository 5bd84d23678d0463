import os
import pickle

import numpy as np
import pytest
import torch

import xortorch as xt
from xortorch._model import PARAM_NAMES


@pytest.fixture(scope="module")
def model():
    return xt.train(*xt.make_data(500, seed=1), seed=1, epochs=20)


def test_round_trip(model, tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(model, path)
    loaded = xt.load_model(str(path))
    for key in PARAM_NAMES:
        np.testing.assert_array_equal(loaded["state"][key], model["state"][key])
    assert loaded["config"]["hidden"] == 4 and loaded["device"] == "cpu"
    X, _ = xt.make_data(50, seed=2)
    np.testing.assert_array_equal(xt.predict(loaded, X), xt.predict(model, X))


def test_file_is_a_plain_state_dict_for_plain_pytorch(model, tmp_path):
    path = tmp_path / "m.tar"
    xt.save_model(model, path)
    module = xt.SimpleClassifier(2, 4, 1)
    module.load_state_dict(torch.load(path, weights_only=True))
    assert list(torch.load(path, weights_only=True)) == list(PARAM_NAMES)
    np.testing.assert_array_equal(module.linear1.weight.detach().numpy(), model["state"]["linear1.weight"])


def test_file_saved_by_the_tutorials_code_loads(tmp_path):
    # As in the tutorial: torch.save(model.state_dict(), "our_model.tar")
    module = xt.SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
    path = tmp_path / "our_model.tar"
    torch.save(module.state_dict(), path)
    loaded = xt.load_model(path)
    np.testing.assert_array_equal(loaded["state"]["linear2.weight"], module.linear2.weight.detach().numpy())
    X, _ = xt.make_data(5, seed=0)
    with torch.no_grad():
        np.testing.assert_allclose(xt.predict(loaded, X), torch.sigmoid(module(torch.from_numpy(X)))[:, 0].numpy(), atol=1e-6)


class Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_booby_trapped_file_is_refused_without_running_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    torch.save({"linear1.weight": Boom()}, path)
    with pytest.raises(ValueError, match="not a readable xortorch model file"):
        xt.load_model(path)
    assert not (tmp_path / "pwned.txt").exists()
    with open(tmp_path / "evil.pkl", "wb") as f:
        pickle.dump(Boom(), f)
    with pytest.raises(ValueError, match="not a readable xortorch model file"):
        xt.load_model(tmp_path / "evil.pkl")
    assert not (tmp_path / "pwned.txt").exists()


def test_truncated_file_is_a_clear_error(model, tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable xortorch model file"):
        xt.load_model(path)
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="`path`"):
        xt.load_model(path)


def test_wrong_tensors_are_a_clear_error(tmp_path):
    path = tmp_path / "m.pt"
    torch.save({"linear1.weight": torch.zeros(4, 3), "linear1.bias": torch.zeros(4),
                "linear2.weight": torch.zeros(1, 4), "linear2.bias": torch.zeros(1)}, path)
    with pytest.raises(ValueError, match=r"`path`: linear1.weight must have shape \(4, 2\)"):
        xt.load_model(path)
    torch.save({"fc.weight": torch.zeros(4, 2)}, path)
    with pytest.raises(ValueError, match="`path` lacks the tensors linear1.weight"):
        xt.load_model(path)
    torch.save([1, 2, 3], path)
    with pytest.raises(ValueError, match="holds a list, not a state_dict"):
        xt.load_model(path)


def test_missing_file_and_bad_path(tmp_path):
    with pytest.raises(ValueError, match="`path`: no such file"):
        xt.load_model(tmp_path / "nope.pt")
    with pytest.raises(TypeError, match="`path` must be a file path"):
        xt.load_model(42)
    with pytest.raises(ValueError, match="`path`: the folder .* does not exist"):
        xt.save_model({"state": xt.to_module(xt.SimpleClassifier(2, 4, 1)).state_dict()}, tmp_path / "no" / "m.pt")


def test_failed_save_leaves_the_old_file_and_no_temp(model, tmp_path, monkeypatch):
    path = tmp_path / "m.pt"
    xt.save_model(model, path)
    good = path.read_bytes()

    def broken_save(obj, handle):
        handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        xt.save_model(model, path)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["m.pt"]
