"""The Keras 2 HDF5 format (``model.save('m.h5')``, ``save_weights``), both directions.

Layout written (as tf.keras 2.21 writes it)::

    /                  attrs: keras_version, backend, model_config (JSON), training_config (JSON)
    /model_weights     attrs: layer_names, backend, keras_version
    /model_weights/<layer>            attrs: weight_names  (e.g. ['dense/kernel:0', 'dense/bias:0'])
    /model_weights/<layer>/<weight name as a path>   the array, in Keras layout
    /model_weights/top_level_model_weights           attrs: weight_names (weights owned by the model)
    /optimizer_weights attrs: weight_names; one dataset per optimizer variable

``save_weights`` writes the ``model_weights`` part at the file's root. Attributes over 64 KB are
split into ``name0``, ``name1``..., as Keras does. Reading accepts byte or str attributes (h5py 2
and 3), Keras 1 files (no ``keras_version``), Keras 2.x and Keras 3 legacy files.

Loading weights is two-phase: every array is read, converted and checked against the model first;
only then is anything assigned, so a failed load leaves the model as it was.
"""
import json
import os
import warnings
from typing import Dict, List, Optional, Tuple

import numpy as np

from . import file_checks, legacy_weights, model_config

HDF5_OBJECT_HEADER_LIMIT = 64512


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError("Saving and loading .h5 files requires h5py: pip install h5py") from None
    return h5py


def text(value) -> str:
    """An attribute as str: h5py 2 gives bytes, h5py 3 gives str (or numpy bytes)."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value.item())
    return str(value)


# ---------------------------------------------------------------- attributes
def save_attributes(group, name: str, data: List[str]) -> None:
    """Store a list of strings as a (chunked when over 64 KB) attribute."""
    encoded = [d.encode("utf8") if isinstance(d, str) else d for d in data]
    too_big = [d for d in encoded if len(d) > HDF5_OBJECT_HEADER_LIMIT]
    if too_big:
        raise RuntimeError(f"The following attributes cannot be saved to HDF5 file because they are "
                           f"larger than {HDF5_OBJECT_HEADER_LIMIT} bytes: {too_big}")
    array = np.asarray(encoded) if encoded else np.asarray([], dtype=np.float64)
    chunks = 1
    parts = np.array_split(array, chunks)
    while any(p.nbytes > HDF5_OBJECT_HEADER_LIMIT for p in parts):
        chunks += 1
        parts = np.array_split(array, chunks)
    if chunks > 1:
        for i, part in enumerate(parts):
            group.attrs[f"{name}{i}"] = part
    else:
        group.attrs[name] = array


def load_attributes(group, name: str) -> List[str]:
    """Inverse of `save_attributes`; [] when absent."""
    if name in group.attrs:
        return [text(n) for n in np.atleast_1d(group.attrs[name])]
    data, i = [], 0
    while f"{name}{i}" in group.attrs:
        data.extend(text(n) for n in np.atleast_1d(group.attrs[f"{name}{i}"]))
        i += 1
    return data


# ---------------------------------------------------------------- writing
def _weights_of(layer) -> list:
    """Keras's saving order: trainable weights, then non-trainable ones."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _unique_names(names: List[str]) -> List[str]:
    seen: Dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            base, colon, idx = n.rpartition(":")
            n = f"{base}_{seen[n]}:{idx}" if colon else f"{n}_{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def keras_weight_names(layer, weights=None) -> List[str]:
    """tf.keras's variable names for `layer`'s weights: ``weight.name`` (``<layer>/<name>:0``,
    as the layer itself names it, e.g. ``lstm/lstm_cell/kernel:0``) inside the name scopes of
    the enclosing layers, e.g. ``outer/dense/kernel:0`` for a Dense inside a custom layer.
    A nested model restarts the scope: its layers' weights are named alone, as in tf.keras.
    """
    from ..engine.base_layer import Layer
    from ..engine.functional import Functional
    scopes: Dict[int, List[str]] = {id(layer): []}

    def visit(owner, inner_scope):
        for child in owner._sublayers():
            if not isinstance(child, Layer) or id(child) in scopes:
                continue
            scopes[id(child)] = inner_scope
            visit(child, [] if isinstance(child, Functional) else inner_scope + [child.name])

    visit(layer, [] if isinstance(layer, Functional) else [layer.name])
    weights = _weights_of(layer) if weights is None else weights
    return ["/".join(scopes.get(id(getattr(w, "layer", None)), []) + [w.name]) for w in weights]


