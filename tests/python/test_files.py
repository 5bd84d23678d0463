"""Files you can trust (issue 21): saves under threads and processes, targets that are not
regular files, capped and strict loads, and one correct sentence per kind of file."""

import collections
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
        "import os\n"
        "def slow(fd):\n"
        "    print('writing', flush=True); time.sleep(60)\n"
        "os.fsync = slow\n"
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


# Hostile files (issue 28): what the checks read is what torch.load reads.


def entries_of(path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path, entries, compress=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compress)
    return path


def tutorial_state(dtype=torch.float32) -> dict:
    return {k: torch.from_numpy(v).to(dtype) for k, v in make_model(0)["state"].items()}


def refusal_peak(path) -> tuple[str, int]:
    """The refusal's message and the most memory its Python code held at once."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as err:
            xt.load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(err.value), peak


def test_a_decoy_index_ahead_of_the_real_one_is_refused(tmp_path):
    # The decoy, a good model's index, comes first; torch.load reads the folder's own data.pkl, here int64
    # weights and an extra tensor (or a model 20,000,000 hidden units wide in a 300 KB file).
    good = entries_of(save_raw(tmp_path / "good.pt", tutorial_state()))
    bad_state = {**tutorial_state(torch.int64), "linear3.weight": torch.zeros(1, dtype=torch.int64)}
    bad = entries_of(save_raw(tmp_path / "bad.pt", bad_state))
    folder = bad[0][0].split("/")[0]
    decoy = [(f"{folder}/aaa/data.pkl", dict(good)[f"{good[0][0].split('/')[0]}/data.pkl"])]
    path = write_zip(tmp_path / "decoy.pt", decoy + bad)
    assert torch.load(path, weights_only=True)["linear1.weight"].dtype == torch.int64  # what torch would give
    message, peak = refusal_peak(path)
    assert message == (
        f"`path`: {str(path)!r} is not laid out as torch.save writes a model: it has a second index, "
        f"{folder}/aaa/data.pkl."
    )
    assert peak <= os.path.getsize(path) + 65536

    wide = 20_000_000
    huge = {"linear1.weight": torch.zeros(1).expand(wide, 2), "linear1.bias": torch.zeros(1).expand(wide),
            "linear2.weight": torch.zeros(1).expand(1, wide), "linear2.bias": torch.zeros(1)}  # fmt: skip
    huge_entries = entries_of(save_raw(tmp_path / "huge.pt", huge))
    path = write_zip(tmp_path / "decoy2.pt", decoy + huge_entries)
    message, peak = refusal_peak(path)
    assert "it has a second index" in message and peak <= os.path.getsize(path) + 65536


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("duplicate", "it has two entries named {folder}/data.pkl"),
        ("stray", "it has an unexpected entry {folder}/notes.txt"),
        ("outside", "it has an unexpected entry other/data/0"),
        ("unused", "it has an unused storage data/9"),
        ("missing", "it has no storage data/3"),
        ("resized", "storage {folder}/data/0 holds 36 bytes where its index says 32"),
        ("compressed", "its entry {folder}/data.pkl is compressed"),
    ],
)
def test_only_torch_saves_own_layout_is_read(tmp_path, change, says):
    entries = entries_of(save_raw(tmp_path / "good.pt", tutorial_state()))
    folder = entries[0][0].split("/")[0]
    compress = zipfile.ZIP_STORED
    if change == "duplicate":
        entries = [entries[0], *entries]
    elif change == "stray":
        entries.append((f"{folder}/notes.txt", b"hi"))
    elif change == "outside":
        entries.append(("other/data/0", b"\0" * 4))
    elif change == "unused":
        entries.append((f"{folder}/data/9", b"\0" * 4))
    elif change == "missing":
        entries = [(n, d) for n, d in entries if n != f"{folder}/data/3"]
    elif change == "resized":
        entries = [(n, d + b"\0" * 4 if n == f"{folder}/data/0" else d) for n, d in entries]
    else:
        compress = zipfile.ZIP_DEFLATED
    path = write_zip(tmp_path / "odd.pt", entries, compress)
    message, peak = refusal_peak(path)
    layout = "is not laid out as torch.save writes a model"
    assert message == f"`path`: {str(path)!r} {layout}: {says.format(folder=folder)}."
    assert peak <= os.path.getsize(path) + 65536


def test_a_storage_serving_two_tensors_is_refused(tmp_path):
    shared = torch.zeros(8)
    state = {"linear1.weight": shared[:8].view(4, 2), "linear1.bias": shared[:4], "linear2.weight": torch.zeros(1, 4),
             "linear2.bias": torch.zeros(1)}  # fmt: skip
    message, _ = refusal_peak(save_raw(tmp_path / "shared.pt", state))
    assert message.endswith("is not laid out as torch.save writes a model: storage data/0 serves two tensors.")


def test_a_file_swapped_after_the_checks_is_not_what_loads(tmp_path, monkeypatch):
    import xortorch._io as io_module

    path, good, bad = tmp_path / "m.pt", tmp_path / "good.pt", tmp_path / "bad.pt"
    save_raw(good, tutorial_state())
    save_raw(bad, tutorial_state(torch.int64))
    checks = io_module._read_index

    def check_then_swap(*args):
        result = checks(*args)
        os.replace(bad, path)  # the moment between the checks and the load
        return result

    os.link(good, path)
    monkeypatch.setattr(io_module, "_read_index", check_then_swap)
    loaded = xt.load_model(path)
    np.testing.assert_array_equal(loaded["state"]["linear1.weight"], make_model(0)["state"]["linear1.weight"])
    assert torch.load(path, weights_only=True)["linear1.weight"].dtype == torch.int64  # the swap happened


def test_loads_racing_with_swaps_never_return_what_was_not_checked(tmp_path):
    path = tmp_path / "m.pt"
    sources = [save_raw(tmp_path / f"{dtype}.pt", tutorial_state(dtype)) for dtype in (torch.float32, torch.int64)]
    stop = threading.Event()

    def swap():
        i = 0
        while not stop.is_set():
            tmp = tmp_path / f"swap{i % 2}.pt"
            tmp.write_bytes(sources[i % 2].read_bytes())
            os.replace(tmp, path)
            i += 1

    xt.save_model(make_model(0), path)
    swapper = threading.Thread(target=swap)
    swapper.start()
    outcomes = collections.Counter()
    try:
        for _ in range(400):
            try:
                state = xt.load_model(path)["state"]
            except ValueError as err:
                assert "int64, not floating-point" in str(err) or "does not exist" in str(err), err
                outcomes["refused"] += 1
            else:
                assert all(v.dtype == np.float32 for v in state.values())
                np.testing.assert_array_equal(state["linear1.weight"], make_model(0)["state"]["linear1.weight"])
                outcomes["loaded"] += 1
    finally:
        stop.set()
        swapper.join()
    assert outcomes["loaded"] and outcomes["refused"]


def test_special_files_are_named_for_what_they_are_and_never_block(tmp_path):
    import socket

    fifo = tmp_path / "pipe.pt"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.pt"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        cases = {fifo: "a named pipe (FIFO)", sock_path: "a socket", "/dev/zero": "a character device"}
        for path, kind in cases.items():
            result: list = []
            reader = threading.Thread(target=lambda p=path, r=result: r.append(refusal_peak(p)[0]), daemon=True)
            reader.start()
            reader.join(10)
            assert not reader.is_alive(), f"load_model({path}) blocked"
            assert result == [f"`path`: {str(path)!r} is {kind}, not a model file."]
    finally:
        sock.close()


def test_the_tutorials_parameters_saved_as_a_dict_load(tmp_path):
    module = xt.to_module(make_model(3))
    path = save_raw(tmp_path / "params.pt", dict(module.named_parameters()))
    loaded = xt.load_model(path)
    for name, tensor in module.named_parameters():
        np.testing.assert_array_equal(loaded["state"][name], tensor.detach().numpy())


def test_every_file_name_torch_save_can_write_can_be_saved(tmp_path):
    for length in (200, 230, 255):
        path = tmp_path / ("m" * (length - 3) + ".pt")
        torch.save(tutorial_state(), path)  # torch.save can
        xt.save_model(make_model(1), path)
        loaded = xt.load_model(path)["state"]["linear1.bias"]
        np.testing.assert_array_equal(loaded, make_model(1)["state"]["linear1.bias"])
    assert temporaries(tmp_path) == []


def test_a_file_size_limit_is_named_and_the_old_file_survives(tmp_path):
    path = tmp_path / "m.pt"
    xt.save_model(make_model(0), path)
    before = path.read_bytes()
    code = (
        "import resource, sys, numpy as np, xortorch as xt\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))\n"
        "big = xt.train(*xt.make_data(50, seed=1), hidden=64, epochs=1, seed=1)\n"
        "try:\n"
        "    xt.save_model(big, sys.argv[1])\n"
        "except ValueError as err:\n"
        "    print(err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=PYTHONPATH, PYTHONWARNINGS="ignore"))  # fmt: skip
    assert out.stdout.strip() == (
        f"`path`: cannot write {str(path)!r}: the file would exceed the file-size limit (`ulimit -f`)."
    ), out.stderr
    assert path.read_bytes() == before and temporaries(tmp_path) == []


def test_a_full_disk_is_named_and_the_old_file_survives(tmp_path):
    import shutil

    from conftest import need

    need(os.geteuid() == 0 and shutil.which("unshare") is not None, "mounting a small disk needs root and unshare")
    code = (
        "import os, sys, xortorch as xt\n"
        "path = os.path.join(sys.argv[1], 'm.pt')\n"
        "xt.save_model(xt.train(*xt.make_data(50, seed=1), epochs=1, seed=1), path)\n"
        "before = open(path, 'rb').read()\n"
        "open(os.path.join(sys.argv[1], 'filler'), 'wb').write(b'x' * (60 * 1024 - 2 * len(before)))\n"
        "big = xt.train(*xt.make_data(50, seed=1), hidden=512, epochs=1, seed=1)\n"
        "try:\n"
        "    xt.save_model(big, path)\n"
        "except ValueError as err:\n"
        "    print(err)\n"
        "print(open(path, 'rb').read() == before, [n for n in os.listdir(sys.argv[1]) if n.endswith('.tmp')])\n"
    )
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f'mount -t tmpfs -o size=64k tmpfs {disk} && exec {sys.executable} -c "$0" {disk}'
    out = subprocess.run(["unshare", "-m", "sh", "-c", script, code], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=PYTHONPATH, PYTHONWARNINGS="ignore"))  # fmt: skip
    assert out.stdout.splitlines() == [
        f"`path`: cannot write {str(disk / 'm.pt')!r}: the disk is full.",
        "True []",
    ], out.stderr
