"""Model configs: Functional and Sequential ``get_config``/``from_config`` and ``to_json``.

The dicts follow tf.keras 2.21. A Functional config lists every layer with ``name`` and
``inbound_nodes`` (each node: ``[[layer_name, node_index, tensor_index, kwargs], ...]``) plus
``input_layers``/``output_layers``; a Sequential config lists its layers. Reading also accepts the
older forms found in files: Keras 2.0-2.2 Sequential configs that are a bare list of layers,
``"Model"`` for ``"Functional"``, Keras 1 nodes without kwargs, and Keras 3's node form.

Node indices: like Keras, a nested model's own first node (its internal input) is counted, so
the first call of a nested Functional/Sequential model inside another is node 1.
"""
import inspect
import json
from typing import Any, Dict, List, Optional

import numpy as np

from ..engine import op_layer as _op_layer  # noqa: F401 - registers TFOpLambda/SlicingOpLambda
from ..engine import registry

KERAS_VERSION = "2.21.0"
BACKEND = "tensorflow"

# Keys tf.keras writes (or older Keras wrote) that do not change what a layer computes here
# (speed or bookkeeping only). They are dropped when the layer class does not take them.
HARMLESS_KEYS = frozenset({
    "implementation", "optional", "unroll", "autocast", "dynamic", "batch_size", "input_dtype",
    "build_config", "compile_config", "consume_less", "input_dim", "input_length", "synchronized",
    "fused", "seed", "module", "registered_name", "shared_object_id", "type_spec",
    "renorm_momentum", "quantization_config", "lora_rank", "lora_alpha", "lora_enabled", "use_cudnn",
})
# Keys that are harmless only at these values; other values change the computation, and a layer
# class that does not take them cannot honour them.
HARMLESS_AT_DEFAULT = {"time_major": False, "ragged": False, "sparse": False, "renorm": False,
                       "renorm_clipping": None, "virtual_batch_size": None, "adjustment": None,
                       "zero_output_for_mask": None, "reset_after_legacy": None,
                       "use_gate": False, "sliding_window": None, "rms_scaling": False}


# ---------------------------------------------------------------- layer (de)serialization
# Built-in classes that tf.keras 2.21 does not export under keras.layers: their module and
# registered name as it writes them
_PRIVATE_CLASSES = {"TFOpLambda": "tf_keras.src.layers.core.tf_op_layer",
                    "SlicingOpLambda": "tf_keras.src.layers.core.tf_op_layer",
                    "Functional": "tf_keras.src.engine.functional"}


def _module_of(layer) -> Optional[str]:
    from ..engine.functional import Functional
    from ..engine.sequential import Sequential
    if type(layer).__name__ in _PRIVATE_CLASSES and type(layer).__module__.startswith("torchkeras_compat"):
        return _PRIVATE_CLASSES[type(layer).__name__]
    if isinstance(layer, Functional):
        return "keras" if isinstance(layer, Sequential) else _PRIVATE_CLASSES["Functional"]
    mod = type(layer).__module__
    if mod.startswith("torchkeras_compat.layers") or mod.startswith("torchkeras_compat.engine"):
        return "keras.layers"
    return None


def _registered_name(layer) -> Optional[str]:
    module = _module_of(layer)
    if module in _PRIVATE_CLASSES.values():
        return "Functional" if module.endswith("functional") else type(layer).__name__
    return None if module else type(layer).__name__


def _plain(value):
    """Tuples -> lists, numpy scalars -> Python, recursively (what a JSON round trip gives)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _build_input_shape(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    for node in nodes:
        if node.input_tensors:
            return _plain(node.input_shapes)
    return None


def serialize_layer(layer, legacy: bool = False, nested_legacy: bool = True) -> dict:
    """``{"class_name", "config"}`` (legacy/.h5 form) or tf.keras 2.21's JSON form with
    ``module``/``registered_name``/``build_config``."""
    try:
        if _is_graph_model(layer) and not legacy:
            # tf.keras writes the layers of a model nested in a Functional model in the short
            # (legacy) form, those of a model nested in a Sequential in the full form
            config = model_to_dict(layer, legacy=nested_legacy)["config"]
        else:
            config = layer.get_config()
    except NotImplementedError as e:
        raise NotImplementedError(f"Layer {layer.name!r} ({type(layer).__name__}) cannot be saved to a "
                                  f"config: {e}") from None
    class_name = type(layer).__name__
    if class_name == "Functional" or (class_name == "Model" and "layers" in config):
        class_name = "Functional"
    if legacy:
        return {"class_name": class_name, "config": config}
    out = {"module": _module_of(layer), "class_name": class_name, "config": config,
           "registered_name": _registered_name(layer)}
    shape = _build_input_shape(layer)
    if shape is not None and getattr(layer, "built", False) and not _is_input_layer(layer):
        out["build_config"] = {"input_shape": shape}
    return out


def _is_graph_model(layer) -> bool:
    from ..engine.functional import Functional
    return isinstance(layer, Functional)


def _is_input_layer(layer) -> bool:
    from ..engine.input_layer import InputLayer
    return isinstance(layer, InputLayer)


def _accepted_params(cls) -> Optional[set]:
    """Argument names `cls.__init__` takes, or None when it takes **kwargs beyond the base's."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        init = getattr(init, "__wrapped__", init)
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return None
        names.update(p for p, v in params.items() if v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL))
        if not any(v.kind == v.VAR_KEYWORD for v in params.values()):
            return names
        if klass.__module__.startswith("torch"):
            return names
    return names