def _write_subset(group, weights, names=None) -> None:
    names = _unique_names(names if names is not None else [w.name for w in weights])
    save_attributes(group, "weight_names", names)
    for name, w in zip(names, weights):
        value = np.asarray(w.numpy())
        dset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dset[:] = value
        else:
            dset[()] = value


def _model_layers(model) -> list:
    return list(model.layers)


def write_weights_group(group, model) -> None:
    """Write `model`'s weights under `group` (the ``model_weights`` layout)."""
    layers = _model_layers(model)
    save_attributes(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = model_config.BACKEND.encode("utf8")
    group.attrs["keras_version"] = model_config.KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda l: l.name):  # sorted, as Keras, so groups nest cleanly
        weights = _weights_of(layer)
        _write_subset(group.create_group(layer.name), weights, keras_weight_names(layer, weights))
    _write_subset(group.create_group("top_level_model_weights"), _top_level_weights(model))


def _top_level_weights(model) -> list:
    own = getattr(model, "_own_weight_handles", None)
    return list(own()) if callable(own) else []


def _optimizer_weight_names(model, optimizer) -> List[str]:
    """Legacy tf.keras names: ``Adam/iter:0``, ``Adam/dense/kernel/m:0``..."""
    by_param = {id(w.param): w.name for w in model.trainable_weights}
    for layer in _model_layers(model):
        weights = _weights_of(layer)
        by_param.update({id(w.param): n for w, n in zip(weights, keras_weight_names(layer, weights))})
    params = list(getattr(optimizer, "_params", []))
    param_names = [by_param.get(id(p), f"param_{i}:0") for i, p in enumerate(params)]
    if hasattr(optimizer, "weight_names"):
        return list(optimizer.weight_names(param_names))
    prefix = getattr(optimizer, "_name", type(optimizer).__name__)
    return [f"{prefix}/iter:0"]  # unknown layout: _write_optimizer falls back to numbered names


def _write_optimizer(f, model) -> None:
    optimizer = model.optimizer
    from .compile_config import optimizer_weights_keras_layout
    values = optimizer_weights_keras_layout(model)
    if not values:
        return
    names = _optimizer_weight_names(model, optimizer)
    if len(names) != len(values):
        names = [f"{getattr(optimizer, '_name', 'optimizer')}/weight_{i}:0" for i in range(len(values))]
    names = _unique_names(names)
    group = f.create_group("optimizer_weights")
    save_attributes(group, "weight_names", names)
    for name, value in zip(names, values):
        dset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dset[:] = value
        else:
            dset[()] = value


def training_config(model) -> Optional[dict]:
    """The ``training_config`` of a compiled model (None when not compiled)."""
    from . import compile_config
    return compile_config.training_config(model)


def _json(value) -> bytes:
    return json.dumps(value, default=model_config._json_default).encode("utf8")


def save_model(model, path, overwrite: bool = True, include_optimizer: bool = True) -> None:
    """``model.save('x.h5')``: config, weights and optimizer state, atomically. `path` may also
    be an open, writable ``h5py.File``/group (written in place)."""
    h5py = _h5py()
    model_config.require_graph_model(model, "Saving the model to HDF5 format")
    config = model_config.model_to_dict(model, legacy=True)
    train = training_config(model) if include_optimizer else None
    if isinstance(path, h5py.Group):
        write_model(path, model, config, train)
        return
    if not file_checks.should_write(path, overwrite):
        return
    with file_checks.atomic_write(path) as tmp:
        with h5py.File(tmp, "w") as f:
            write_model(f, model, config, train)


