"""Keras 3's ``.keras`` zip format, read and written.

The zip holds ``metadata.json`` (``keras_version``, ``date_saved``), ``config.json`` (the model's
Keras 3 config, with ``compile_config``) and ``model.weights.h5``. In the weights file each layer
is a group named after its *class* in snake case, numbered per container in layer order
(``layers/dense``, ``layers/dense_1``, ``layers/sequential/layers/dense``...); its variables are
``vars/0``, ``vars/1``... (trainable, then non-trainable) with the layer's name in ``vars``'s
``name`` attribute. Recurrent layers keep theirs under ``cell/vars``, wrappers under
``forward_layer``/``backward_layer``/``layer``; the optimizer under ``optimizer/vars``
(iterations, learning rate, then the slots in Keras 3's order: see _keras3_slot_positions).

Reading finds each layer's group by the ``name`` attribute first and by the naming rule second,
and checks every array before assigning any.
"""
import datetime
import io
import json
import os
import re
import warnings
import zipfile
from typing import Dict, List, Optional

import numpy as np

from . import file_checks, hdf5_format, model_config

KERAS3_VERSION = "3.6.0"  # the Keras 3 format level written (readable by Keras 3.x)
_CHILD_ORDER = ("cell", "forward_layer", "backward_layer", "layer")


def _h5py():
    return hdf5_format._h5py()


def _snake(name: str) -> str:
    """Keras 3's snake case: ``Conv2D`` -> ``conv2d``, ``MaxPooling2D`` -> ``max_pooling2d``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)  # ConvLSTM2D -> conv_lstm2d, as Keras 3
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


# ---------------------------------------------------------------- config translation
_KERAS3_ONLY = {"quantization_config", "lora_rank", "lora_alpha", "lora_enabled", "use_cudnn",
                "input_axes", "output_axes", "shared_object_id", "batch_shape"}


def from_keras3_config(obj):
    """Keras 3 config pieces -> the tf.keras 2 form the layer classes take."""
    if isinstance(obj, list):
        return [from_keras3_config(o) for o in obj]
    if not isinstance(obj, dict):
        return obj
    if obj.get("class_name") == "DTypePolicy" or obj.get("class_name") == "Policy":
        return obj.get("config", {}).get("name", "float32")
    out = {}
    for key, value in obj.items():
        if key == "batch_shape" and "batch_input_shape" not in obj:
            out["batch_input_shape"] = value
            continue
        if key in _KERAS3_ONLY and (value is None or key == "shared_object_id"):
            continue
        if key in ("inbound_nodes",):
            out[key] = value  # node forms are read by model_config
            continue
        out[key] = from_keras3_config(value)
    return out


_OBJECT_MODULES = (("initializer", "keras.initializers"), ("regularizer", "keras.regularizers"),
                   ("constraint", "keras.constraints"))


def _object_module(key: str, spec: dict) -> Optional[str]:
    """Keras 3 finds built-in objects by module: infer it from the config key or the registry."""
    from ..engine import registry
    for suffix, module in _OBJECT_MODULES:
        if key.endswith(suffix):
            return module
    for kind, module in (("initializer", "keras.initializers"), ("regularizer", "keras.regularizers"),
                         ("constraint", "keras.constraints"), ("layer", "keras.layers")):
        if spec.get("class_name") in registry.names(kind):
            return module
    return None


def _value_to_keras3(key: str, value):
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        if value["class_name"] in ("Sequential", "Functional") or "inbound_nodes" in value:
            return to_keras3_config(value)
        if _is_layer_spec(value):
            return to_keras3_config(value)
        out = dict(value)
        if out.get("module") is None:
            out["module"] = _object_module(key, value)
        out.setdefault("registered_name", None)
        out["config"] = {k: _value_to_keras3(k, v) for k, v in value["config"].items()}
        return out
    if isinstance(value, list):
        return [_value_to_keras3(key, v) for v in value]
    return value


def _is_layer_spec(spec: dict) -> bool:
    from ..engine import registry
    return spec.get("class_name") in registry.names("layer")


def _tensor_specs(model) -> dict:
    """(layer name, config node index, tensor index) -> (shape, dtype) for `model`'s graph."""
    if model is None or not hasattr(model, "_plan"):
        return {}
    from ..engine.keras_tensor import flatten
    index_map = model_config._node_index_map(model)
    specs = {}
    for layer in model.layers:
        for node in layer._inbound_nodes:
            if id(node) in index_map:
                for i, t in enumerate(flatten(node.outputs)):
                    specs[(layer.name, index_map[id(node)], i)] = (list(t.shape), t.dtype)
    return specs