def strip_harmless_keys(cls, config: dict) -> dict:
    """Drop keys from HARMLESS_KEYS that `cls` does not take (tf.keras extras, old Keras extras)."""
    from ..engine.base_layer import _BASE_KWARGS
    config = dict(config)
    accepted = _accepted_params(cls)
    if accepted is None:
        return config
    accepted = accepted | set(_BASE_KWARGS)
    for key in list(config):
        if key in accepted:
            continue
        if key == "module" and "function_type" in config:
            continue  # a Lambda's: the module its function was saved from (for its globals)
        if key in HARMLESS_KEYS:
            config.pop(key)
        elif key in HARMLESS_AT_DEFAULT:
            value = config.pop(key)
            if value not in (HARMLESS_AT_DEFAULT[key], None, False) and key != "zero_output_for_mask":
                raise ValueError(f"Layer {config.get('name')!r} ({cls.__name__}) is saved with "
                                 f"{key}={value!r}, which this implementation does not support.")
    return config


_KERAS1_REGULARIZERS = {"WeightRegularizer", "L1L2Regularizer", "ActivityRegularizer"}


def _keras1_object(value):
    """Keras 1 wrote regularizers/constraints as ``{"name": "L1L2Regularizer", "l1": .., "l2": ..}``."""
    if not (isinstance(value, dict) and "name" in value and "class_name" not in value):
        return value
    name = value["name"]
    args = {k: v for k, v in value.items() if k != "name"}
    if name in _KERAS1_REGULARIZERS:
        return {"class_name": "L1L2", "config": {"l1": float(args.get("l1", 0.0)),
                                                  "l2": float(args.get("l2", 0.0))}}
    if name == "MaxNorm" and "m" in args:
        args["max_value"] = args.pop("m")
    if name == "MinMaxNorm" and "low" in args:
        args["min_value"], args["max_value"] = args.pop("low"), args.pop("high")
    return {"class_name": name, "config": args}


def keras1_config_fixups(class_name: str, config: dict) -> dict:
    """Keras 1 config values the argument-renaming table cannot express (values change form)."""
    if class_name in ("Merge", "merge"):
        raise ValueError("This file uses Keras 1's `Merge` layer, which Keras 2 removed. Rebuild the "
                         "model with the functional API (keras.layers.add/concatenate/... on "
                         "keras.Input tensors) and load the weights with model.load_weights(path).")
    config = dict(config)
    if "input_dtype" in config:
        dtype = config.pop("input_dtype")
        config.setdefault("dtype", dtype)
    if "forget_bias_init" in config:
        init = config.pop("forget_bias_init")
        config.setdefault("unit_forget_bias", isinstance(init, str) and init.startswith("one"))
    for key, value in list(config.items()):
        if key.endswith(("regularizer", "constraint")) and isinstance(value, dict):
            config[key] = _keras1_object(value)
    return config