def _h5_optimizer_form(train: Optional[dict]) -> Optional[dict]:
    """tf.keras 2.11+ writes its (non-legacy) optimizers into HDF5 training configs as
    ``"Custom>Adam"`` with ``is_legacy_optimizer: false``; a plain ``"Adam"`` there is read back
    by tf.keras as the legacy optimizer, which rejects the new config keys (weight_decay...)."""
    opt = (train or {}).get("optimizer_config")
    if not isinstance(opt, dict) or not isinstance(opt.get("config"), dict):
        return train
    cfg = opt["config"]
    if "weight_decay" not in cfg or cfg.get("is_legacy_optimizer") is True:
        return train
    name = opt["class_name"].split(">")[-1]
    opt = {"class_name": f"Custom>{name}", "config": dict(cfg, is_legacy_optimizer=False)}
    return dict(train, optimizer_config=opt)


def write_model(f, model, config: dict, train: Optional[dict]) -> None:
    train = _h5_optimizer_form(train)
    f.attrs["backend"] = model_config.BACKEND
    f.attrs["keras_version"] = model_config.KERAS_VERSION
    f.attrs["model_config"] = _json(config)
    if train is not None:
        f.attrs["training_config"] = _json(train)
    write_weights_group(f.create_group("model_weights"), model)
    if train is not None and getattr(model, "optimizer", None) is not None:
        _write_optimizer(f, model)


def save_weights(model, path, overwrite: bool = True) -> None:
    """``model.save_weights('x.h5')``: the weights at the file's root, atomically (or into an
    open ``h5py.File``/group)."""
    h5py = _h5py()
    if isinstance(path, h5py.Group):
        write_weights_group(path, model)
        return
    if not file_checks.should_write(path, overwrite):
        return
    with file_checks.atomic_write(path) as tmp:
        with h5py.File(tmp, "w") as f:
            write_weights_group(f, model)


# ---------------------------------------------------------------- reading
def open_h5(path: str):
    """Open `path` read-only with a clear error for truncated/corrupt files."""
    h5py = _h5py()
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise file_checks.CorruptFileError(
            f"Cannot read the HDF5 file {path!r}: it is truncated or corrupt ({e}). "
            "Save the model again or download the file again.") from None


def _read_subset(group, path: str) -> Tuple[List[str], List[np.ndarray]]:
    names = load_attributes(group, "weight_names")
    arrays = []
    for n in names:
        if n not in group:
            raise file_checks.CorruptFileError(
                f"{path}: weight {n!r} of layer group {group.name!r} is listed in 'weight_names' but "
                "missing from the file (truncated or corrupt file).")
        try:
            arrays.append(group[n][()])
        except OSError as e:
            raise file_checks.CorruptFileError(f"{path}: cannot read weight {group.name}/{n} ({e}); "
                                               "the file is truncated or corrupt.") from None
    return names, [np.asarray(a) for a in arrays]


def _file_versions(group) -> Tuple[str, Optional[str]]:
    version = text(group.attrs["keras_version"]) if "keras_version" in group.attrs else "1"
    backend = text(group.attrs["backend"]) if "backend" in group.attrs else None
    return version, backend


def _weights_root(f, path: str):
    """The group holding layer_names: the root (save_weights) or model_weights (save_model)."""
    if "layer_names" in f.attrs or "layer_names0" in f.attrs:
        return f
    if "model_weights" in f:
        return f["model_weights"]
    if "layers" in f or "vars" in f:
        return None  # Keras 3 layout (.weights.h5, or model.weights.h5 from a .keras file)
    raise ValueError(f"{path!r} is an HDF5 file but not a Keras weights file: it has no "
                     "'layer_names' attribute and no 'model_weights' group "
                     f"(top-level keys: {sorted(f.keys())[:10]}).")


def _layers_with_weights(model) -> list:
    return [l for l in _model_layers(model) if _weights_of(l)]