# tf.keras 2 config keys that the Keras 3 class of the same name does not take
_KERAS2_ONLY_KEYS = {
    "SeparableConv1D": ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"),
    "SeparableConv2D": ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"),
    "DepthwiseConv1D": ("groups",), "DepthwiseConv2D": ("groups",),
    "Conv1DTranspose": ("groups",), "Conv2DTranspose": ("groups",), "Conv3DTranspose": ("groups",),
    "MultiHeadAttention": ("query_shape", "key_shape", "value_shape", "softmax_robust_masking"),
    "SpatialDropout1D": ("noise_shape",), "SpatialDropout2D": ("noise_shape",),
    "SpatialDropout3D": ("noise_shape",), "RandomFlip": ("rng_type",),
    "StringLookup": ("vocabulary_size",), "IntegerLookup": ("vocabulary_size",),
    "TextVectorization": ("vocabulary_size",),
}
_KERAS2_RENAMED_KEYS = {"LeakyReLU": {"alpha": "negative_slope"}}


def _function_to_keras3(value, kind: str, module):
    """A Lambda's function as tf.keras stores it (bytecode triple / name / raw value) -> Keras 3's
    ``{"class_name": "__lambda__", ...}`` / ``{"class_name": "function", ...}`` / the value."""
    if kind == "lambda" and isinstance(value, (list, tuple)) and len(value) == 3:
        code, defaults, closure = value
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": closure}}
    if kind == "function" and isinstance(value, str):
        return {"module": module or "builtins", "class_name": "function", "config": value,
                "registered_name": "function"}
    return value


def _lambda_to_keras3(cfg: dict) -> dict:
    cfg = dict(cfg)
    cfg["function"] = _function_to_keras3(cfg.get("function"), cfg.pop("function_type", "lambda"),
                                          cfg.pop("module", None))
    shape_kind, shape_module = cfg.pop("output_shape_type", "raw"), cfg.pop("output_shape_module", None)
    if cfg.get("output_shape") is not None:
        cfg["output_shape"] = _function_to_keras3(cfg["output_shape"], shape_kind, shape_module)
    else:
        cfg.pop("output_shape", None)
    mask_kind = cfg.pop("mask_type", "raw")
    if cfg.get("mask") is not None:
        cfg["mask"] = _function_to_keras3(cfg["mask"], mask_kind, cfg.get("module"))
    return cfg


def _keras2_only_keys_dropped(class_name: str, cfg: dict) -> dict:
    for key in _KERAS2_ONLY_KEYS.get(class_name, ()):
        cfg.pop(key, None)
    for old, new in _KERAS2_RENAMED_KEYS.get(class_name, {}).items():
        if old in cfg:
            cfg[new] = cfg.pop(old)
    if class_name == "Lambda":
        cfg = _lambda_to_keras3(cfg)
    return cfg


def _single_ref(refs):
    """Keras 3 writes one model input/output as a bare reference (a list of one would make the
    model take/return a list)."""
    from .model_config import _is_tensor_ref
    if isinstance(refs, list) and len(refs) == 1 and _is_tensor_ref(refs[0]):
        return refs[0]
    return refs