def _function_names(value):
    """tf.keras 2.13+ and Keras 3 write a plain function (a custom activation, say) as
    ``{"module": "builtins", "class_name": "function", "config": "name", ...}``; the layers
    take its name."""
    if isinstance(value, dict):
        if value.get("class_name") == "function" and isinstance(value.get("config"), str):
            return value["config"]
        return {k: _function_names(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_function_names(v) for v in value]
    return value


_NESTED_LAYER_KEYS = ("layer", "backward_layer", "cell", "cells")


def _strip_nested_layers(config: dict, custom_objects: Optional[dict]) -> dict:
    """Drop harmless extras from the configs of layers held by wrappers and RNNs
    (``Bidirectional(layer=...)``, ``RNN(cell=...)``), which build them from their own config."""
    for key in _NESTED_LAYER_KEYS:
        value = config.get(key)
        specs = value if isinstance(value, list) else [value]
        stripped = []
        for spec in specs:
            if isinstance(spec, dict) and isinstance(spec.get("config"), dict) and "class_name" in spec:
                try:
                    cls = registry.lookup("layer", spec["class_name"], custom_objects, "layer")
                except ValueError:
                    stripped.append(spec)
                    continue
                inner = strip_harmless_keys(cls, keras1_config_fixups(spec["class_name"], spec["config"]))
                spec = dict(spec, config=_strip_nested_layers(inner, custom_objects))
            stripped.append(spec)
        if key in config:
            config[key] = stripped if isinstance(value, list) else stripped[0]
    return config


def deserialize_layer(spec: dict, custom_objects: Optional[dict] = None):
    """Build a layer (or a nested model) from ``{"class_name", "config"}``."""
    if not isinstance(spec, dict) or "class_name" not in spec:
        raise ValueError(f"Not a layer config (expected a dict with 'class_name' and 'config'): {spec!r:.200}")
    class_name = spec["class_name"]
    config = spec.get("config", {})
    if str(spec.get("module") or "").startswith("keras.src.ops"):  # a Keras 3 operation node
        return _op_layer.TFOpLambda.from_keras3_op(class_name, config)
    if class_name in ("Merge", "merge"):
        keras1_config_fixups(class_name, config)
    registered = spec.get("registered_name")
    if registered and registered != class_name:  # Keras 3 / tf.keras 2.13+: "package>Name"
        try:
            cls = registry.lookup("layer", registered, custom_objects, "layer")
        except ValueError:
            cls = registry.lookup("layer", class_name, custom_objects, "layer")
    else:
        cls = registry.lookup("layer", class_name, custom_objects, "layer")
    if class_name in ("Model", "Functional") and isinstance(config, dict) and "layers" not in config:
        raise ValueError(f"Layer config of class {class_name!r} has no 'layers'; a subclassed model "
                         "cannot be rebuilt from a config. Load its weights into a model built in code.")
    if isinstance(config, dict):
        config = _function_names(config)
        config = strip_harmless_keys(cls, keras1_config_fixups(class_name, config))
        config = _strip_nested_layers(config, custom_objects)
    from_config = getattr(cls, "from_config", None)
    if from_config is None:
        return cls(**config)
    if "custom_objects" in inspect.signature(from_config).parameters:
        return from_config(config, custom_objects=custom_objects)
    with registry.CustomObjectScope(custom_objects or {}):
        return from_config(config)


# ---------------------------------------------------------------- Functional
def _skips_first_node(layer) -> bool:
    """Keras counts a nested model's own internal node as node 0 (see the module docstring)."""
    from ..engine.functional import Functional
    from ..engine.sequential import Sequential
    if isinstance(layer, Sequential):
        return layer._input_tensor is not None
    return isinstance(layer, Functional)


def _network_nodes(model) -> set:
    """ids of the nodes that belong to `model`'s graph."""
    ids = set()
    for step in model._plan:
        ids.add(id(step.node))
    for t in model.inputs:
        layer, ni, _ = t._history
        ids.add(id(layer._inbound_nodes[ni]))
    return ids


def _node_index_map(model) -> Dict[int, int]:
    """id(node) -> the node index written in the config (counting only this model's nodes)."""
    members = _network_nodes(model)
    mapping = {}
    for layer in model.layers:
        kept = 1 if _skips_first_node(layer) else 0
        if _is_input_layer(layer):
            kept = 0
        for node in layer._inbound_nodes:
            if id(node) in members:
                mapping[id(node)] = kept
                kept += 1
    return mapping


def _tensor_ref(t, index_map) -> list:
    layer, ni, ti = t._history
    node = layer._inbound_nodes[ni]
    return [layer.name, index_map.get(id(node), 0), ti]


def _serialize_kwargs(node, index_map) -> dict:
    from ..engine.keras_tensor import KerasTensor
    kwargs = {k: v for k, v in node.call_kwargs.items() if k != "__args__"}
    extra = node.call_kwargs.get("__args__", ())
    if extra:
        try:
            names = [p for p in inspect.signature(node.layer.call).parameters][1:]
        except (TypeError, ValueError):
            names = []
        for name, value in zip(names, extra):
            kwargs[name] = value

    def convert(v):
        if isinstance(v, KerasTensor):
            return _tensor_ref(v, index_map)
        if isinstance(v, (list, tuple)):
            return [convert(x) for x in v]
        if isinstance(v, dict):
            return {k: convert(x) for k, x in v.items()}
        if isinstance(v, np.ndarray):
            return v.tolist()
        if hasattr(v, "detach"):
            return v.detach().cpu().numpy().tolist()
        return v

    out = convert(kwargs)
    try:
        json.dumps(out)
    except TypeError:
        raise TypeError(f"Layer {node.layer.name} was passed non-JSON-serializable arguments "
                        f"{ {k: type(v).__name__ for k, v in kwargs.items()} }; such a model cannot be "
                        "saved to a config.") from None
    return out


def _serialize_node(node, index_map):
    from ..engine.keras_tensor import KerasTensor
    kwargs = _serialize_kwargs(node, index_map)

    def first_arg(v):
        if isinstance(v, KerasTensor):
            return _tensor_ref(v, index_map) + [kwargs]
        if isinstance(v, (list, tuple)):
            return [first_arg(x) for x in v]
        if isinstance(v, dict):
            return {k: first_arg(x) for k, x in v.items()}
        return ["_CONSTANT_VALUE", -1, _plain(v), kwargs]

    data = first_arg(node.inputs)
    if isinstance(node.inputs, KerasTensor) and not isinstance(node.layer, _op_layer.TFOpLambda):
        data = [data]  # tf.keras keeps a TFOpLambda's single input unwrapped (its input structure)
    return data


def functional_config(model, legacy: bool = False) -> dict:
    """tf.keras 2.21's ``get_config()`` of a Functional model."""
    index_map = _node_index_map(model)
    members = _network_nodes(model)
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer, legacy=legacy)
        nodes = [] if _is_input_layer(layer) else [
            _serialize_node(n, index_map) for n in layer._inbound_nodes if id(n) in members]
        entry["name"] = layer.name
        entry["inbound_nodes"] = nodes
        layers.append(entry)

    def refs(structure, tensors):
        flat = [_tensor_ref(t, index_map) for t in tensors]
        if isinstance(structure, dict):
            it = iter(flat)
            return {k: next(it) for k in structure}
        return flat

    inputs = refs(model._nested_inputs, model.inputs)
    outputs = refs(model._nested_outputs, model.outputs)
    config = {"name": model.name, "trainable": model.trainable, "layers": layers,
              "input_layers": inputs, "output_layers": outputs}
    return config


