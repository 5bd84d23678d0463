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
        np.testing.assert_allclose(
            xt.predict(loaded, X), torch.sigmoid(module(torch.from_numpy(X)))[:, 0].numpy(), atol=1e-6
        )


class Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_booby_trapped_file_is_refused_without_running_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    torch.save({"linear1.weight": Boom()}, path)
    with pytest.raises(ValueError, match="holds pickled Python objects"):
        xt.load_model(path)
    assert not (tmp_path / "pwned.txt").exists()
    with open(tmp_path / "evil.pkl", "wb") as f:
        pickle.dump(Boom(), f)
    with pytest.raises(ValueError, match=r"evil.pkl' is a pickle file .* unpickling can run code"):
        xt.load_model(tmp_path / "evil.pkl")
    assert not (tmp_path / "pwned.txt").exists()


def test_truncated_file_is_a_clear_error(model, tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="is not a PyTorch model file"):
        xt.load_model(path)
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="`path`"):
        xt.load_model(path)


def test_wrong_tensors_are_a_clear_error(tmp_path):
    path = tmp_path / "m.pt"
    torch.save(
        {
            "linear1.weight": torch.zeros(2, 4),
            "linear1.bias": torch.zeros(4),
            "linear2.weight": torch.zeros(1, 4),
            "linear2.bias": torch.zeros(1),
        },
        path,
    )
    with pytest.raises(ValueError, match=r"'.*m.pt' holds linear1.bias of shape \(4,\); this model needs \(2,\)"):
        xt.load_model(path)
    torch.save(
        {
            "linear1.weight": torch.zeros(4, 2),
            "linear1.bias": torch.zeros(4),
            "linear2.weight": torch.zeros(4, 1),
            "linear2.bias": torch.zeros(1),
        },
        path,
    )
    with pytest.raises(ValueError, match=r"'.*m.pt' holds linear2.weight of shape \(4, 1\); this model needs \(1, 4\)"):
        xt.load_model(path)
    torch.save({"fc.weight": torch.zeros(4, 2)}, path)
    with pytest.raises(ValueError, match=r"holds tensors the tutorial's model does not have: fc.weight"):
        xt.load_model(path)
    torch.save([1, 2, 3], path)
    with pytest.raises(ValueError, match="holds a list, not a state_dict"):
        xt.load_model(path)


def test_missing_file_and_bad_path(tmp_path):
    with pytest.raises(ValueError, match=r"nope.pt' does not exist"):
        xt.load_model(tmp_path / "nope.pt")
    with pytest.raises(TypeError, match="`path` must be a file path"):
        xt.load_model(42)
    with pytest.raises(ValueError, match=r"`path`: cannot write '.*m.pt': the folder .* does not exist"):
        xt.save_model({"state": xt.to_module(xt.SimpleClassifier(2, 4, 1)).state_dict()}, tmp_path / "no" / "m.pt")


def test_failed_save_leaves_the_old_file_and_no_temp(model, tmp_path, monkeypatch):
    path = tmp_path / "m.pt"
    xt.save_model(model, path)
    good = path.read_bytes()

    def broken_save(obj, handle):
        handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(ValueError, match=r"`path`: cannot write '.*m.pt': disk full") as err:
        xt.save_model(model, path)
    assert ".tmp" not in str(err.value)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["m.pt"]


def test_plain_sentences_for_files_that_are_not_models(model, tmp_path):
    text = tmp_path / "hello.pt"
    text.write_bytes(b"hello")
    with pytest.raises(
        ValueError, match=r"^`path`: '.*hello.pt' is a text file \(CSV or similar\), not a model"
    ) as err:
        xt.load_model(text)
    assert "101" not in str(err.value)
    with pytest.raises(ValueError, match=r"^`path`: '.*' is a folder, not a model file\.$"):
        xt.load_model(tmp_path)
    with pytest.raises(ValueError, match=r"is a folder; give a file name such as '.*model.pt'") as err:
        xt.save_model(model, tmp_path)
    assert "xortorch-" not in str(err.value)
    whole = tmp_path / "whole.pt"
    torch.save(xt.to_module(model), whole)
    with pytest.raises(ValueError, match=r"holds pickled Python objects .* Save `model.state_dict\(\)`") as err:
        xt.load_model(whole)
    assert "\x1b" not in str(err.value) and "weights_only=False" not in str(err.value)
    # What R's saveRDS() writes: gzip around "X\n" and R's serialisation.
    import gzip

    rds = tmp_path / "model.rds"
    rds.write_bytes(gzip.compress(b"X\n\x00\x00\x00\x03\x00\x04\x02\x02"))
    with pytest.raises(ValueError, match=r"is an R data file .* readRDS\(\)"):
        xt.load_model(rds)


def test_modes_follow_the_umask_and_the_existing_file(model, tmp_path):
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.pt"
        xt.save_model(model, new)
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.pt"
        kept.write_bytes(b"old")
        kept.chmod(0o640)
        xt.save_model(model, kept)
        assert kept.stat().st_mode & 0o777 == 0o640
        assert xt.load_model(kept)["config"]["hidden"] == 4
    finally:
        os.umask(old)


def test_a_symlink_is_written_through(model, tmp_path):
    real = tmp_path / "real.pt"
    real.write_bytes(b"old")
    link = tmp_path / "link.pt"
    link.symlink_to(real)
    xt.save_model(model, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    np.testing.assert_array_equal(xt.load_model(real)["state"]["linear1.weight"], model["state"]["linear1.weight"])
    assert sorted(os.listdir(tmp_path)) == ["link.pt", "real.pt"]


def test_a_killed_save_leaves_no_temporaries_behind(model, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "m.pt"
    # A save that has written its temporary, then hangs until it is killed.
    code = (
        "import sys, time, torch, xortorch as xt\n"
        "import os\n"
        "def slow(fd):\n"
        "    print('writing', flush=True); time.sleep(60)\n"
        "os.fsync = slow\n"
        "xt.save_model(xt.load_model(sys.argv[1]), sys.argv[2])\n"
    )
    good = tmp_path / "good.pt"
    xt.save_model(model, good)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(xt.__file__)))
    proc = subprocess.Popen([sys.executable, "-c", code, str(good), str(path)], stdout=subprocess.PIPE, env=env)
    assert proc.stdout.readline() == b"writing\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)
    assert any(name.endswith(".tmp") for name in os.listdir(tmp_path))  # what SIGKILL leaves
    xt.save_model(model, path)
    assert sorted(os.listdir(tmp_path)) == ["good.pt", "m.pt"]