def to_keras3_config(obj, model=None):
    """A tf.keras 2 layer/model spec -> what Keras 3 accepts (InputLayer ``batch_shape``, nodes
    as ``{"args", "kwargs"}``, modules on nested objects, no Keras-2-only keys)."""
    out = dict(obj)
    cfg = dict(out.get("config", {}))
    if out["class_name"] == "InputLayer":
        if "batch_input_shape" in cfg:
            cfg["batch_shape"] = cfg.pop("batch_input_shape")
        cfg.pop("ragged", None)
    else:
        cfg.pop("batch_input_shape", None)
        for key in ("time_major", "implementation", "input_length"):
            cfg.pop(key, None)
        if out["class_name"] == "BatchNormalization" and isinstance(cfg.get("axis"), list) \
                and len(cfg["axis"]) == 1:
            cfg["axis"] = cfg["axis"][0]  # tf.keras writes [3] once built; Keras 3 takes an int
    if out["class_name"] in ("Sequential", "Functional"):
        by_name = {l.name: l for l in (model_config_layers(model) if model is not None else [])}
        cfg["layers"] = [to_keras3_config(l, by_name.get(l.get("name") or l["config"].get("name")))
                         for l in cfg.get("layers", [])]
        specs = _tensor_specs(model)
        # Keras 3 numbers a nested model's calls from 0; tf.keras counted its internal node first
        shifted = {l.name for l in by_name.values() if model_config._skips_first_node(l)}
        for entry in cfg["layers"]:
            if "inbound_nodes" in entry:
                entry["inbound_nodes"] = [_node_to_keras3(n, specs, shifted) for n in entry["inbound_nodes"]]
        for key in ("input_layers", "output_layers"):
            if key in cfg:
                cfg[key] = _single_ref(_shift_refs(cfg[key], shifted))
    else:
        if out["class_name"] == "MultiHeadAttention" and cfg.get("query_shape") is not None:
            # Keras 3 builds it from the shapes of its call arguments
            shapes = {k: cfg[k] for k in ("query_shape", "value_shape", "key_shape") if cfg.get(k) is not None}
            out["build_config"] = {"shapes_dict": shapes}
        cfg = _keras2_only_keys_dropped(out["class_name"], cfg)
        cfg = {k: _value_to_keras3(k, v) for k, v in cfg.items()}
    out["config"] = cfg
    if out.get("module") is None and _is_layer_spec(out) and not out.get("registered_name"):
        out["module"] = "keras" if out["class_name"] == "Sequential" else "keras.layers"
    out.setdefault("registered_name", None)
    if out["class_name"] == "Functional":
        out["module"] = "keras.src.models.functional"
    return out


def model_config_layers(model) -> list:
    from ..engine.sequential import Sequential
    if isinstance(model, Sequential):
        return list(model._stack)
    return list(getattr(model, "layers", []))


def _shift_refs(refs, shifted):
    from .model_config import _is_tensor_ref
    if _is_tensor_ref(refs):
        return [refs[0], refs[1] - 1 if refs[0] in shifted else refs[1]] + list(refs[2:])
    if isinstance(refs, list):
        return [_shift_refs(r, shifted) for r in refs]
    if isinstance(refs, dict):
        return {k: _shift_refs(v, shifted) for k, v in refs.items()}
    return refs


def _node_to_keras3(node, specs, shifted=frozenset()):
    from .model_config import _is_tensor_ref, _normalize_node
    first, kwargs = _normalize_node(node)

    def kt(ref):
        if _is_tensor_ref(ref):
            shape, dtype = specs.get(tuple(ref[:3]), (None, "float32"))
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": shape, "dtype": dtype,
                               "keras_history": _shift_refs(list(ref[:3]), shifted)}}
        if isinstance(ref, list):
            return [kt(r) for r in ref]
        if isinstance(ref, dict):
            return {k: kt(v) for k, v in ref.items()}
        return ref

    return {"args": [kt(first)], "kwargs": kt(kwargs)}


