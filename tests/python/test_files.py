"""Files you can trust (issue 21): saves under threads and processes, targets that are not
regular files, capped and strict loads, and one correct sentence per kind of file."""

import os
import stat
import subprocess
import sys
import threading
import zipfile

import numpy as np
import pytest
import torch

import xortorch as xt

PYTHONPATH = os.path.dirname(os.path.dirname(xt.__file__))


def make_model(seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    shapes = {"linear1.weight": (4, 2), "linear1.bias": (4,), "linear2.weight": (1, 4), "linear2.bias": (1,)}
    return {"state": {k: torch.randn(s, generator=g).numpy() for k, s in shapes.items()}}


def temporaries(folder) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_threads_saving_to_one_path_never_collide_and_readers_see_whole_files(tmp_path):
    path = tmp_path / "m.pt"
    models = [make_model(i) for i in range(8)]
    xt.save_model(models[0], path)
    weights = {m["state"]["linear1.bias"].tobytes() for m in models}
    errors, reads = [], []
    stop = threading.Event()

    def save(m):
        try:
            for _ in range(25):
                xt.save_model(m, path)
        except Exception as err:
            errors.append(err)

    def read():
        while not stop.is_set():
            try:
                reads.append(xt.load_model(path)["state"]["linear1.bias"].tobytes())
            except Exception as err:
                errors.append(err)

    reader = threading.Thread(target=read)
    reader.start()
    savers = [threading.Thread(target=save, args=(m,)) for m in models]
    for t in savers:
        t.start()
    for t in savers:
        t.join()
    stop.set()
    reader.join()
    assert errors == []
    assert reads and set(reads) <= weights  # old or new complete file, nothing else
    assert temporaries(tmp_path) == []


def test_processes_saving_to_one_path_never_collide(tmp_path):
    path = tmp_path / "m.pt"
    code = (
        "import sys, torch, xortorch as xt\n"
        "g = torch.Generator().manual_seed(int(sys.argv[2]))\n"
        "m = {'state': {'linear1.weight': torch.randn(4, 2, generator=g).numpy(),"
        " 'linear1.bias': torch.zeros(4).numpy(), 'linear2.weight': torch.zeros(1, 4).numpy(),"
        " 'linear2.bias': torch.zeros(1).numpy()}}\n"
        "for _ in range(20): xt.save_model(m, sys.argv[1])\n"
    )
    env = dict(os.environ, PYTHONPATH=PYTHONPATH)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), str(i)], env=env) for i in range(4)]
    assert [p.wait() for p in procs] == [0, 0, 0, 0]
    xt.load_model(path)
    assert temporaries(tmp_path) == []