def _is_tensor_ref(v) -> bool:
    return (isinstance(v, (list, tuple)) and len(v) in (3, 4) and isinstance(v[0], str)
            and isinstance(v[1], int) and isinstance(v[2], int)
            and (len(v) == 3 or isinstance(v[3], dict)))


def _is_constant_ref(v) -> bool:
    """``["_CONSTANT_VALUE", -1, value, kwargs]``: a TFOpLambda's constant first argument."""
    return isinstance(v, (list, tuple)) and len(v) in (3, 4) and v[0] == "_CONSTANT_VALUE"


def _keras3_ref(v):
    """Keras 3 writes ``{"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}``."""
    if isinstance(v, dict) and v.get("class_name") == "__keras_tensor__":
        return list(v["config"]["keras_history"])
    return None


def _normalize_node(node_data):
    """Any node form -> (first-arg structure of refs, kwargs dict)."""
    if isinstance(node_data, dict) and "args" in node_data:  # Keras 3
        args = node_data.get("args", [])
        kwargs = node_data.get("kwargs", {}) or {}

        def conv(v):
            ref = _keras3_ref(v)
            if ref is not None:
                return ref
            if isinstance(v, (list, tuple)):
                return [conv(x) for x in v]
            if isinstance(v, dict):
                return {k: conv(x) for k, x in v.items()}
            return v

        first = conv(args[0]) if args else []
        kwargs = {k: v for k, v in kwargs.items() if not (k == "mask" and v is None)}
        kwargs = conv(kwargs)
        if len(args) > 1:  # further positional arguments, e.g. MultiHeadAttention(query, value)
            kwargs["__args__"] = [conv(a) for a in args[1:]]
        return first, kwargs
    if isinstance(node_data, dict):
        kwargs = {}
        for v in node_data.values():
            if _is_tensor_ref(v) and len(v) == 4:
                kwargs = v[3]
        return {k: v[:3] for k, v in node_data.items()}, kwargs
    if _is_tensor_ref(node_data) or _is_constant_ref(node_data):  # a single one, not wrapped
        node_data = [node_data]
    refs, kwargs = [], {}
    for item in node_data:
        if _is_tensor_ref(item):
            refs.append(list(item[:3]))
            if len(item) == 4:
                kwargs = item[3] or {}
        elif isinstance(item, (list, tuple)) and item and item[0] == "_CONSTANT_VALUE":
            refs.append(("_CONSTANT_VALUE", item[2]))
            if len(item) == 4:
                kwargs = item[3] or {}
        else:
            raise ValueError(f"Cannot read node data {item!r:.200} in the model config.")
    return (refs[0] if len(refs) == 1 else refs), kwargs