# ---------------------------------------------------------------- weights: walking the tree
def _is_model(layer) -> bool:
    return hasattr(layer, "_plan") and hasattr(layer, "layers")


def _container_layers(model) -> list:
    """The layers Keras 3 lists under a model's ``layers`` group."""
    from ..engine.sequential import Sequential
    if isinstance(model, Sequential):
        return list(model._stack)
    return list(model.layers)


def _keras3_names(layers) -> List[str]:
    counts: Dict[str, int] = {}
    names = []
    for layer in layers:
        base = _snake(type(layer).__name__)
        if base == "functional" or base == "model":
            base = "functional"
        n = counts.get(base, 0)
        names.append(base if n == 0 else f"{base}_{n}")
        counts[base] = n + 1
    return names


def _vars_of(group) -> List[np.ndarray]:
    if "vars" not in group:
        return []
    v = group["vars"]
    return [np.asarray(v[k][()]) for k in sorted(v.keys(), key=int)]


def _subtree_arrays(group, scopes: Optional[List[str]] = None) -> List[np.ndarray]:
    """The arrays of a layer's group and its sublayers' groups, in the layer's weight order.

    HDF5 lists groups alphabetically, so other sublayers (MultiHeadAttention's query/key/value/
    output) are put in the order in which their names (``vars``'s ``name`` attribute) appear in
    `scopes`, the layer's own weight-name scopes.
    """
    arrays = _vars_of(group)
    for key in _CHILD_ORDER:
        if key in group:
            arrays += _subtree_arrays(group[key])
    others = [k for k in sorted(group.keys()) if k not in _CHILD_ORDER and k not in ("vars", "layers")]
    if scopes:
        rank = {name: i for i, name in enumerate(scopes)}

        def position(key):
            sub = group[key]
            name = hdf5_format.text(sub["vars"].attrs.get("name", key)) if "vars" in sub else key
            return rank.get(name, len(rank))
        others.sort(key=position)
    for key in others:
        arrays += _subtree_arrays(group[key])
    return arrays


def _weight_scopes(layer) -> List[str]:
    """Sublayer names in weight order: ``mha/query/kernel:0`` -> ``query``."""
    scopes: List[str] = []
    for w in hdf5_format._weights_of(layer):
        parts = w.name.split(":")[0].split("/")
        if len(parts) >= 2 and parts[-2] not in scopes:
            scopes.append(parts[-2])
    return scopes


def _collect(model, group, path: str, plan: list) -> None:
    """Append (layer, arrays) for every layer of `model` that has weights."""
    layers = _container_layers(model)
    children = group["layers"] if "layers" in group else {}
    by_name = {}
    for key in children:
        sub = children[key]
        if "vars" in sub and "name" in sub["vars"].attrs:
            by_name[hdf5_format.text(sub["vars"].attrs["name"])] = key
    for layer, rule_name in zip(layers, _keras3_names(layers)):
        if not hdf5_format._weights_of(layer):
            continue
        key = by_name.get(layer.name, rule_name)
        if key not in children:
            raise ValueError(f"{path}: no weights for layer {layer.name!r} (looked for group "
                             f"'{group.name}/layers/{key}').")
        if _is_model(layer):
            _collect(layer, children[key], path, plan)
        else:
            plan.append((layer, _subtree_arrays(children[key], _weight_scopes(layer))))


def load_weights_from_h5(model, f, path: str) -> None:
    """Load a Keras 3 weights file (``model.weights.h5`` layout) into `model`; all-or-nothing."""
    plan: list = []
    _collect(model, f, path, plan)
    for layer, arrays in plan:
        problem = hdf5_format._check_shapes(layer, arrays, layer.name, path)
        if problem:
            raise ValueError(f"Layer {layer.name!r}: cannot load weights from {path}. {problem}")
    hdf5_format._assign(plan)


