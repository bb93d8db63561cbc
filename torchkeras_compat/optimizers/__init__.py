"""Keras optimizers on torch (``keras.optimizers``), with tf.keras 2's legacy update formulas.

Also the Keras 2.0-2.2 lower-case aliases (``optimizers.adam(lr=...)``) and ``get``.
"""
from typing import Optional

from ..engine import registry
from . import legacy, schedules  # noqa: F401
from ._algorithms import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Ftrl, Nadam, RMSprop
from ._base import Optimizer

# Keras 2.0-2.2 spellings
sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam = SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam", "Ftrl", "AdamW",
           "get", "serialize", "deserialize", "legacy", "schedules"]


def serialize(optimizer: Optimizer) -> dict:
    """``{'class_name': 'Adam', 'config': {...}}``."""
    return registry.serialize(optimizer)


def deserialize(config: dict, custom_objects: Optional[dict] = None) -> Optimizer:
    """A ``{'class_name', 'config'}`` dict (class names in any case, e.g. 'adam') -> an optimizer."""
    config = dict(config)
    name = config.get("class_name", "")
    known = {n.lower(): n for n in registry.names("optimizer")}
    if name not in known.values() and name.lower() in known and not (custom_objects or {}).get(name):
        config["class_name"] = known[name.lower()]
    return registry.deserialize("optimizer", config, custom_objects, what="optimizer")


def get(identifier) -> Optimizer:
    """'adam', 'Adam', a config dict or an Optimizer instance -> an Optimizer instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Pass a name such "
                     "as 'adam', a keras.optimizers.Optimizer instance, or its config dict.")
