"""The continuous XOR data set of the tutorial."""

from __future__ import annotations

import numpy as np
import torch
import torch.utils.data as data

from ._validation import MAX_POINTS, check_int, check_number, resolve_seed


def _continuous_xor(n: int, std: float, generator: torch.Generator | None) -> tuple[torch.Tensor, torch.Tensor]:
    # The tutorial's generate_continuous_xor, draw for draw: corners first, then
    # noise, so `make_data(seed=s)` equals `XORDataset` after `torch.manual_seed(s)`.
    corners = torch.randint(low=0, high=2, size=(n, 2), dtype=torch.float32, generator=generator)
    label = (corners.sum(dim=1) == 1).to(torch.long)
    noisy = corners + std * torch.randn(corners.shape, generator=generator, dtype=torch.float32)
    if not torch.isfinite(noisy).all():
        raise ValueError(f"`std` = {std:g} is too large: the points overflow float32.")
    return noisy, label


def make_data(n: int = 200, *, std: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Generate the continuous XOR data set.

    Parameters
    ----------
    n : int, default=200
        Number of points, 1 to ``MAX_POINTS``.
    std : float, default=0.1
        Standard deviation of the Gaussian noise added to the corners; 0 gives
        the exact corners.
    seed : int or None, default=None
        Seed for the draw. The same seed gives identical arrays; ``None`` draws
        one from torch's global generator (``torch.manual_seed`` makes it
        reproducible).

    Returns
    -------
    X : ndarray of shape (n, 2), float32
        The corners of the unit square plus noise.
    y : ndarray of shape (n,), int64
        1 where exactly one coordinate of the corner is 1, else 0.

    Raises
    ------
    ValueError
        ``n`` outside 1 to ``MAX_POINTS``, a negative ``std`` or a ``seed``
        outside 0 to 2^63 - 1.
    TypeError
        ``n`` or ``seed`` not a whole number, ``std`` not a number.

    Examples
    --------
    >>> import xortorch as xt
    >>> X, y = xt.make_data(4, std=0.0, seed=1)
    >>> X.shape, y.dtype.name
    ((4, 2), 'int64')
    >>> [int(label) == int(round(a) != round(b)) for (a, b), label in zip(X, y)]
    [True, True, True, True]
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_POINTS)
    std = check_number(std, "std", allow_zero=True)
    generator = torch.Generator().manual_seed(resolve_seed(seed))
    X, y = _continuous_xor(n, std, generator)
    return X.numpy(), y.numpy()


class XORDataset(data.Dataset):
    """The tutorial's ``XORDataset``: a per-item torch ``Dataset``.

    Parameters
    ----------
    size : int
        Number of data points.
    std : float, default=0.1
        Standard deviation of the noise.
    seed : int or None, default=None
        ``None`` draws from torch's global generator, exactly as the tutorial
        does (so ``torch.manual_seed`` makes it reproducible).

    Examples
    --------
    >>> import torch.utils.data as data
    >>> import xortorch as xt
    >>> dataset = xt.XORDataset(size=200, seed=1)
    >>> len(dataset), dataset[0][0].shape
    (200, torch.Size([2]))
    >>> inputs, labels = next(iter(data.DataLoader(dataset, batch_size=8)))
    >>> inputs.shape, labels.shape
    (torch.Size([8, 2]), torch.Size([8]))
    """

    def __init__(self, size: int, std: float = 0.1, *, seed: int | None = None) -> None:
        super().__init__()
        self.size = check_int(size, "size", minimum=1, maximum=MAX_POINTS)
        self.std = check_number(std, "std", allow_zero=True)
        generator = None if seed is None else torch.Generator().manual_seed(resolve_seed(seed))
        self.data, self.label = _continuous_xor(self.size, self.std, generator)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, idx: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.data[idx], self.label[idx]