def _write_layer(group, layer) -> None:
    if _is_model(layer):
        _write_container(group, layer)
        group.create_group("vars").attrs["name"] = layer.name
        return
    own = group.create_group("vars")
    own.attrs["name"] = layer.name
    weights = hdf5_format._weights_of(layer)
    target = own
    name = type(layer).__name__
    if name in ("LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D") and weights:
        cell = group.create_group("cell")
        target = cell.create_group("vars")
        target.attrs["name"] = getattr(getattr(layer, "cell", None), "name", layer.name + "_cell")
    if name == "Bidirectional" and weights:
        half = len(weights) // 2
        for key, sub, ws in (("forward_layer", layer.forward_layer, weights[:half]),
                             ("backward_layer", layer.backward_layer, weights[half:])):
            _write_layer(group.create_group(key), sub)
        return
    if name == "TimeDistributed" and weights:
        _write_layer(group.create_group("layer"), layer.layer)
        return
    if name in _KERAS3_SUBLAYER_GROUPS and weights:
        _write_sublayer_groups(group, weights, _KERAS3_SUBLAYER_GROUPS[name])
        return
    for i, w in enumerate(weights):
        target.create_dataset(str(i), data=np.asarray(w.numpy()))


# Layers whose weights Keras 3 keeps in sublayers: weight-name scope -> sublayer group
_KERAS3_SUBLAYER_GROUPS = {
    "MultiHeadAttention": {"query": "query_dense", "key": "key_dense", "value": "value_dense",
                           "attention_output": "output_dense"},
}


def _write_sublayer_groups(group, weights, groups: Dict[str, str]) -> None:
    """``mha/query/kernel:0`` goes to ``query_dense/vars/0`` (vars' name attribute ``query``)."""
    counts: Dict[str, int] = {}
    for w in weights:
        scope = w.name.split(":")[0].split("/")[-2]
        key = groups.get(scope, scope)
        if key not in group:
            group.create_group(key).create_group("vars").attrs["name"] = scope
        i = counts.get(key, 0)
        group[key]["vars"].create_dataset(str(i), data=np.asarray(w.numpy()))
        counts[key] = i + 1


def _write_container(group, model) -> None:
    layers_group = group.create_group("layers")
    layers = _container_layers(model)
    for layer, key in zip(layers, _keras3_names(layers)):
        _write_layer(layers_group.create_group(key), layer)


def _write_weights(f, model, include_optimizer: bool) -> None:
    _write_container(f, model)
    f.create_group("vars").attrs["name"] = model.name
    opt = getattr(model, "optimizer", None)
    if include_optimizer and opt is not None and getattr(model, "_is_compiled", False):
        values = _optimizer_values_keras3(model, opt)
        if values:
            g = f.create_group("optimizer").create_group("vars")
            g.attrs["name"] = getattr(opt, "_name", type(opt).__name__).lower()
            for i, v in enumerate(values):
                g.create_dataset(str(i), data=v)


# Keras 3 creates the first N slots of these optimizers together, variable by variable (m0, v0,
# m1, v1...); any further slots (Adam's amsgrad velocity_hat, RMSprop's momentum and average
# gradient) come after, slot by slot. Other optimizers have one slot or create each apart.
_KERAS3_INTERLEAVED_SLOTS = {"Adam": 2, "AdamW": 2, "Nadam": 2, "Adamax": 2, "Adadelta": 2, "Ftrl": 2,
                             "Lamb": 2}


def _keras3_slot_positions(opt_class: str, n_params: int, n_slots: int) -> List[int]:
    """For each Keras 3 slot position, the index into the slot-by-slot (grouped) order."""
    together = min(_KERAS3_INTERLEAVED_SLOTS.get(opt_class, 1), n_slots)
    order = [s * n_params + p for p in range(n_params) for s in range(together)]
    order += [s * n_params + p for s in range(together, n_slots) for p in range(n_params)]
    return order


