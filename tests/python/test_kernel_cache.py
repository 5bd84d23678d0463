"""The compiled kernel never breaks training (issues 27 and 28): a cache that cannot be written, a damaged or
stale cache and an untrusted one each leave every call working, with the results of a healthy cache and at
most one warning; the switch XORTORCH_KERNEL turns the kernel off."""

from __future__ import annotations

import glob
import json
import os
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import need

import xortorch as xt
from xortorch import _fused

PYTHONPATH = os.path.dirname(os.path.dirname(xt.__file__))

# Every kind of call that reaches the kernels, its results as numbers, and the warnings it gave.
CALLS = """
import json, warnings
import numpy as np
import xortorch as xt
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    X, y = xt.make_data(300, seed=1)
    fast = xt.train(X, y, seed=1, epochs=3)
    autograd = xt.train(X, y, seed=1, epochs=3, engine="autograd")
    logits = xt.predict(fast, X, kind="logit")
    swept = xt.sweep(X, y, lr=[0.1, 0.2], seeds=[1, 2], epochs=2)
numbers = [float(np.sum(fast["state"]["linear1.weight"])), float(np.sum(autograd["state"]["linear1.weight"])),
           float(np.sum(logits)), float(np.sum(swept["final_loss"]))]
cache = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
print(json.dumps({"numbers": numbers, "cache_warnings": cache}))
"""


