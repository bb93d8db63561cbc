"""Progbar prints exactly Keras 2's lines; object (de)serialization helpers."""
import io
import re
import sys

import numpy as np
import pytest
import torch

from torchkeras_compat.utils import Progbar, deserialize_keras_object, serialize_keras_object
from torchkeras_compat.utils.generic_utils import (func_dump, func_load, has_arg, to_list,
                                                   to_snake_case, unpack_singleton)

# What tf_keras 2.21's Progbar writes for the same calls (dynamic display; times replaced by T)
KERAS_VERBOSE1 = (
    "\r1/4 [======>.......................] - ETA: 0s - loss: 0.5000 - acc: -1.0000e-04"
    + "\b" * 80 + "\r"
    "2/4 [==============>...............] - ETA: 0s - loss: 0.3750 - acc: -1.5000e-04"
    + "\b" * 80 + "\r"
    "3/4 [=====================>........] - ETA: 0s - loss: 0.3056 - acc: -2.0000e-04"
    + "\b" * 80 + "\r"
    "4/4 [==============================] - 0s T/step - loss: 0.2604 - acc: -2.5000e-04\n")
KERAS_VERBOSE2 = "4/4 - 0s - loss: 0.2604 - acc: -2.5000e-04 - T/epoch - T/step\n"


def _run(verbose, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(4, verbose=verbose, interval=0)
    for i in range(1, 5):
        bar.update(i, [("loss", torch.tensor(0.5 / i)), ("acc", np.float32(-1e-4 * i))])
    return re.sub(r"\d+(us|ms|s)/(step|epoch)", r"T/\2", out.getvalue())


def test_progbar_verbose1_matches_keras(monkeypatch):
    assert _run(1, monkeypatch) == KERAS_VERBOSE1


def test_progbar_verbose2_matches_keras(monkeypatch):
    assert _run(2, monkeypatch) == KERAS_VERBOSE2


def test_progbar_stateful_unknown_target_and_silent(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(None, stateful_metrics=["lr"], interval=0)
    bar.update(1, [("lr", 0.1), ("loss", 1.0)])
    bar.update(2, [("lr", 0.2), ("loss", 3.0)])
    last = re.sub(r"\d+(us|ms|s)/step", "T/step", out.getvalue().split("\r")[-1])
    assert last == "      2/Unknown - 0s T/step - lr: 0.2000 - loss: 2.0000"
    silent = io.StringIO()
    monkeypatch.setattr(sys, "stdout", silent)
    Progbar(3, verbose=0).add(3, [("loss", 1.0)])
    assert silent.getvalue() == ""


class _Config:
    def __init__(self, a=1):
        self.a = a

    def get_config(self):
        return {"a": self.a}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def test_serialize_deserialize_round_trip():
    obj = _Config(5)
    cfg = serialize_keras_object(obj)
    assert cfg == {"class_name": "_Config", "config": {"a": 5}}
    back = deserialize_keras_object(cfg, custom_objects={"_Config": _Config})
    assert isinstance(back, _Config) and back.a == 5
    with pytest.raises(ValueError, match="Unknown"):
        deserialize_keras_object({"class_name": "Nope", "config": {}}, module_objects={})


def test_small_helpers():
    def f(x, y=2, *, z=3):
        return x + y + z

    assert has_arg(f, "z") and not has_arg(f, "w")
    assert to_list(1) == [1] and to_list((1, 2), allow_tuple=True) == [1, 2]
    assert unpack_singleton([7]) == 7
    assert to_snake_case("Conv2DTranspose") == "conv2d_transpose"
    scale = 3

    def g(x):
        return x * scale

    g2 = func_load(func_dump(g))
    assert g2(2) == 6

    def h(x, y=2):
        return x + y

    assert func_load(*func_dump(h))(1) == 3


def test_progbar_keras1_force_redraw(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(10, interval=100)
    bar.update(1)
    bar.update(2)  # within the interval: not drawn
    bar.update(3, force=True)
    assert out.getvalue().count("/10 [") == 2


def test_register_keras_serializable_is_exported_from_utils():
    import torchkeras_compat as keras

    @keras.utils.register_keras_serializable(package="UtilsTest")
    class Twice(keras.layers.Layer):
        def call(self, x):
            return x * 2

    assert keras.utils.get_registered_name(Twice) == "UtilsTest>Twice"
    assert keras.utils.get_registered_object("UtilsTest>Twice") is Twice
    assert keras.utils.get_registered_name(np.mean) == "mean"