def _optimizer_values_keras3(model, opt) -> List[np.ndarray]:
    """Keras 3 order: iterations, learning rate, then the slots (see _keras3_slot_positions)."""
    from .compile_config import optimizer_weights_keras_layout
    legacy = optimizer_weights_keras_layout(model)
    n = len(getattr(opt, "_params", []))
    if not n:
        return []
    rest = legacy[1:]
    lr = np.asarray(float(np.asarray(opt._lr)) if hasattr(opt, "_lr") else 0.001, dtype=np.float32)
    if getattr(opt, "_current_only", False):  # AdamW, Lion...: already variable by variable
        return [legacy[0].astype(np.int64), lr] + rest
    positions = _keras3_slot_positions(type(opt).__name__, n, len(rest) // n)
    return [legacy[0].astype(np.int64), lr] + [rest[i] for i in positions]


# ---------------------------------------------------------------- whole files
def _read_zip(path: str):
    try:
        zf = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as e:
        raise file_checks.CorruptFileError(f"Cannot read {path!r} as a .keras file: {e} "
                                           "(truncated or corrupt zip).") from None
    with zf:
        names = set(zf.namelist())
        if "config.json" not in names:
            raise ValueError(f"{path!r} is a zip file but not a Keras 3 .keras file: it has no "
                             f"config.json (entries: {sorted(names)[:10]}).")
        try:
            config = json.loads(zf.read("config.json").decode("utf-8"))
            metadata = json.loads(zf.read("metadata.json").decode("utf-8")) if "metadata.json" in names else {}
            weights = zf.read("model.weights.h5") if "model.weights.h5" in names else None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
            raise file_checks.CorruptFileError(f"Cannot read {path!r}: {e} (truncated or corrupt "
                                               ".keras file).") from None
    return config, metadata, weights


def _open_weights(data: bytes, path: str):
    h5py = _h5py()
    try:
        return h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise file_checks.CorruptFileError(f"{path}: model.weights.h5 inside the .keras file is "
                                           f"corrupt ({e}).") from None


def load_model(path: str, custom_objects: Optional[dict] = None, compile: bool = True):
    config, _, weights = _read_zip(path)
    spec = from_keras3_config(config)
    from .load_context import building_for_load
    with building_for_load():  # weights are all assigned from the file below
        model = model_config.model_from_dict(spec, custom_objects)
    if weights is not None:
        with _open_weights(weights, path) as f:
            load_weights_from_h5(model, f, path)
            opt_values = _vars_of(f["optimizer"]) if "optimizer" in f else None
    else:
        opt_values = None
    compile_cfg = config.get("compile_config")
    if compile and compile_cfg:
        _compile_keras3(model, from_keras3_config(compile_cfg), custom_objects)
        if opt_values:
            _restore_optimizer(model, opt_values)
    return model


def _compile_keras3(model, cfg: dict, custom_objects) -> None:
    from . import compile_config
    training = {"optimizer_config": cfg.get("optimizer") or {"class_name": "RMSprop", "config": {}},
                "loss": cfg.get("loss"), "metrics": cfg.get("metrics"),
                "weighted_metrics": cfg.get("weighted_metrics"), "loss_weights": cfg.get("loss_weights")}
    opt = training["optimizer_config"]
    if isinstance(opt, str):
        training["optimizer_config"] = {"class_name": opt, "config": {}}
    else:
        cfg_opt = dict(opt.get("config", {}))
        training["optimizer_config"] = {"class_name": opt["class_name"], "config": cfg_opt}
    compile_config.compile_from_training_config(model, training, custom_objects)


def _restore_optimizer(model, values) -> None:
    """Keras 3 stores [iterations, learning rate, slots of each variable...]; tf.keras 2.13+'s
    .keras files have no learning-rate entry."""
    from . import compile_config
    n = len([w for w in model.trainable_weights if w.param.requires_grad])
    values = list(values)
    if len(values) >= 2 and np.ndim(values[1]) == 0:
        values = [values[0]] + values[2:]
    if n == 0 or len(values) < 1 or (len(values) - 1) % n:
        warnings.warn("The optimizer state in the .keras file does not match this optimizer; it "
                      "starts freshly initialized.")
        return
    if getattr(model.optimizer, "_current_only", False):
        compile_config.restore_optimizer_state(model, values, per_variable=True)
        return
    rest = values[1:]
    positions = _keras3_slot_positions(type(model.optimizer).__name__, n, len(rest) // n)
    grouped: List[Optional[np.ndarray]] = [None] * len(rest)
    for k, i in enumerate(positions):
        grouped[i] = rest[k]
    compile_config.restore_optimizer_state(model, [values[0]] + grouped)


def load_weights(model, path: str) -> None:
    """``model.load_weights('m.keras')``: only the weights of a .keras file."""
    _, _, weights = _read_zip(path)
    if weights is None:
        raise ValueError(f"{path!r} holds no model.weights.h5.")
    with _open_weights(weights, path) as f:
        load_weights_from_h5(model, f, path)


def save_weights(model, path: str, overwrite: bool = True) -> None:
    """``save_weights('x.weights.h5')``: the Keras 3 layout (as tf.keras 2.13+ writes for this
    suffix), readable by Keras 3's ``load_weights``."""
    if not file_checks.should_write(path, overwrite):
        return
    h5py = _h5py()
    with file_checks.atomic_write(path) as tmp:
        with h5py.File(tmp, "w") as f:
            _write_weights(f, model, include_optimizer=False)


def model_config_keras3(model) -> dict:
    data = model_config.model_to_dict(model, legacy=False)
    out = to_keras3_config({"module": "keras", "class_name": data["class_name"],
                            "config": data["config"], "registered_name": None}, model)
    shape = model_config._build_input_shape(model)
    if shape is None and getattr(model, "inputs", None):
        shape = model_config._plain(model.inputs[0].shape)
    if shape is not None:
        out["build_config"] = {"input_shape": shape}
    compile_cfg = _compile_config_keras3(model)
    if compile_cfg is not None:
        out["compile_config"] = compile_cfg
    return out


def _compile_config_keras3(model) -> Optional[dict]:
    from . import compile_config
    train = compile_config.training_config(model)
    if train is None:
        return None
    opt = dict(train["optimizer_config"]["config"])
    for key in ("is_legacy_optimizer", "jit_compile"):  # tf.keras 2 only
        opt.pop(key, None)
    if opt.pop("decay", 0.0):
        warnings.warn("The optimizer's legacy `decay` is not supported by Keras 3; the .keras file "
                      "records the optimizer without it.")
    opt["name"] = opt.get("name", "").lower() or train["optimizer_config"]["class_name"].lower()
    return {"optimizer": {"module": "keras.optimizers",
                          # tf.keras's .h5 configs say 'Custom>AdamW'; Keras 3 knows 'AdamW'
                          "class_name": train["optimizer_config"]["class_name"].split(">")[-1],
                          "config": opt, "registered_name": None},
            "loss": train["loss"], "loss_weights": train["loss_weights"], "metrics": train["metrics"],
            "weighted_metrics": train["weighted_metrics"], "run_eagerly": False,
            "steps_per_execution": 1, "jit_compile": False}


def save_model(model, path: str, overwrite: bool = True, include_optimizer: bool = True) -> None:
    """Write a Keras 3 ``.keras`` file, atomically."""
    model_config.require_graph_model(model, "Saving the model to the .keras format")
    if not file_checks.should_write(path, overwrite):
        return
    config = model_config_keras3(model)
    if not include_optimizer:
        config.pop("compile_config", None)
    metadata = {"keras_version": KERAS3_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_weights(f, model, include_optimizer)
    with file_checks.atomic_write(path) as tmp:
        with zipfile.ZipFile(tmp, "w") as zf:
            zf.writestr("metadata.json", json.dumps(metadata))
            zf.writestr("config.json", json.dumps(config, default=model_config._json_default))
            zf.writestr("model.weights.h5", buffer.getvalue(), compress_type=zipfile.ZIP_STORED)