def _check_shapes(layer, arrays, file_layer: str, path: str) -> Optional[str]:
    """None when `arrays` fit `layer`; else the reason."""
    weights = _weights_of(layer)
    if len(arrays) != len(weights):
        return (f"Layer expects {len(weights)} weight(s), but the saved weights have "
                f"{len(arrays)} element(s).")
    for w, a in zip(weights, arrays):
        if tuple(w.shape) != tuple(a.shape):
            return (f"Weight {w.name} has shape {tuple(w.shape)}, but the saved weight has "
                    f"shape {tuple(a.shape)}.")
    return None


def _assign(plan) -> None:
    """Assign all (layer, arrays) pairs; called only after every check passed."""
    for layer, arrays in plan:
        for w, a in zip(_weights_of(layer), arrays):
            assign_array(w, a)


def assign_array(weight, array: np.ndarray) -> None:
    """``weight.assign(array)``, without a copy when the storage can simply adopt the array
    (CPU weight stored in Keras layout with the same dtype): the array was freshly read from
    the file and is not used elsewhere."""
    param = weight.param
    if (weight.from_keras is None and param.device.type == "cpu" and isinstance(array, np.ndarray)
            and array.dtype == _NUMPY_DTYPES.get(param.dtype) and array.flags.c_contiguous
            and array.flags.writeable and tuple(array.shape) == tuple(param.shape)):
        import torch
        param.data = torch.from_numpy(array)
        return
    weight.assign(array)


def _numpy_dtypes():
    import torch
    return {torch.float32: np.dtype("float32"), torch.float64: np.dtype("float64"),
            torch.float16: np.dtype("float16"), torch.int64: np.dtype("int64"),
            torch.int32: np.dtype("int32")}


_NUMPY_DTYPES = _numpy_dtypes()


def load_weights_from_group(g, model, path: str, by_name: bool = False,
                            skip_mismatch: bool = False) -> None:
    """Load the weights under `g` into `model` (validate everything, then assign)."""
    version, backend = _file_versions(g)
    layer_names = load_attributes(g, "layer_names")
    saved = []
    for name in layer_names:
        if name not in g:
            raise file_checks.CorruptFileError(f"{path}: layer {name!r} is listed in 'layer_names' "
                                               "but has no group (truncated or corrupt file).")
        wnames, arrays = _read_subset(g[name], path)
        saved.append((name, arrays))
    plan = _match_by_name(model, saved, version, backend, path, skip_mismatch) if by_name else \
        _match_topological(model, saved, version, backend, path)
    top = []
    if not by_name and "top_level_model_weights" in g:
        _, top = _read_subset(g["top_level_model_weights"], path)
        own = _top_level_weights(model)
        if len(top) != len(own) or any(tuple(w.shape) != a.shape for w, a in zip(own, top)):
            raise ValueError(f"{path}: the model's own (top-level) weights do not match the file: "
                             f"{len(own)} in the model, {len(top)} saved.")
    _assign(plan)
    for w, a in zip(_top_level_weights(model), top):
        assign_array(w, a)


def _convert(layer, arrays, version, backend):
    try:
        return legacy_weights.preprocess(layer, arrays, version, backend)
    except (ValueError, IndexError) as e:
        raise ValueError(f"Cannot convert the saved weights for layer {layer.name!r}: {e}") from None


def _match_topological(model, saved, version, backend, path) -> list:
    saved = [(n, a) for n, a in saved if a]
    layers = _layers_with_weights(model)
    if len(layers) != len(saved):
        raise ValueError(f"Layer count mismatch when loading weights from file {path}. Model expected "
                         f"{len(layers)} layers, found {len(saved)} saved layers.")
    plan = []
    for k, (layer, (file_name, arrays)) in enumerate(zip(layers, saved)):
        arrays = _convert(layer, arrays, version, backend)
        problem = _check_shapes(layer, arrays, file_name, path)
        if problem:
            raise ValueError(f"Weight count/shape mismatch for layer #{k} (named {layer.name} in the "
                             f"current model, {file_name} in the save file {path}). {problem}")
        plan.append((layer, arrays))
    return plan


