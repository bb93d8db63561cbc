"""``training_config``: what ``compile`` was given, saved with a model and replayed on loading.

tf.keras 2.21 writes ``{"loss", "metrics", "weighted_metrics", "loss_weights", "optimizer_config"}``
(Keras 2.0-2.2 also ``sample_weight_mode``). Optimizers are written as tf.keras *legacy*
optimizers (a config without ``is_legacy_optimizer``), whose update formulas and weight order are the ones
used here, so tf.keras restores their state too. Reading accepts tf.keras 2.11+'s new optimizers
(``"Custom>Adam"``, interleaved slot order) and Keras 1/2.0 configs. AdamW, Adafactor and Lion,
which exist only among the 2.11+ optimizers, are written and read as tf.keras writes them.
"""
import inspect
import warnings
from typing import Optional

import numpy as np

from ..engine import registry


# ---------------------------------------------------------------- writing
def _serialize_fn(obj):
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [_serialize_fn(o) for o in obj]
    if isinstance(obj, dict) and "class_name" not in obj:
        return {k: _serialize_fn(v) for k, v in obj.items()}
    if hasattr(obj, "get_config") and not inspect.isfunction(obj):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    if hasattr(obj, "__name__"):
        return obj.__name__
    return obj


def _metrics_arg(container, output_names, attr: str):
    if container is None:
        return None
    per_output = getattr(container, attr, None)
    if per_output is None:
        return None
    per_output = [list(m) if isinstance(m, (list, tuple)) else ([] if m is None else [m])
                  for m in per_output]
    if not any(per_output):
        return None
    if len(per_output) == 1:
        return _serialize_fn(per_output[0])
    return {name: _serialize_fn(m) for name, m in zip(output_names, per_output) if m}


def optimizer_config(optimizer) -> dict:
    if getattr(optimizer, "_current_only", False):
        # AdamW, Adafactor, Lion exist only among tf.keras 2.11+'s optimizers: written as that
        # Keras writes them ("Custom>AdamW"), with their variables in its order
        from .. import optimizers
        return optimizers.serialize(optimizer)
    # No "is_legacy_optimizer" key: tf.keras then builds its legacy optimizer, whose formulas
    # and state layout are the ones used here.
    config = dict(optimizer.get_config())
    config.pop("is_legacy_optimizer", None)
    return {"class_name": type(optimizer).__name__, "config": config}


def training_config(model) -> Optional[dict]:
    """The ``training_config`` dict of a compiled model; None when it was never compiled."""
    if not getattr(model, "_is_compiled", False) or getattr(model, "optimizer", None) is None:
        return None
    saved = getattr(model, "_compile_config", None)
    names = list(getattr(model, "output_names", None) or ["output_1"])
    if saved is not None:  # the engine kept compile()'s own arguments
        loss, metrics = saved.get("loss"), saved.get("metrics")
        weighted, loss_weights = saved.get("weighted_metrics"), saved.get("loss_weights")
    else:
        loss = model.loss
        metrics = _metrics_arg(model.compiled_metrics, names, "_metrics_arg")
        weighted = _metrics_arg(model.compiled_metrics, names, "_weighted_arg")
        weights = getattr(model.compiled_loss, "loss_weights", None)
        loss_weights = None if not weights or all(w == 1.0 for w in weights) else list(weights)
    return {"loss": _serialize_fn(loss), "metrics": _serialize_fn(metrics),
            "weighted_metrics": _serialize_fn(weighted), "loss_weights": loss_weights,
            "optimizer_config": optimizer_config(model.optimizer)}


# ---------------------------------------------------------------- reading
def _deserialize_loss(value, custom_objects):
    from .. import losses
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and "class_name" in value:
        return losses.deserialize(_strip_module(value), custom_objects)
    if isinstance(value, dict):
        return {k: _deserialize_loss(v, custom_objects) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deserialize_loss(v, custom_objects) for v in value]
    return value


def _strip_module(spec: dict) -> dict:
    return {"class_name": spec["class_name"], "config": spec.get("config", {})}


def _deserialize_metric(value, custom_objects):
    from .. import metrics
    if value is None:
        return value
    if isinstance(value, str):  # a custom metric saved by its function name
        return (custom_objects or {}).get(value, value)
    if isinstance(value, dict) and "class_name" in value:
        if value["class_name"] == "MeanMetricWrapper":
            cfg = value.get("config", {})
            for candidate in (cfg.get("name"), cfg.get("fn")):
                if isinstance(candidate, str):
                    try:
                        metrics.get(candidate)
                        return candidate
                    except ValueError:
                        continue
        return metrics.deserialize(_strip_module(value), custom_objects)
    if isinstance(value, dict):
        return {k: _deserialize_metric(v, custom_objects) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deserialize_metric(v, custom_objects) for v in value]
    return value


