"""Keras optimizers on torch (``keras.optimizers``), with tf.keras 2's legacy update formulas.

Also the Keras 2.0-2.2 lower-case aliases (``optimizers.adam(lr=...)``) and ``get``.
"""
from typing import Optional

from ..engine import registry
from . import legacy, schedules  # noqa: F401
from ._algorithms import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Ftrl, Nadam, RMSprop
from ._base import Optimizer
from .adafactor import Adafactor
from .lion import Lion

# Keras 2.0-2.2 spellings
sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam = SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam", "Ftrl", "AdamW",
           "Adafactor", "Lion",
           "get", "serialize", "deserialize", "legacy", "schedules"]


def serialize(optimizer: Optimizer) -> dict:
    """``{'class_name': 'Adam', 'config': {...}}``; optimizers following tf.keras 2.11+'s
    formulas are written as that Keras writes them (``'Custom>Adam'``, its config layout)."""
    out = registry.serialize(optimizer)
    if getattr(optimizer, "_current_formulas", False):
        out["class_name"] = "Custom>" + out["class_name"]
    return out


def deserialize(config: dict, custom_objects: Optional[dict] = None) -> Optimizer:
    """A ``{'class_name', 'config'}`` dict -> an optimizer. Class names in any case ('adam') and
    tf.keras 2.11+'s ``'Custom>Adam'`` (whose formulas the result then follows) are accepted."""
    config = dict(config)
    name = config.get("class_name", "")
    current = name.startswith("Custom>")
    if current:
        name = name[len("Custom>"):]
    known = {n.lower(): n for n in registry.names("optimizer")}
    if name not in known.values() and name.lower() in known and not (custom_objects or {}).get(name):
        name = known[name.lower()]
    config["class_name"] = name
    opt = registry.deserialize("optimizer", config, custom_objects, what="optimizer")
    if current:
        opt._current_formulas = True
    return opt


def get(identifier) -> Optimizer:
    """'adam', 'Adam', a config dict or an Optimizer instance -> an Optimizer instance.

    A name gives the optimizer tf.keras 2.21's ``optimizers.get`` gives: its current
    (2.11+) optimizer, whose RMSprop/Adagrad put epsilon under the square root and whose Nadam
    uses the ``0.96 ** t`` momentum schedule. The classes (``optimizers.RMSprop(...)``) follow
    the legacy optimizers, as old code written against Keras 2.0-2.10 expects.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        opt = deserialize({"class_name": identifier, "config": {}})
        opt._current_formulas = True
        return opt
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Pass a name such "
                     "as 'adam', a keras.optimizers.Optimizer instance, or its config dict.")