def _match_by_name(model, saved, version, backend, path, skip_mismatch) -> list:
    index: Dict[str, list] = {}
    for layer in _model_layers(model):
        index.setdefault(layer.name, []).append(layer)
    plan = []
    for file_name, arrays in saved:
        for layer in index.get(file_name, []):
            if not arrays and not _weights_of(layer):
                continue
            converted = _convert(layer, arrays, version, backend)
            problem = _check_shapes(layer, converted, file_name, path)
            if problem:
                if skip_mismatch:
                    warnings.warn(f"Skipping loading weights for layer #{len(plan)} (named "
                                  f"{layer.name}) due to mismatch: {problem}")
                    continue
                raise ValueError(f"Layer {layer.name!r}: cannot load weights from {path}. {problem}")
            plan.append((layer, converted))
    return plan


def load_weights(model, path, by_name: bool = False, skip_mismatch: bool = False) -> None:
    """``model.load_weights('x.h5')`` for weight files and full-model files alike (`path` may be
    an open ``h5py.File``)."""
    with _opened(path) as (f, path):
        g = _weights_root(f, path)
        if g is None:
            from . import keras3_format
            keras3_format.load_weights_from_h5(model, f, path)
            return
        _ensure_built(model, path)
        load_weights_from_group(g, model, path, by_name=by_name, skip_mismatch=skip_mismatch)


def _ensure_built(model, path: str) -> None:
    if not getattr(model, "built", True) and not _weights_of(model):
        raise ValueError(f"Unable to load weights from {path} into the unbuilt model "
                         f"{model.name!r}: build it first (call it on data or model.build(input_shape)).")


def read_model_config(f, path: str) -> dict:
    raw = f.attrs.get("model_config")
    if raw is None:
        if "layer_names" in f.attrs or "layer_names0" in f.attrs:
            raise ValueError(f"No model config found in the file at {path}: it holds only weights "
                             "(save_weights). Build the model in code, then call "
                             "model.load_weights(path).")
        raise ValueError(f"No model config found in the file at {path}: it is an HDF5 file but not "
                         "a Keras model file.")
    try:
        return json.loads(text(raw))
    except ValueError as e:
        raise file_checks.CorruptFileError(f"{path}: the model_config attribute is not valid JSON "
                                           f"({e}).") from None


def _opened(path):
    """Context manager: (h5py object, name for messages) for a path or an open h5py File."""
    import contextlib
    h5py = _h5py()
    if isinstance(path, h5py.Group):
        return contextlib.nullcontext((path, path.file.filename))

    @contextlib.contextmanager
    def opener():
        with open_h5(path) as f:
            yield f, path
    return opener()


def load_model(path, custom_objects: Optional[dict] = None, compile: bool = True):
    """``load_model('x.h5')``: rebuild the model, load weights, compile and restore the optimizer."""
    with _opened(path) as (f, path):
        config = read_model_config(f, path)
        if "model_weights" not in f:
            raise ValueError(f"{path}: the file has a model config but no 'model_weights' group.")
        version, _ = _file_versions(f)
        if version.startswith("3."):  # Keras 3's legacy .h5 writer stores Keras 3 configs
            from .keras3_format import from_keras3_config
            config = from_keras3_config(config)
        from .load_context import building_for_load
        with building_for_load():  # every weight is overwritten below: no need to initialize
            model = model_config.model_from_dict(config, custom_objects)
        load_weights_from_group(f["model_weights"], model, path)
        if not compile:
            return model
        raw = f.attrs.get("training_config")
        if raw is None:
            warnings.warn("No training configuration found in the save file, so the model was "
                          "*not* compiled. Compile it manually.")
            return model
        from . import compile_config
        compile_config.compile_from_training_config(model, json.loads(text(raw)), custom_objects)
        if "optimizer_weights" in f:
            names, values = _read_subset(f["optimizer_weights"], path)
            compile_config.restore_optimizer_state(model, values, names)
    return model
