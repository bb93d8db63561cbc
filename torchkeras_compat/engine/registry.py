"""The one registry of names -> classes and functions, and Keras's custom-object scopes.

Every resolvable thing (layer, activation, initializer, regularizer, constraint, loss, metric,
optimizer) registers under its Keras names with ``@register(kind, *aliases)``. ``lookup`` turns a
name into the object, honouring ``custom_objects`` first, and fails with a did-you-mean hint.
"""
import difflib
import threading
from typing import Any, Callable, Dict, Optional

_TABLES: Dict[str, Dict[str, Any]] = {}
_GLOBAL_CUSTOM_OBJECTS: Dict[str, Any] = {}
_scope = threading.local()


def register(kind: str, *names: str) -> Callable:
    """Class/function decorator: make the object findable as `kind` under its own name and `names`."""
    def deco(obj):
        table = _TABLES.setdefault(kind, {})
        for name in (obj.__name__,) + names:
            table[name] = obj
        return obj
    return deco


def names(kind: str):
    return sorted(_TABLES.get(kind, {}))


def _scoped_objects() -> Dict[str, Any]:
    merged = dict(_GLOBAL_CUSTOM_OBJECTS)
    for objs in getattr(_scope, "stack", []):
        merged.update(objs)
    return merged


def lookup(kind: str, name: str, custom_objects: Optional[dict] = None, what: Optional[str] = None):
    """Resolve `name` of `kind`; raise ValueError naming it and the closest known names."""
    for source in (custom_objects or {}, _scoped_objects(), _TABLES.get(kind, {})):
        if name in source:
            return source[name]
    table = _TABLES.get(kind, {})
    candidates = list(table) + list(_scoped_objects()) + list(custom_objects or {})
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    what = what or kind
    raise ValueError(f"Unknown {what}: {name!r}.{hint} If this is a custom {what}, pass it in "
                     f"`custom_objects` or register it with `keras.utils.get_custom_objects()`.")


def get_custom_objects() -> Dict[str, Any]:
    """The global dict of user objects; add entries to make names resolvable everywhere."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """``with CustomObjectScope({'MyLayer': MyLayer}):`` makes those names resolvable inside."""

    def __init__(self, *args: dict):
        self.custom_objects = args

    def __enter__(self):
        stack = getattr(_scope, "stack", None)
        if stack is None:
            stack = _scope.stack = []
        merged = {}
        for objs in self.custom_objects:
            merged.update(objs or {})
        stack.append(merged)
        return self

    def __exit__(self, *exc):
        _scope.stack.pop()
        return False


def custom_object_scope(*args: dict) -> CustomObjectScope:
    return CustomObjectScope(*args)


def serialize(obj, module: Optional[str] = None) -> Any:
    """Keras's form of an object in a config: {'class_name', 'config'} or a plain name.

    With ``module`` (e.g. 'keras.initializers') the form is tf.keras 2.21's, which adds 'module'
    and 'registered_name' (None for built-ins, the class name for user classes).
    """
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        out = {"class_name": type(obj).__name__, "config": obj.get_config()}
        if module is not None:
            builtin = type(obj).__module__.startswith(__name__.split(".")[0])
            user_module = type(obj).__module__
            out = {"module": module if builtin else (None if user_module == "__main__" else user_module), **out,
                   "registered_name": None if builtin else type(obj).__name__}
        return out
    if hasattr(obj, "__name__"):
        return obj.__name__
    raise ValueError(f"Cannot serialize {obj!r}: it has neither get_config() nor a __name__.")


def deserialize(kind: str, identifier, custom_objects: Optional[dict] = None, what: Optional[str] = None):
    """Inverse of `serialize`: a name or a {'class_name', 'config'} dict -> the object."""
    if isinstance(identifier, dict):
        cls = lookup(kind, identifier["class_name"], custom_objects, what)
        config = identifier.get("config", {})
        if hasattr(cls, "from_config"):
            try:
                return cls.from_config(config, custom_objects=custom_objects)
            except TypeError:
                return cls.from_config(config)
        return cls(**config)
    return lookup(kind, identifier, custom_objects, what)