class _GraphBuilder:
    """Recreate a functional graph from a config by calling each layer on its inbound tensors."""

    def __init__(self, config: dict, custom_objects: Optional[dict]):
        self.config = config
        self.custom_objects = custom_objects
        self.layers: Dict[str, Any] = {}
        self.node_index_map: Dict[tuple, int] = {}
        self.node_count: Dict[str, int] = {}

    def tensor(self, ref):
        if isinstance(ref, tuple) and ref and ref[0] == "_CONSTANT_VALUE":
            return ref[1]
        name, ni, ti = ref[0], ref[1], ref[2]
        layer = self.layers.get(name)
        if layer is None:
            raise KeyError(name)
        if _is_input_layer(layer):
            real = 0
        else:
            real = self.node_index_map.get((name, ni))
            if real is None:
                raise KeyError(name)
        from ..engine.keras_tensor import flatten
        return flatten(layer._inbound_nodes[real].outputs)[ti]

    def resolve(self, structure):
        if isinstance(structure, tuple) and structure and structure[0] == "_CONSTANT_VALUE":
            return structure[1]
        if _is_tensor_ref(structure):
            return self.tensor(structure)
        if isinstance(structure, list):
            return [self.resolve(s) for s in structure]
        if isinstance(structure, dict):
            return {k: self.resolve(v) for k, v in structure.items()}
        return structure

    def build_layers(self) -> None:
        # Keras 3 (nodes as {"args", "kwargs"}) numbers a nested model's calls from 0; Keras 1-2
        # counted the nested model's internal node first.
        keras3 = any(isinstance(n, dict) and "args" in n
                     for spec in self.config["layers"] for n in spec.get("inbound_nodes", []))
        for spec in self.config["layers"]:
            layer = deserialize_layer(spec, self.custom_objects)
            name = spec.get("name") or spec.get("config", {}).get("name") or layer.name
            self.layers[name] = layer
            self.node_count[name] = 1 if _skips_first_node(layer) and not keras3 else 0

    def apply_node(self, name: str, node_data) -> None:
        layer = self.layers[name]
        first, kwargs = _normalize_node(node_data)
        inputs = self.resolve(first)
        kwargs = self.resolve(dict(kwargs))
        if isinstance(inputs, list) and len(inputs) == 1 and not getattr(layer, "_expects_list", False):
            inputs = inputs[0]
        extra = kwargs.pop("__args__", ())
        layer(inputs, *extra, **kwargs)
        self.node_index_map[(name, self.node_count[name])] = len(layer._inbound_nodes) - 1
        self.node_count[name] += 1

    def build_graph(self) -> None:
        pending = [(spec.get("name") or spec["config"]["name"], list(spec.get("inbound_nodes", [])))
                   for spec in self.config["layers"]]
        pending = [(n, nodes) for n, nodes in pending if nodes and not _is_input_layer(self.layers[n])]
        while pending:
            progress, still = False, []
            for name, nodes in pending:
                while nodes:
                    try:
                        self.apply_node(name, nodes[0])
                    except KeyError:
                        break
                    nodes.pop(0)
                    progress = True
                if nodes:
                    still.append((name, nodes))
            if not progress:
                missing = ", ".join(n for n, _ in still)
                raise ValueError(f"Cannot rebuild the model graph from its config: the inputs of "
                                 f"layer(s) {missing} are never produced (broken or unsupported config).")
            pending = still

    def endpoints(self, key: str):
        spec = self.config[key]
        if isinstance(spec, dict):
            return {k: self.tensor(v) for k, v in spec.items()}
        if _is_tensor_ref(spec):  # Keras 3 writes a single ref for one input
            return self.tensor(spec)
        tensors = [self.tensor(v) for v in spec]
        return tensors