def run_calls(env: dict, prefix: list[str] | None = None, cwd=None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")} | env
    env["PYTHONPATH"] = PYTHONPATH
    out = subprocess.run([*(prefix or []), sys.executable, "-c", CALLS], env=env, capture_output=True, text=True,
                         timeout=300, cwd=cwd)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    """The results with a healthy cache, and that cache (compiled into a fresh folder)."""
    base = tmp_path_factory.mktemp("healthy")
    result = run_calls({"NUMBA_CACHE_DIR": str(base)})
    assert result["cache_warnings"] == []
    (folder,) = glob.glob(str(base / "kernels-*"))
    return result["numbers"], folder


def copy_cache(folder: str, base) -> str:
    target = os.path.join(base, os.path.basename(folder))
    shutil.copytree(folder, target)
    os.chmod(base, 0o700)
    return target


def read_only(*folders) -> list[str]:
    """A command prefix that runs the rest in a mount namespace where ``folders`` are read-only."""
    need(os.geteuid() == 0 and shutil.which("unshare") is not None, "read-only mounts need root and unshare")
    mounts = " && ".join(f"mount --bind {d} {d} && mount -o remount,bind,ro {d}" for d in folders)
    return ["unshare", "-m", "sh", "-c", f'{mounts} && exec "$0" "$@"']


def test_a_read_only_install_and_home_use_the_temporary_folder(healthy, tmp_path):
    # A container's view: the installed package (with any cache beside it) and HOME mounted read-only.
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    result = run_calls({"HOME": str(home), "TMPDIR": str(tmp)}, read_only(PYTHONPATH, home), cwd=home)
    assert result == {"numbers": healthy[0], "cache_warnings": []}
    assert glob.glob(str(tmp / f"xortorch-{os.geteuid()}" / "kernels-*" / "*.nbi"))


def test_no_writable_cache_folder_compiles_in_memory_with_one_warning(healthy, tmp_path):
    # NUMBA_CACHE_DIR on a read-only volume, the install and HOME read-only too.
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    env = {"HOME": str(home), "NUMBA_CACHE_DIR": str(cache)}
    result = run_calls(env, read_only(PYTHONPATH, home, cache), cwd=home)
    assert result["numbers"] == healthy[0]
    (warning,) = result["cache_warnings"]
    assert "compiles its training kernels in memory" in warning and "Set NUMBA_CACHE_DIR" in warning
    assert f"{cache}/kernels-" in warning and "Read-only file system" in warning


def test_a_damaged_cache_is_a_miss_with_at_most_one_warning(healthy, tmp_path):
    # Five kinds of damage at once, one per file: each is a miss, never an error.
    folder = copy_cache(healthy[1], tmp_path)
    rng = np.random.default_rng(0)
    damages = {
        "run_batches*.nbi": lambda data: data[: len(data) // 2],
        "forward*.nbi": lambda data: b"",
        "randperms*.nbi": lambda data: rng.bytes(len(data)),
        "run_batches*.nbc": lambda data: data[: len(data) // 2],
        "forward*.nbc": lambda data: rng.bytes(len(data)),
    }
    for pattern, damage in damages.items():
        (path,) = glob.glob(os.path.join(folder, f"*{pattern}"))
        with open(path, "rb") as handle:
            data = handle.read()
        with open(path, "wb") as handle:
            handle.write(damage(data))
    result = run_calls({"NUMBA_CACHE_DIR": str(tmp_path)})
    assert result["numbers"] == healthy[0]
    (warning,) = result["cache_warnings"]
    assert folder in warning and "NUMBA_CACHE_DIR" in warning
    again = run_calls({"NUMBA_CACHE_DIR": str(tmp_path)})  # rewritten: healthy again
    assert again == {"numbers": healthy[0], "cache_warnings": []}


def test_a_changed_kernel_never_loads_the_old_one(tmp_path):
    package = tmp_path / "src"
    shutil.copytree(os.path.join(PYTHONPATH, "xortorch"), package / "xortorch")
    code = (
        "import numpy as np\nfrom xortorch import _fused\n"
        "w = [np.ones((1, 3, 2)), np.ones((1, 3)), np.ones((1, 1, 3)), np.zeros((1, 1))]\n"
        "print(float(_fused.logits(w, np.full((4, 2), 0.1, np.float32)).sum()))"
    )
    env = {**os.environ, "PYTHONPATH": str(package), "NUMBA_CACHE_DIR": str(tmp_path / "cache")}

    def logits() -> float:
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        return float(out.stdout)

    before = logits()
    kernels = package / "xortorch" / "_kernels.py"
    source, stamp = kernels.read_text(), os.stat(kernels)
    assert source.count("z[r] += W2j * tanh(a[r])") == 1
    kernels.write_text(source.replace("z[r] += W2j * tanh(a[r])", "z[r] -= W2j * tanh(a[r])"))
    os.utime(kernels, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same size, same time: only the text differs
    assert os.stat(kernels).st_size == stamp.st_size
    assert logits() == pytest.approx(-before)


class Marker:
    """A pickle that, when loaded, leaves a file behind: what a planted cache index could do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def plant(folder: str, marker) -> None:
    for index in glob.glob(os.path.join(folder, "*.nbi")):
        with open(index, "wb") as handle:
            pickle.dump(Marker(str(marker)), handle)


def test_a_planted_index_in_a_trusted_folder_runs_which_is_why_only_you_may_write_it(healthy, tmp_path):
    folder = copy_cache(healthy[1], tmp_path / "base")
    plant(folder, tmp_path / "ran")
    run_calls({"NUMBA_CACHE_DIR": str(tmp_path / "base")})
    assert (tmp_path / "ran").exists()


@pytest.mark.parametrize("how", ["folder writable by others", "file writable by others", "another user's file",
                                 "another user's base folder"])  # fmt: skip
def test_a_cache_others_can_write_is_never_loaded(healthy, tmp_path, how):
    if "user" in how:
        need(os.geteuid() == 0, "giving a file to another user needs root")
    base = tmp_path / "base"
    folder = copy_cache(healthy[1], base)
    marker = tmp_path / "ran"
    plant(folder, marker)
    if how == "folder writable by others":
        os.chmod(folder, 0o777)
    elif how == "file writable by others":
        for index in glob.glob(os.path.join(folder, "*.nbi")):
            os.chmod(index, 0o666)
    elif how == "another user's file":
        for index in glob.glob(os.path.join(folder, "*.nbi")):
            os.chown(index, 1234, 1234)
    else:
        os.chown(base, 1234, 1234)
    result = run_calls({"NUMBA_CACHE_DIR": str(base)})
    assert not marker.exists()
    assert result["numbers"] == healthy[0]
    (warning,) = result["cache_warnings"]
    reason = {"folder writable by others": "can be written by others (mode 0777)",
              "file writable by others": "can be written by others (mode 0666)",
              "another user's file": "belongs to another user (uid 1234)",
              "another user's base folder": "its parent folder belongs to another user (uid 1234)"}[how]  # fmt: skip
    assert reason in warning and "Set NUMBA_CACHE_DIR to a folder only you can write" in warning


def test_the_cache_folder_is_created_for_the_user_alone(tmp_path, monkeypatch):
    from xortorch import _kernel_cache

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "new" / "base"))
    folder, problems = _kernel_cache.choose_folder(b"source")
    assert problems == [] and folder.startswith(str(tmp_path / "new" / "base" / "kernels-"))
    assert os.stat(folder).st_mode & 0o777 == 0o700
    assert os.stat(os.path.dirname(folder)).st_mode & 0o077 == 0
    assert _kernel_cache.choose_folder(b"other source")[0] != folder


def test_the_switch_turns_the_kernel_off(monkeypatch):
    X, y = xt.make_data(300, seed=1)
    compiled, calls = _fused._compiled, []
    monkeypatch.setattr(_fused, "_compiled", lambda: calls.append(1) or compiled())
    xt.train(X, y, seed=1, epochs=3)
    assert calls
    monkeypatch.setenv("XORTORCH_KERNEL", "0")
    assert not _fused.available()
    calls.clear()
    model = xt.train(X, y, seed=1, epochs=3)
    xt.predict(model, X)
    xt.sweep(X, y, lr=[0.1], seeds=[1, 2], epochs=2)
    assert calls == []
    monkeypatch.setenv("XORTORCH_KERNEL", "1")
    assert _fused.available()