def _per_output_metrics(value, output_names):
    """tf.keras writes metrics as one list per output: turn that back into compile()'s form."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        if len(value) == 1:
            return value[0]
        if len(value) == len(output_names):
            return {n: v for n, v in zip(output_names, value) if v}
    return value


# tf.keras 2.11+ and Keras 3 optimizer arguments with no effect at their default values
# (weight_decay is implemented here, and passed on)
_NEW_OPTIMIZER_ONLY = {"use_ema": False, "ema_momentum": None,
                       "ema_overwrite_frequency": None, "jit_compile": None,
                       "loss_scale_factor": None, "gradient_accumulation_steps": None}


def deserialize_optimizer(spec: dict, custom_objects: Optional[dict] = None):
    """An optimizer from a saved config of any Keras version."""
    from .. import optimizers
    class_name = spec.get("class_name", "")
    if class_name.startswith("Custom>"):
        class_name = class_name[len("Custom>"):]
    config = dict(spec.get("config", {}))
    for key in _NEW_OPTIMIZER_ONLY:
        if key in config:
            value = config.pop(key)
            if value not in (None, False) and key in ("use_ema", "gradient_accumulation_steps"):
                warnings.warn(f"The saved {class_name} optimizer uses {key}={value!r}, which the "
                              "Keras 2 legacy optimizers here do not implement; it is ignored.")
    for key in [k for k, v in config.items() if v is None and k in ("clipnorm", "clipvalue", "global_clipnorm")]:
        config.pop(key)
    if "learning_rate" in config and isinstance(config["learning_rate"], dict) \
            and "module" in config["learning_rate"]:
        config["learning_rate"] = _strip_module(config["learning_rate"])
    return optimizers.deserialize({"class_name": class_name, "config": config}, custom_objects)


def compile_from_training_config(model, config: dict, custom_objects: Optional[dict] = None) -> None:
    """Compile `model` as the saved ``training_config`` says."""
    optimizer = deserialize_optimizer(config["optimizer_config"], custom_objects)
    names = list(getattr(model, "output_names", None) or ["output_1"])
    kwargs = dict(loss=_deserialize_loss(config.get("loss"), custom_objects),
                  metrics=_per_output_metrics(_deserialize_metric(config.get("metrics"), custom_objects), names),
                  loss_weights=config.get("loss_weights"))
    weighted = _deserialize_metric(config.get("weighted_metrics"), custom_objects)
    if weighted:
        kwargs["weighted_metrics"] = _per_output_metrics(weighted, names)
    if config.get("sample_weight_mode") is not None:
        kwargs["sample_weight_mode"] = config["sample_weight_mode"]
    model.compile(optimizer=optimizer, **kwargs)


def _to_legacy_order(values, n_params):
    """tf.keras 2.11+ optimizers interleave slots per variable (m0, v0, m1, v1...); the legacy
    order used here groups them by slot (m0, m1..., v0, v1...)."""
    rest = values[1:]
    if n_params == 0 or len(rest) % n_params:
        return values
    slots = len(rest) // n_params
    return [values[0]] + [rest[p * slots + s] for s in range(slots) for p in range(n_params)]


def _grouped_to_optimizer_order(optimizer, values):
    """Values grouped slot by slot (m0, m1..., v0, v1..., as ``.keras`` state reaches
    ``restore_optimizer_state``) -> the order of an optimizer that shows its variables
    parameter by parameter (tf.keras 2.11+'s AdamW, Adafactor, Lion)."""
    layout = optimizer._layout()
    present = set(layout[1:])
    grouped = [layout[0]] + [(name, i) for name in optimizer._slot_names
                             for i in range(len(optimizer._params)) if (name, i) in present]
    if len(values) != len(grouped):
        return values  # the shape check that follows reports the mismatch
    position = {entry: k for k, entry in enumerate(grouped)}
    return [values[position[entry]] for entry in layout]


def _from_keras22_layout(values, current):
    """Keras 2.0-2.2 layouts: Adam also stored one (1,)-shaped ``vhat`` per parameter when
    amsgrad was off, and some optimizers (RMSprop, Adagrad, Adadelta) stored no iteration count."""
    n_extra = len(values) - len(current)
    if n_extra > 0 and all(np.shape(v) == (1,) for v in values[-n_extra:]):
        values = values[:-n_extra]
    if len(values) == len(current) - 1 and all(np.shape(a) == np.shape(b) for a, b in zip(values, current[1:])):
        values = [np.asarray(current[0])] + values
    return values


def optimizer_weights_keras_layout(model) -> list:
    """``model.optimizer.get_weights()``: the legacy order files use, every slot already in its
    parameter's Keras layout (the optimizer converts, with its parameters' converters)."""
    return [np.asarray(v) for v in model.optimizer.get_weights()]


def restore_optimizer_state(model, values, names=None, per_variable: Optional[bool] = None) -> bool:
    """Set the optimizer's state from saved arrays when the shapes match; warn otherwise.

    `values` start with the iteration count; their slots are either grouped slot by slot
    (tf.keras legacy optimizers: m0, m1..., v0, v1...) or given variable by variable
    (tf.keras 2.11+ and Keras 3: m0, v0, m1, v1...). `per_variable` says which; by default the
    file's `names` tell (``'iteration:0'`` first: variable by variable)."""
    optimizer = model.optimizer
    prepare = getattr(model, "_prepare_training", None)
    try:
        if callable(prepare):
            prepare()
        current = optimizer_weights_keras_layout(model)
    except Exception as e:  # noqa: BLE001 - state restoring is best effort, as in Keras
        warnings.warn(f"Error when creating the weights of optimizer {type(optimizer).__name__} "
                      f"({e}); the model starts with a freshly initialized optimizer.")
        return False
    values = [np.asarray(v) for v in values]
    if per_variable is None:
        per_variable = bool(names) and names[0].split("/")[-1] == "iteration:0"  # tf.keras 2.11+
    if getattr(optimizer, "_current_only", False):
        if not per_variable:
            values = _grouped_to_optimizer_order(optimizer, values)
    elif per_variable:
        values = _to_legacy_order(values, len(getattr(optimizer, "_params", [])))
    values = _from_keras22_layout(values, current)
    if len(values) != len(current) or any(np.shape(a) != np.shape(b) for a, b in zip(values, current)):
        warnings.warn("Error in loading the saved optimizer state (it has "
                      f"{len(values)} arrays, this optimizer {len(current)} or their shapes differ). "
                      "As a result, your model is starting with a freshly initialized optimizer.")
        return False
    optimizer.set_weights(values)
    return True