def test_a_live_saves_temporary_is_never_deleted_but_a_dead_ones_is(tmp_path):
    import signal

    good = tmp_path / "good.pt"
    xt.save_model(make_model(0), good)
    path = tmp_path / "m.pt"
    code = (
        "import sys, time, torch, xortorch as xt\n"
        "def slow(obj, handle):\n"
        "    handle.write(b'x' * 1000); handle.flush(); print('writing', flush=True); time.sleep(60)\n"
        "torch.save = slow\n"
        "xt.save_model(xt.load_model(sys.argv[1]), sys.argv[2])\n"
    )
    env = dict(os.environ, PYTHONPATH=PYTHONPATH)
    proc = subprocess.Popen([sys.executable, "-c", code, str(good), str(path)], stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdout.readline() == b"writing\n"
        live = temporaries(tmp_path)
        assert len(live) == 1
        xt.save_model(make_model(1), path)  # its own save completes ...
        assert temporaries(tmp_path) == live  # ... and leaves the other, live, save alone
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    xt.save_model(make_model(1), path)  # now that saver is dead: its temporary goes
    assert temporaries(tmp_path) == []


def test_only_regular_files_are_replaced(tmp_path):
    model = make_model(0)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"`path`: '.*pipe' is a named pipe \(FIFO\), not a regular file"):
        xt.save_model(model, fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(ValueError, match=r"`path`: '/dev/null' is a character device, not a regular file"):
        xt.save_model(model, "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_write_protected_file_is_refused_like_torch_save(tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(make_model(0), path)
    os.chmod(path, 0o444)
    with pytest.raises(ValueError, match=r"`path`: '.*m.pt' is write-protected \(mode 0444\)"):
        xt.save_model(make_model(1), path)
    np.testing.assert_array_equal(xt.load_model(path)["state"]["linear1.bias"], make_model(0)["state"]["linear1.bias"])


def test_errors_name_the_users_path_never_the_temporary():
    with pytest.raises(ValueError) as err:
        xt.save_model(make_model(0), "/proc/m.pt")
    assert "'/proc/m.pt'" in str(err.value) and ".tmp" not in str(err.value)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_and_group_are_kept_when_permitted(tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(make_model(0), path)
    os.chown(path, 1234, 2345)
    xt.save_model(make_model(1), path)
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (1234, 2345)


def test_hard_links_are_documented_as_broken(tmp_path):
    # As torch.save cannot be atomic and keep links both, a save replaces the name: other links keep the old weights.
    path, link = tmp_path / "m.pt", tmp_path / "link.pt"
    xt.save_model(make_model(0), path)
    os.link(path, link)
    xt.save_model(make_model(1), path)
    np.testing.assert_array_equal(xt.load_model(link)["state"]["linear1.bias"], make_model(0)["state"]["linear1.bias"])
    assert "hard link" in xt.save_model.__doc__


# Loads


def save_raw(path, state):
    torch.save(state, path)
    return path


def test_a_crafted_file_declaring_a_huge_model_is_refused_before_anything_is_built(tmp_path):
    import resource
    import time

    # 1 KiB on disk: each tensor is a broadcast view of one number, which would expand to 67 million hidden units.
    huge = 2**26
    path = save_raw(
        tmp_path / "huge.pt",
        {
            "linear1.weight": torch.zeros(1).expand(huge, 2),
            "linear1.bias": torch.zeros(1).expand(huge),
            "linear2.weight": torch.zeros(1).expand(1, huge),
            "linear2.bias": torch.zeros(1),
        },
    )
    assert os.path.getsize(path) < 4096
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"declares 67,108,864 hidden units; the limit is 4,096"):
        xt.load_model(path)
    assert time.perf_counter() - start < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB


def test_unexpected_tensors_are_refused_as_load_state_dict_strict_does(tmp_path):
    state = {k: torch.from_numpy(v) for k, v in make_model(0)["state"].items()}
    path = save_raw(tmp_path / "deeper.pt", {**state, "linear3.weight": torch.zeros(1, 1)})
    with pytest.raises(ValueError, match=r"holds tensors the tutorial's model does not have: linear3.weight"):
        xt.load_model(path)


@pytest.mark.parametrize("dtype", [torch.int64, torch.bool, torch.int8])
def test_integer_and_bool_weights_are_refused(tmp_path, dtype):
    state = {k: torch.from_numpy(v).to(dtype) for k, v in make_model(0)["state"].items()}
    with pytest.raises(ValueError, match=rf"linear1.weight is {str(dtype).replace('torch.', '')}, not floating-point"):
        xt.load_model(save_raw(tmp_path / "int.pt", state))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float64])
def test_other_float_dtypes_load_as_float32(tmp_path, dtype):
    model = make_model(0)
    state = {k: torch.from_numpy(v).to(dtype) for k, v in model["state"].items()}
    loaded = xt.load_model(save_raw(tmp_path / "half.pt", state))
    assert loaded["state"]["linear1.weight"].dtype == np.float32
    expected = torch.from_numpy(model["state"]["linear1.weight"]).to(dtype).float().numpy()
    np.testing.assert_array_equal(loaded["state"]["linear1.weight"], expected)


def test_a_flipped_bit_in_a_weight_is_caught_by_the_checksum(tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(make_model(0), path)
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("data/0"))
    with open(path, "r+b") as handle:
        handle.seek(info.header_offset + 26)
        name_len, extra_len = np.frombuffer(handle.read(4), dtype="<u2")
        offset = info.header_offset + 30 + int(name_len) + int(extra_len)
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ 0x01]))
    with pytest.raises(ValueError, match=r"is corrupted: the checksum of .*data/0 does not match"):
        xt.load_model(path)


def test_one_correct_sentence_per_kind_of_file(tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("x1,x2,label\n0.1,0.9,1\n")
    with pytest.raises(ValueError, match=r"is a text file \(CSV or similar\), not a model file"):
        xt.load_model(csv)
    npy = tmp_path / "w.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(ValueError, match=r"is a NumPy \.npy array, not a model file; read it with numpy\.load\(\)"):
        xt.load_model(npy)
    legacy = tmp_path / "legacy.pt"
    torch.save({k: torch.from_numpy(v) for k, v in make_model(0)["state"].items()}, legacy,
               _use_new_zipfile_serialization=False)  # fmt: skip
    with pytest.raises(ValueError, match=r"is a pickle file \(PyTorch's legacy pre-1\.6 format"):
        xt.load_model(legacy)
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match=r"is a zip archive but not a PyTorch file"):
        xt.load_model(archive)
