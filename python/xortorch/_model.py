"""The tutorial's ``SimpleClassifier`` and the plain-dict model format.

A *model* in xortorch is a plain ``dict`` so that it crosses to R (and back)
without any Python object attached::

    {"state":   {"linear1.weight": (hidden, 2), "linear1.bias": (hidden,),
                 "linear2.weight": (1, hidden), "linear2.bias": (1,)},
     "loss":    (epochs,) mean training loss per epoch,
     "config":  {"hidden": ..., "lr": ..., ...},
     "device":  "cpu",
     "seconds": training time}

Only ``"state"`` is required; the names are the tutorial's ``state_dict`` keys.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np
import torch
import torch.nn as nn

PARAM_NAMES = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")


class SimpleClassifier(nn.Module):
    """The tutorial's classifier: Linear -> tanh -> Linear, one logit out."""

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


def init_state(hidden: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Draw initial weights the way ``nn.Linear`` does, from ``generator``.

    ``nn.Linear``'s default (Kaiming-uniform with a=sqrt(5)) is U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) for weights and biases alike; drawing it here keeps the
    global RNG untouched and makes a seed fully determine a model.
    """
    shapes = {
        "linear1.weight": ((hidden, 2), 2),
        "linear1.bias": ((hidden,), 2),
        "linear2.weight": ((1, hidden), hidden),
        "linear2.bias": ((1,), hidden),
    }
    state = {}
    for name, (shape, fan_in) in shapes.items():
        bound = 1.0 / math.sqrt(fan_in)
        state[name] = torch.empty(shape).uniform_(-bound, bound, generator=generator)
    return state


def check_state(state: Any, name: str = "model") -> dict[str, np.ndarray]:
    """Validate a state dict and return C-contiguous float32 arrays."""
    if not isinstance(state, dict):
        raise TypeError(f"`{name}` must hold a state dict, not {type(state).__name__}.")
    missing = [key for key in PARAM_NAMES if key not in state]
    if missing:
        raise ValueError(f"`{name}` lacks the tensors {', '.join(missing)}.")
    out = {}
    for key in PARAM_NAMES:
        value = state[key]
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        try:
            arr = np.array(value, dtype=np.float32, order="C")
        except (TypeError, ValueError):
            raise TypeError(f"`{name}`: {key} must be numeric, not {type(value).__name__}.") from None
        out[key] = arr
    hidden = out["linear1.bias"].reshape(-1).shape[0]
    expected = {
        "linear1.weight": (hidden, 2),
        "linear1.bias": (hidden,),
        "linear2.weight": (1, hidden),
        "linear2.bias": (1,),
    }
    for key, shape in expected.items():
        # R drops dimensions of length one (and vectors have no dim), so reshape
        # when the number of values fits, and refuse anything else.
        if out[key].shape != shape:
            if out[key].size != math.prod(shape):
                raise ValueError(f"`{name}`: {key} must have shape {shape}, not {out[key].shape}.")
            out[key] = out[key].reshape(shape)
        if not np.isfinite(out[key]).all():
            raise ValueError(f"`{name}`: {key} contains NaN or infinite values.")
    if hidden < 1:
        raise ValueError(f"`{name}`: the hidden layer must have at least one unit.")
    return out


def as_model(model: Any) -> dict[str, Any]:
    """Accept a model dict or a ``SimpleClassifier`` and return a checked dict."""
    if isinstance(model, nn.Module):
        model = {"state": dict(model.state_dict())}
    if not isinstance(model, dict) or "state" not in model:
        raise TypeError(
            "`model` must be a dict with a 'state' entry (as returned by train() or "
            f"load_model()), or a SimpleClassifier, not {type(model).__name__}."
        )
    checked = dict(model)
    checked["state"] = check_state(model["state"])
    return checked


def hidden_units(model: dict[str, Any]) -> int:
    return int(model["state"]["linear1.bias"].shape[0])


def to_module(model: Any) -> SimpleClassifier:
    """Return a ``SimpleClassifier`` (on the CPU) holding the model's weights."""
    model = as_model(model)
    module = SimpleClassifier(2, hidden_units(model), 1)
    module.load_state_dict(state_to_torch(model["state"]))
    return module


def state_to_torch(state: dict[str, np.ndarray]) -> "OrderedDict[str, torch.Tensor]":
    return OrderedDict((key, torch.from_numpy(np.array(state[key]))) for key in PARAM_NAMES)
