"""``keras.saving``'s object (de)serialization helpers and custom-object registration (tf.keras 2.13+).

``@register_keras_serializable(package="MyPkg")`` makes a class loadable from files under
``"MyPkg>ClassName"`` (and its plain class name, as older files wrote it). The lookups themselves
go through the one registry (engine/registry.py).
"""
import inspect
from typing import Any, Callable, Optional

from ..engine import registry

_REGISTERED_NAMES = {}  # object -> "package>name"
_KINDS = ("layer", "activation", "initializer", "regularizer", "constraint", "loss", "metric", "optimizer")


def register_keras_serializable(package: str = "Custom", name: Optional[str] = None) -> Callable:
    """Class/function decorator: register `obj` as ``package>name`` in the custom objects."""
    def decorator(obj):
        key = name if name is not None else obj.__name__
        registered = f"{package}>{key}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        custom = registry.get_custom_objects()
        custom[registered] = obj
        custom.setdefault(key, obj)  # files from older versions name the class alone
        _REGISTERED_NAMES[obj] = registered
        return obj
    return decorator


def get_registered_name(obj) -> str:
    """``"package>name"`` for a registered object, else its ``__name__``."""
    if obj in _REGISTERED_NAMES:
        return _REGISTERED_NAMES[obj]
    return obj.__name__


def get_registered_object(name: str, custom_objects: Optional[dict] = None,
                          module_objects: Optional[dict] = None) -> Any:
    """The object registered (or passed) under `name`, or None."""
    for source in (custom_objects or {}, registry._scoped_objects(), module_objects or {}):
        if name in source:
            return source[name]
    return None


def serialize_keras_object(instance) -> Any:
    """``{"module", "class_name", "config", "registered_name"}`` for objects with get_config,
    the name for functions, None for None."""
    if instance is None:
        return None
    if isinstance(instance, (str, int, float, bool)):
        return instance
    cls = instance if inspect.isclass(instance) else type(instance)
    if hasattr(instance, "get_config") and not inspect.isclass(instance):
        registered = _REGISTERED_NAMES.get(cls)
        module = None if registered else _public_module(cls)
        return {"module": module, "class_name": cls.__name__, "config": instance.get_config(),
                "registered_name": registered}
    if hasattr(instance, "__name__"):
        return get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance!r}: it has neither get_config() nor a __name__.")


def _public_module(cls) -> Optional[str]:
    module = cls.__module__
    if module.startswith("torchkeras_compat."):
        part = module.split(".")[1]
        return {"engine": "keras.layers"}.get(part, f"keras.{part}")
    return module


def deserialize_keras_object(config, custom_objects: Optional[dict] = None,
                             module_objects: Optional[dict] = None,
                             printable_module_name: str = "object", **kwargs) -> Any:
    """Inverse of `serialize_keras_object`: searches custom objects, then every registry kind."""
    if config is None:
        return None
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        if found is not None:
            return found
        return _lookup_any(config, custom_objects, printable_module_name)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized {printable_module_name}: {config!r:.200}")
    names = [n for n in (config.get("registered_name"), config["class_name"]) if n]
    cls = None
    for n in names:
        cls = get_registered_object(n, custom_objects, module_objects)
        if cls is not None:
            break
    if cls is None:
        cls = _lookup_any(config["class_name"], custom_objects, printable_module_name)
    inner = config.get("config", {})
    if hasattr(cls, "from_config"):
        if "custom_objects" in inspect.signature(cls.from_config).parameters:
            return cls.from_config(inner, custom_objects=custom_objects)
        with registry.CustomObjectScope(custom_objects or {}):
            return cls.from_config(inner)
    return cls(**inner)


def _lookup_any(name: str, custom_objects, what: str):
    for kind in _KINDS:
        try:
            return registry.lookup(kind, name, custom_objects, what)
        except ValueError:
            continue
    raise ValueError(f"Unknown {what}: {name!r}. Please ensure you are using a `keras.utils."
                     "custom_object_scope` and that this object is included in the scope, or "
                     "register it with `@keras.saving.register_keras_serializable()`.")
