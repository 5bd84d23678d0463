"""The tutorial's ``SimpleClassifier`` and the plain-dict model format.

A *model* in xortorch is a plain ``dict`` so that it crosses to R (and back)
without any Python object attached::

    {"state":   {"linear1.weight": (hidden, p), "linear1.bias": (hidden,),
                 "linear2.weight": (1, hidden), "linear2.bias": (1,)},
     "loss":    (epochs,) mean training loss per epoch,
     "config":  {"hidden": ..., "lr": ..., ...},
     "device":  "cpu",
     "seconds": training time}

Only ``"state"`` is required; the names are the tutorial's ``state_dict`` keys
and the shapes exactly those of ``SimpleClassifier(p, hidden, 1)``, p inputs
(2 in the tutorial).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np
import torch
import torch.nn as nn

from ._validation import as_float32

PARAM_NAMES = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")


class SimpleClassifier(nn.Module):
    """The tutorial's classifier: Linear -> tanh -> Linear, one logit out.

    Parameters
    ----------
    num_inputs : int
        Inputs per row (2 for the XOR data).
    num_hidden : int
        Hidden units (the tutorial's 4).
    num_outputs : int
        Outputs (1: the logit of class 1).

    Examples
    --------
    >>> import torch
    >>> import xortorch as xt
    >>> net = xt.SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
    >>> net(torch.zeros(3, 2)).shape
    torch.Size([3, 1])
    """

    def __init__(self, num_inputs: int, num_hidden: int, num_outputs: int) -> None:
        super().__init__()
        self.linear1 = nn.Linear(num_inputs, num_hidden)
        self.act_fn = nn.Tanh()
        self.linear2 = nn.Linear(num_hidden, num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear1(x)
        x = self.act_fn(x)
        x = self.linear2(x)
        return x


def init_state(hidden: int, generator: torch.Generator, inputs: int = 2) -> dict[str, torch.Tensor]:
    """Draw initial weights the way ``nn.Linear`` does, from ``generator``.

    ``nn.Linear``'s default (Kaiming-uniform with a=sqrt(5)) is U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) for weights and biases alike; drawing it here keeps the
    global RNG untouched and makes a seed fully determine a model. Always
    float32, whatever ``torch.get_default_dtype()`` says.
    """
    shapes = {
        "linear1.weight": ((hidden, inputs), inputs),
        "linear1.bias": ((hidden,), inputs),
        "linear2.weight": ((1, hidden), hidden),
        "linear2.bias": ((1,), hidden),
    }
    state = {}
    for name, (shape, fan_in) in shapes.items():
        bound = 1.0 / math.sqrt(fan_in)
        state[name] = torch.empty(shape, dtype=torch.float32).uniform_(-bound, bound, generator=generator)
    return state


def expected_shapes(hidden: int, inputs: int) -> dict[str, tuple[int, ...]]:
    """The parameter shapes of ``SimpleClassifier(inputs, hidden, 1)``."""
    return {
        "linear1.weight": (hidden, inputs),
        "linear1.bias": (hidden,),
        "linear2.weight": (1, hidden),
        "linear2.bias": (1,),
    }


def check_state(state: Any, name: str = "model") -> dict[str, np.ndarray]:
    """Validate a state dict and return C-contiguous float32 arrays.

    Only the exact shapes of ``SimpleClassifier(p, hidden, 1)`` pass, as with
    ``load_state_dict``: a transposed or flattened weight is an error, never
    reshaped. (R's dropped length-one dimensions are restored on the R side.)
    """
    if not isinstance(state, dict):
        raise TypeError(f"`{name}` must hold a state dict, not {type(state).__name__}.")
    missing = [key for key in PARAM_NAMES if key not in state]
    if missing:
        raise ValueError(f"`{name}` lacks the tensors {', '.join(missing)}.")
    out = {key: as_float32(state[key], f"{name}: {key}", "numeric") for key in PARAM_NAMES}
    W1 = out["linear1.weight"]
    if W1.ndim != 2 or 0 in W1.shape:
        raise ValueError(f"`{name}`: linear1.weight must have shape (hidden, inputs), not {W1.shape}.")
    for key, shape in expected_shapes(*W1.shape).items():
        if out[key].shape != shape:
            raise ValueError(f"`{name}`: {key} must have shape {shape}, not {out[key].shape}.")
    return out


def blank_module(inputs: int, hidden: int) -> SimpleClassifier:
    """A ``SimpleClassifier`` whose weights are about to be overwritten.

    ``nn.Linear`` draws its initial weights from torch's global RNG; doing that
    inside ``fork_rng`` leaves the user's random stream where it was.
    """
    with torch.random.fork_rng(devices=[]):
        return SimpleClassifier(inputs, hidden, 1).to(torch.float32)


def as_model(model: Any, name: str = "model") -> dict[str, Any]:
    """Accept a model dict or a ``SimpleClassifier`` and return a checked dict; errors name ``name``."""
    if isinstance(model, nn.Module):
        model = {"state": dict(model.state_dict())}
    if not isinstance(model, dict) or "state" not in model:
        raise TypeError(
            f"`{name}` must be a dict with a 'state' entry (as returned by train() or "
            f"load_model()), or a SimpleClassifier, not {type(model).__name__}."
        )
    checked = dict(model)
    checked["state"] = check_state(model["state"], name)
    return checked


def hidden_units(model: dict[str, Any]) -> int:
    return int(model["state"]["linear1.bias"].shape[0])


def input_count(model: dict[str, Any]) -> int:
    return int(model["state"]["linear1.weight"].shape[1])


def to_module(model: Any) -> SimpleClassifier:
    """Return a ``SimpleClassifier`` (on the CPU) holding the model's weights.

    The module takes raw inputs: a model trained with ``scale=True`` has its
    scaling folded into the first layer.

    Parameters
    ----------
    model : dict
        From :func:`train` or :func:`load_model`.

    Returns
    -------
    module : SimpleClassifier
        In evaluation mode, ready for ``module(torch_tensor)``.

    Raises
    ------
    TypeError
        ``model`` is not a model.
    ValueError
        Its weights do not have the tutorial network's shapes.

    Examples
    --------
    >>> import torch
    >>> import xortorch as xt
    >>> model = xt.train(*xt.make_data(500, seed=1), seed=1, epochs=5)
    >>> net = xt.to_module(model)
    >>> net(torch.tensor([[0.0, 1.0]])).shape
    torch.Size([1, 1])
    """
    model = as_model(model)
    module = blank_module(input_count(model), hidden_units(model))
    module.load_state_dict(state_to_torch(model["state"]))
    return module


def state_to_torch(state: dict[str, np.ndarray]) -> OrderedDict[str, torch.Tensor]:
    return OrderedDict((key, torch.from_numpy(np.array(state[key]))) for key in PARAM_NAMES)
