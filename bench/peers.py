"""The contenders `make bench` races against ``xortorch.train()``: the tutorial's
algorithm (SimpleClassifier 2-4-1, tanh, BCE with logits, plain SGD at lr 0.1,
batches of 128 reshuffled every epoch, last partial batch kept, 100 epochs),
written the way each peer would write it. Each returns a function that maps
inputs to the probability of class 1, so accuracy is measured the same way.

scikit-learn, skorch and numba are optional (``pip install .[bench]``): a
contender whose package is missing is left out of the table.
"""

from __future__ import annotations

import contextlib
import unittest.mock
import warnings
from collections.abc import Iterator
from typing import Callable

import numpy as np
import torch
import torch.nn as nn
import torch.utils.data as data

import xortorch as xt
from xortorch._model import init_state

Predictor = Callable[[np.ndarray], np.ndarray]
EPOCHS, BATCH, LR, HIDDEN = 100, 128, 0.1, 4


def _module_predictor(module: nn.Module) -> Predictor:
    def predict(X: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return torch.sigmoid(module(torch.from_numpy(X))).numpy()[:, 0]

    return predict


def tutorial_loop(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    """The tutorial's loop, faithfully: per-item Dataset, shuffling DataLoader,
    nn.Module, BCEWithLogitsLoss, SGD, zero_grad/backward/step."""
    torch.manual_seed(seed)
    dataset = data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    model = xt.SimpleClassifier(num_inputs=2, num_hidden=HIDDEN, num_outputs=1)
    loader = data.DataLoader(dataset, batch_size=BATCH, shuffle=True)
    loss_module = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    model.train()
    for _ in range(EPOCHS):
        for data_inputs, data_labels in loader:
            preds = model(data_inputs).squeeze(dim=1)
            loss = loss_module(preds, data_labels.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return _module_predictor(model)


def torch_loop(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    """A plain PyTorch loop without a DataLoader: randperm and slices."""
    g = torch.Generator().manual_seed(seed)
    model = xt.SimpleClassifier(2, HIDDEN, 1)
    model.load_state_dict(init_state(HIDDEN, g))
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).float()
    loss_module = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(EPOCHS):
        perm = torch.randperm(len(yt), generator=g)
        for i in range(0, len(yt), BATCH):
            batch = perm[i : i + BATCH]
            loss = loss_module(model(Xt[batch]).squeeze(1), yt[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return _module_predictor(model)


def _initial(seed: int, hidden: int = HIDDEN) -> tuple[np.ndarray, ...]:
    state = init_state(hidden, torch.Generator().manual_seed(seed))
    return tuple(state[k].numpy().copy() for k in ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"))


def _numpy_predictor(W1, b1, W2, b2) -> Predictor:
    return lambda X: 1 / (1 + np.exp(-(np.tanh(X @ W1.T + b1) @ W2[0] + b2[0])))


def numpy_loop(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    """The same algorithm in plain NumPy, float32, gradients written out."""
    W1, b1, W2, b2 = _initial(seed)
    w2 = W2[0]
    yf = y.astype(np.float32)
    rng = np.random.default_rng(seed)
    for _ in range(EPOCHS):
        perm = rng.permutation(len(yf))
        Xp, yp = X[perm], yf[perm]
        for i in range(0, len(yf), BATCH):
            xb, yb = Xp[i : i + BATCH], yp[i : i + BATCH]
            h = np.tanh(xb @ W1.T + b1)
            d = (1 / (1 + np.exp(-(h @ w2 + b2[0]))) - yb) / len(yb)
            da = np.outer(d, w2) * (1 - h * h)
            w2 -= LR * (d @ h)
            b2 -= LR * d.sum()
            W1 -= LR * (da.T @ xb)
            b1 -= LR * da.sum(0)
    return _numpy_predictor(W1, b1, W2, b2)


def sklearn_mlp(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    """scikit-learn's MLPClassifier with the same algorithm: one tanh layer of 4,
    plain SGD (no momentum, no weight decay), constant lr 0.1, batches of 128."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    mlp = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        activation="tanh",
        solver="sgd",
        learning_rate_init=LR,
        momentum=0.0,
        alpha=0.0,
        batch_size=BATCH,
        max_iter=EPOCHS,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=EPOCHS + 1,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    return lambda X_: mlp.predict_proba(X_)[:, 1]


class _Logit(nn.Module):
    """SimpleClassifier with its output squeezed to (batch,), as skorch's binary classifier wants."""

    def __init__(self) -> None:
        super().__init__()
        self.net = xt.SimpleClassifier(2, HIDDEN, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


def skorch_net(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    """skorch's NeuralNetBinaryClassifier around the tutorial's module."""
    from skorch import NeuralNetBinaryClassifier

    torch.manual_seed(seed)
    net = NeuralNetBinaryClassifier(
        _Logit,
        criterion=nn.BCEWithLogitsLoss,
        optimizer=torch.optim.SGD,
        lr=LR,
        batch_size=BATCH,
        max_epochs=EPOCHS,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
    net.fit(X, y.astype(np.float32))
    return lambda X_: net.predict_proba(X_)[:, 1]


def _numba_kernel():
    import numba

    @numba.njit(cache=True, fastmath=True)
    def fit(X, y, W1, b1, w2, b2, perms, lr, batch):  # pragma: no cover - compiled
        n, H = X.shape[0], W1.shape[0]
        h = np.empty(H, np.float32)
        gW1 = np.empty_like(W1)
        gb1 = np.empty_like(b1)
        gw2 = np.empty_like(w2)
        for e in range(perms.shape[0]):
            for start in range(0, n, batch):
                stop = min(start + batch, n)
                gW1[:] = 0
                gb1[:] = 0
                gw2[:] = 0
                gb2 = np.float32(0)
                for k in range(start, stop):
                    i = perms[e, k]
                    z = b2[0]
                    for j in range(H):
                        h[j] = np.tanh(W1[j, 0] * X[i, 0] + W1[j, 1] * X[i, 1] + b1[j])
                        z += w2[j] * h[j]
                    d = np.float32(1) / (np.float32(1) + np.exp(-z)) - y[i]
                    gb2 += d
                    for j in range(H):
                        gw2[j] += d * h[j]
                        da = d * w2[j] * (np.float32(1) - h[j] * h[j])
                        gW1[j, 0] += da * X[i, 0]
                        gW1[j, 1] += da * X[i, 1]
                        gb1[j] += da
                step = np.float32(lr / (stop - start))
                W1 -= step * gW1
                b1 -= step * gb1
                w2 -= step * gw2
                b2[0] -= step * gb2

    return fit


_numba_fit = None


def numba_loop(X: np.ndarray, y: np.ndarray, seed: int, hidden: int = HIDDEN) -> Predictor:
    """A numba-compiled loop fusing the whole step, point by point (compiled
    once, before timing): the yardstick for xortorch's own compiled path."""
    global _numba_fit
    if _numba_fit is None:
        _numba_fit = _numba_kernel()
    W1, b1, W2, b2 = _initial(seed, hidden)
    rng = np.random.default_rng(seed)
    perms = np.stack([rng.permutation(len(y)) for _ in range(EPOCHS)])
    _numba_fit(X, y.astype(np.float32), W1, b1, W2[0], b2, perms, LR, BATCH)
    return _numpy_predictor(W1, b1, W2, b2)


def available() -> dict[str, Callable[[np.ndarray, np.ndarray, int], Predictor]]:
    """Every contender whose packages are installed, by its table name."""
    contenders: dict[str, Callable[[np.ndarray, np.ndarray, int], Predictor]] = {
        "tutorial loop (Dataset + DataLoader)": tutorial_loop,
        "xortorch autograd engine": lambda X, y, seed: _xt_predictor(X, y, seed, "autograd"),
        "xortorch torch engine (train() without numba)": xortorch_torch_engine,
        "plain torch loop (randperm, no DataLoader)": torch_loop,
        "plain NumPy loop (float32)": numpy_loop,
    }
    optional = {
        "scikit-learn MLPClassifier (sgd, momentum 0)": ("sklearn", sklearn_mlp),
        "skorch NeuralNetBinaryClassifier": ("skorch", skorch_net),
        "numba fused loop": ("numba", numba_loop),
    }
    for name, (package, contender) in optional.items():
        try:
            __import__(package)
        except ImportError:
            continue
        contenders[name] = contender
    return contenders


def _xt_predictor(X: np.ndarray, y: np.ndarray, seed: int, engine: str) -> Predictor:
    model = xt.train(X, y, seed=seed, engine=engine)
    return lambda X_: xt.predict(model, X_)


def xortorch_train(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    return _xt_predictor(X, y, seed, "fast")


def xortorch_torch_engine(X: np.ndarray, y: np.ndarray, seed: int) -> Predictor:
    """train() as a user without numba gets it: the torch engine."""
    with without_kernel():
        return _xt_predictor(X, y, seed, "fast")


@contextlib.contextmanager
def without_kernel() -> Iterator[None]:
    """xortorch's engine with its compiled kernel switched off, as without numba."""
    from xortorch import _fused

    with unittest.mock.patch.object(_fused, "available", lambda: False):
        yield
