"""CUDA checks, run by tools/gpu_check.py on a machine with a GPU.

Elsewhere they skip; with XORTORCH_REQUIRE_GPU=1 a missing GPU fails them.
"""

import os

import numpy as np
import torch

import xortorch as xt

try:
    import pytest

    pytestmark = pytest.mark.gpu
except ImportError:  # the device machine may lack pytest: gpu_check.py then calls these directly
    pytest = None


def require_cuda():
    if torch.cuda.is_available():
        return
    if os.environ.get("XORTORCH_REQUIRE_GPU") == "1" or pytest is None:
        raise AssertionError("CUDA is not available")
    pytest.skip("CUDA is not available")


def test_training_on_cuda_matches_cpu_accuracy():
    require_cuda()
    X, y = xt.make_data(2500, seed=1)
    X_test, y_test = xt.make_data(500, seed=2)
    gpu = xt.train(X, y, seed=1, device="cuda")
    cpu = xt.train(X, y, seed=1, device="cpu")
    assert gpu["device"].startswith("cuda")
    assert xt.evaluate(gpu, X_test, y_test) >= 0.99
    assert abs(xt.evaluate(gpu, X_test, y_test) - xt.evaluate(cpu, X_test, y_test)) <= 0.01
    # Same seed, same initial weights and batches: the two devices differ by rounding only.
    np.testing.assert_allclose(gpu["loss"], cpu["loss"], atol=1e-3)


def test_autograd_engine_on_cuda_agrees_with_fast_engine():
    require_cuda()
    X, y = xt.make_data(1000, seed=3)
    fast = xt.train(X, y, seed=4, epochs=10, device="cuda")
    ref = xt.train(X, y, seed=4, epochs=10, device="cuda", engine="autograd")
    for key in fast["state"]:
        np.testing.assert_allclose(fast["state"][key], ref["state"][key], atol=1e-4)


def test_sweep_on_cuda_matches_models_trained_alone():
    require_cuda()
    X, y = xt.make_data(1000, seed=5)
    result = xt.sweep(X, y, lr=(0.1, 1.0), seeds=(1, 2), epochs=10, device="cuda")
    alone = xt.train(X, y, lr=1.0, seed=2, epochs=10, device="cuda")
    np.testing.assert_allclose(result["loss"][3], alone["loss"], atol=1e-5)


def test_bench_on_cuda_in_fp32_and_tf32():
    require_cuda()
    before = torch.backends.cuda.matmul.allow_tf32
    fp32 = xt.bench(n=2048, repeats=3, devices=["cpu", "cuda"])
    tf32 = xt.bench(n=2048, repeats=3, devices=["cuda"], precision="tf32")
    assert fp32["device"][1].startswith("cuda") and fp32["precision"][1] == "float32"
    assert tf32["precision"] == ["tf32"]
    assert fp32["gflops"][1] > fp32["gflops"][0]
    assert torch.backends.cuda.matmul.allow_tf32 == before


def test_model_trained_on_gpu_loads_on_cpu(tmp_path):
    require_cuda()
    model = xt.train(*xt.make_data(2500, seed=6), seed=6, device="cuda")
    path = tmp_path / "gpu.pt"
    xt.save_model(model, path)
    loaded = xt.load_model(path)
    X, _ = xt.make_data(100, seed=7)
    np.testing.assert_array_equal(xt.predict(loaded, X), xt.predict(model, X))
    # The tutorial's way: a state_dict saved straight from a module on the GPU.
    module = xt.to_module(model).to("cuda")
    torch.save(module.state_dict(), tmp_path / "tutorial.tar")
    np.testing.assert_allclose(xt.predict(xt.load_model(tmp_path / "tutorial.tar"), X), xt.predict(model, X), atol=1e-6)
