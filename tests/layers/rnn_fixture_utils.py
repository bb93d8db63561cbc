"""Shared helpers: run the snippets recorded by tests/fixtures/make_layers_rnn.py with
torchkeras_compat and compare with tf_keras's numbers."""
import importlib
import json
import os
import types

import numpy as np
import torch

import torchkeras_compat as keras
from torchkeras_compat.engine import base_layer
from torchkeras_compat.layers import (advanced_activations, convolutional_recurrent, embeddings, noise,
                                      normalization, recurrent, wrappers)

merge = importlib.import_module("torchkeras_compat.layers.merge")  # keras.layers.merge is the function

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "layers_rnn")
TOL = dict(rtol=1e-4, atol=2e-5)


def layers_namespace():
    """keras.layers plus this area's modules (so the tests run before the exports are wired)."""
    names = dict(vars(keras.layers))
    for mod in (recurrent, convolutional_recurrent, wrappers, embeddings, merge, normalization, noise,
                advanced_activations):
        names.update({k: v for k, v in vars(mod).items() if not k.startswith("_")})
    return types.SimpleNamespace(**names)


L = layers_namespace()


def load(group):
    with open(os.path.join(FIXTURES, "cases.json")) as f:
        cases = json.load(f)[group]
    arrays = np.load(os.path.join(FIXTURES, f"{group}.npz"))
    return cases, arrays


def case_ids(group):
    return [c["name"] for c in load(group)[0]]


def build(case, arrays, device=None):
    base_layer.reset_names()
    name = case["name"]
    xs = [arrays[f"{name}/x{i}"] for i in range(case["n_inputs"])]
    ns = {"L": L, "Input": keras.layers.Input, "Model": keras.models.Model,
          "SHAPE": [x.shape[1:] for x in xs], "DTYPE": [str(x.dtype) for x in xs]}
    exec(case["snippet"], ns)
    model = ns["model"]
    if device is not None:
        model.to(device)
    model.set_weights([arrays[f"{name}/w{i}"] for i in range(case["n_weights"])])
    return model, xs


def run(case, arrays, device=None):
    """Returns (outputs as numpy list, model)."""
    model, xs = build(case, arrays, device)
    feed = xs if len(xs) > 1 else xs[0]
    if case["mode"] == "train":
        dev = device or keras.backend.config.get_device() if hasattr(keras, "backend") else None
        tensors = [torch.as_tensor(x, device=dev) for x in xs]
        out = model(tensors if len(xs) > 1 else tensors[0], training=True)
        out = [o.detach().cpu().numpy() for o in (out if isinstance(out, (list, tuple)) else [out])]
    else:
        out = model.predict(feed, verbose=0)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
    return out, model


def check(case, arrays, device=None):
    outs, model = run(case, arrays, device)
    name = case["name"]
    assert len(outs) == case["n_outputs"], f"{name}: {len(outs)} outputs, Keras gave {case['n_outputs']}"
    for i, o in enumerate(outs):
        assert isinstance(o, np.ndarray), f"{name}: output {i} is {type(o).__name__}, not numpy"
        ref = arrays[f"{name}/y{i}"]
        assert o.shape == ref.shape, f"{name}: output {i} shape {o.shape} != Keras {ref.shape}"
        np.testing.assert_allclose(o, ref, err_msg=f"{name} output {i}", **TOL)
    if case["mode"] == "train":
        after = model.get_weights()
        for i in range(case["n_after"]):
            np.testing.assert_allclose(after[i], arrays[f"{name}/after{i}"], err_msg=f"{name} weight {i} after",
                                       **TOL)
    return model


def check_configs(case, model):
    """Same layer classes and the same get_config keys (and plain values) as tf.keras wrote."""
    ours = [l for l in model.layers if type(l).__name__ != "InputLayer"]
    theirs = case["configs"]
    assert [type(l).__name__ for l in ours] == [c["class_name"] for c in theirs]
    for layer, ref in zip(ours, theirs):
        cfg = json.loads(json.dumps(layer.get_config(), default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
        ref = ref["config"]
        assert set(cfg) == set(ref), (f"{layer.name}: keys differ: extra {sorted(set(cfg) - set(ref))}, "
                                      f"missing {sorted(set(ref) - set(cfg))}")
        for key, value in ref.items():
            if key in ("name",) or isinstance(value, dict) or key == "batch_input_shape":
                continue
            if isinstance(value, list) and value and isinstance(value[0], dict):
                continue
            assert _norm(cfg[key]) == _norm(value), f"{layer.name}.{key}: {cfg[key]!r} != Keras {value!r}"


def _norm(v):
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    if isinstance(v, float):
        return round(v, 6)
    return v