def functional_from_config(cls, config: dict, custom_objects: Optional[dict] = None):
    """Rebuild a Functional model (``cls`` or a subclass) from its config."""
    if "layers" not in config or "input_layers" not in config or "output_layers" not in config:
        raise ValueError("A Functional model config needs 'layers', 'input_layers' and "
                         f"'output_layers'; got keys {sorted(config)}.")
    builder = _GraphBuilder(config, custom_objects)
    builder.build_layers()
    builder.build_graph()
    inputs = builder.endpoints("input_layers")
    outputs = builder.endpoints("output_layers")
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    from ..engine.functional import Functional
    target = cls if isinstance(cls, type) and issubclass(cls, Functional) else Functional
    from ..engine.sequential import Sequential
    if issubclass(target, Sequential):
        target = Functional
    model = target(inputs=inputs, outputs=outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model


# ---------------------------------------------------------------- Sequential
def sequential_config(model, legacy: bool = False) -> dict:
    """tf.keras 2.21's ``get_config()`` of a Sequential model (InputLayer first when known)."""
    layers = []
    if model._input_tensor is not None:
        layers.append(serialize_layer(model._input_tensor._history[0], legacy=legacy))
    for layer in model._stack:
        layers.append(serialize_layer(layer, legacy=legacy, nested_legacy=legacy))
    return {"name": model.name, "layers": layers}


def sequential_from_config(cls, config, custom_objects: Optional[dict] = None):
    """Rebuild a Sequential; also accepts Keras 2.0-2.2's bare list of layer configs."""
    if isinstance(config, list):
        name, specs = None, config
    else:
        name, specs = config.get("name"), config.get("layers", [])
    from ..engine.sequential import Sequential
    target = cls if isinstance(cls, type) and issubclass(cls, Sequential) else Sequential
    model = target(name=name)
    for spec in specs:  # an InputLayer first (tf.keras 2.4+) fixes the input shape
        model.add(deserialize_layer(spec, custom_objects))
    if not model.built and model._stack:
        build_input_shape = config.get("build_input_shape") if isinstance(config, dict) else None
        if build_input_shape:
            model.build(tuple(build_input_shape))
    return model


# ---------------------------------------------------------------- whole-model configs
def model_class_name(model) -> str:
    from ..engine.sequential import Sequential
    from ..engine.functional import Functional
    if isinstance(model, Sequential):
        return "Sequential"
    if isinstance(model, Functional):
        return "Functional" if type(model) is Functional else type(model).__name__
    return type(model).__name__


def require_graph_model(model, what: str) -> None:
    """Whole-model files need a Functional or Sequential model (as tf.keras's HDF5 format)."""
    from ..engine.functional import Functional
    if not isinstance(model, Functional):
        raise NotImplementedError(
            f"{what} requires the model to be a Functional model or a Sequential model. It does not "
            "work for subclassed models, because such models are defined via the body of a Python "
            "method, which isn't safely serializable. Use model.save_weights(...) (or "
            "torch.save(model.state_dict(), ...)) and rebuild the model in code to load them.")


def model_to_dict(model, legacy: bool = False) -> dict:
    """``{"class_name", "config"}`` of a model; `legacy` gives the .h5 form."""
    from ..engine.sequential import Sequential
    from ..engine.functional import Functional
    if isinstance(model, Sequential) and type(model).get_config is Sequential.get_config:
        config = sequential_config(model, legacy=legacy)
    elif isinstance(model, Functional) and type(model).get_config is Functional.get_config:
        config = functional_config(model, legacy=legacy)
    else:
        config = model.get_config()
    return {"class_name": model_class_name(model), "config": _plain(config)}


def to_json(model, **kwargs) -> str:
    """``model.to_json()``: tf.keras 2.21's JSON with keras_version and backend."""
    data = _plain(model_to_dict(model, legacy=False))
    data = {"class_name": data["class_name"], "config": data["config"],
            "keras_version": KERAS_VERSION, "backend": BACKEND}
    return json.dumps(data, default=_json_default, **kwargs)


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, bytes):
        return obj.decode("utf-8")
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"Not JSON serializable: {obj!r}")


def model_from_dict(data: dict, custom_objects: Optional[dict] = None):
    """Build a model (or layer) from ``{"class_name", "config"}``, any Keras version's form."""
    if not isinstance(data, dict) or "class_name" not in data:
        raise ValueError("Not a Keras model config: expected a dict with 'class_name' and 'config'.")
    return deserialize_layer(data, custom_objects)
