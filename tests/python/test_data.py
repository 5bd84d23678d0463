import numpy as np
import pytest
import torch

import xortorch as xt


def test_shapes_dtypes_and_labels():
    X, y = xt.make_data(300, seed=3)
    assert X.shape == (300, 2) and X.dtype == np.float32
    assert y.shape == (300,) and y.dtype == np.int64
    corners = np.rint(X)
    assert np.array_equal(y, (corners.sum(axis=1) == 1).astype(np.int64))


def test_std_zero_gives_exact_corners():
    X, y = xt.make_data(100, std=0, seed=1)
    assert set(np.unique(X)) <= {0.0, 1.0}
    assert np.array_equal(y, (X.sum(axis=1) == 1).astype(np.int64))


def test_noise_has_the_requested_sd():
    X, _ = xt.make_data(200_000, std=0.12, seed=2)
    assert np.std(X - np.rint(X)) == pytest.approx(0.12, rel=0.02)


def test_same_seed_same_arrays_other_seed_other_arrays():
    a, b, c = xt.make_data(50, seed=7), xt.make_data(50, seed=7), xt.make_data(50, seed=8)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_make_data_matches_the_tutorials_dataset_under_manual_seed():
    torch.manual_seed(42)
    dataset = xt.XORDataset(size=200)
    X, y = xt.make_data(200, seed=42)
    assert np.array_equal(dataset.data.numpy(), X)
    assert np.array_equal(dataset.label.numpy(), y)


def test_xor_dataset_is_the_tutorials_per_item_dataset():
    dataset = xt.XORDataset(size=200, seed=0)
    assert len(dataset) == 200
    point, label = dataset[0]
    assert point.shape == (2,) and label.dtype == torch.long
    batch = next(iter(torch.utils.data.DataLoader(dataset, batch_size=8, shuffle=True)))
    assert batch[0].shape == (8, 2) and batch[1].shape == (8,)


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"n": 0}, ValueError, "`n` must be a whole number between 1 and 50,000,000, not 0."),
        ({"n": -5}, ValueError, "`n`"),
        ({"n": 2.5}, TypeError, "`n` must be a whole number between 1 and 50,000,000, not 2.5."),
        ({"n": "10"}, TypeError, "`n`"),
        ({"n": True}, TypeError, "`n`"),
        ({"n": 10**9}, ValueError, "`n` must be a whole number between 1 and 50,000,000, not 1,000,000,000."),
        ({"std": -0.1}, ValueError, "`std` must be a non-negative number, not -0.1"),
        ({"std": float("nan")}, ValueError, "`std` must be finite"),
        ({"std": 1e39}, ValueError, "`std` = 1e\\+39 is beyond float32's range"),
        ({"std": 3e38}, ValueError, "`std` = 3e\\+38 is too large: the points overflow float32"),
        ({"seed": -1}, ValueError, "`seed`"),
        ({"seed": 1.5}, TypeError, "`seed`"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        xt.make_data(**kwargs)
