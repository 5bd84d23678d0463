import pytest
import torch

import xortorch as xt


def test_columns_have_equal_length_and_consistent_gflops():
    table = xt.bench(n=256, repeats=3)
    lengths = {len(v) for v in table.values()}
    assert lengths == {1 + torch.cuda.is_available()}
    assert table["device"][0] == "cpu" and table["n"] == [256] * len(table["n"])
    for seconds, gflops in zip(table["seconds"], table["gflops"]):
        assert seconds > 0
        assert gflops == pytest.approx(2 * 256**3 / seconds / 1e9)


def test_tf32_never_applies_to_the_cpu_and_restores_the_flag():
    before = torch.backends.cuda.matmul.allow_tf32
    table = xt.bench(n=64, repeats=1, devices=["cpu"], precision="tf32")
    assert table["precision"] == ["float32"]
    assert torch.backends.cuda.matmul.allow_tf32 == before


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"n": 0}, ValueError, "`n` must be a whole number between 1 and 20,000, not 0."),
        ({"n": -10}, ValueError, "`n`"),
        ({"repeats": 0}, ValueError, "`repeats` must be a whole number between 1 and 1,000"),
        ({"precision": "float16"}, ValueError, "`precision` must be 'float32' or 'tf32'"),
        ({"devices": ["tpu"]}, ValueError, "`device` must be"),
        ({"devices": []}, ValueError, "`devices` must name at least one device"),
    ],
)
def test_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        xt.bench(**kwargs)


def test_cuda_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ValueError, match="CUDA is not available"):
        xt.bench(n=8, devices="cuda")
