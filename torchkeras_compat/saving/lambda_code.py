"""Python functions inside configs (Lambda layers), and the safe-mode switch that guards them.

tf.keras 2 stores a Lambda's ``function`` three ways (``function_type``):

- ``"lambda"``: the function's marshalled bytecode, base64 text, as ``(code, defaults, closure)``;
- ``"function"``: the name of a function, found again in ``custom_objects`` or in ``module``;
- ``"raw"``: the value as is (used for ``output_shape`` tuples).

Turning stored bytecode back into a function runs code written by whoever made the file, so
loading it is refused unless the caller opted in with ``safe_mode=False`` (as Keras 3 does). The
switch is thread-local and applies to ``.h5``, ``.keras`` and JSON loads alike.
"""
import binascii
import codecs
import contextlib
import importlib
import marshal
import sys
import threading
import types
from typing import Any, Callable, Iterator, Optional, Tuple

_state = threading.local()
_unsafe_globally = False

UNSAFE_LAMBDA_MESSAGE = (
    "Requested the deserialization of a Lambda layer ({name!r}) whose Python `lambda` is stored "
    "in the file as bytecode. Loading it runs that code, so a file from an untrusted source could "
    "execute arbitrary code on this machine; it is therefore disallowed by default. If you trust "
    "the source of the saved model, pass `safe_mode=False` to the loading function "
    "(load_model / model_from_json / model_from_config) or call "
    "`keras.config.enable_unsafe_deserialization()`, and the Lambda layer will be loaded.")


# ---------------------------------------------------------------- the safe-mode switch
def in_safe_mode() -> bool:
    """True unless a loading call passed ``safe_mode=False`` (or unsafe loading was enabled)."""
    if _unsafe_globally:
        return False
    return getattr(_state, "safe_mode", True)


@contextlib.contextmanager
def safe_mode_scope(safe_mode: Optional[bool]) -> Iterator[None]:
    """Within the block, stored lambdas are refused (True) or loaded (False); None keeps the
    enclosing setting."""
    previous = getattr(_state, "safe_mode", True)
    if safe_mode is not None:
        _state.safe_mode = bool(safe_mode)
    try:
        yield
    finally:
        _state.safe_mode = previous


def enable_unsafe_deserialization() -> None:
    """Allow stored lambdas everywhere in this process (Keras 3's ``keras.config`` switch)."""
    global _unsafe_globally
    _unsafe_globally = True


# ---------------------------------------------------------------- writing
def func_dump(fn: Callable) -> Tuple[str, Any, Any]:
    """``(base64 marshalled code, defaults, closure cell values)`` as tf.keras 2 writes them."""
    code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return code, fn.__defaults__, closure


def _serialize_callable(fn) -> Tuple[Any, str, Optional[str]]:
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        return func_dump(fn), "lambda", fn.__module__
    if callable(fn):
        return fn.__name__, "function", getattr(fn, "__module__", None)
    return fn, "raw", None


def serialize_function(fn: Callable) -> dict:
    """The ``function``/``function_type``/``module`` keys of a Lambda config."""
    if not callable(fn):
        raise ValueError(f"Lambda's `function` must be callable; received {fn!r}.")
    value, kind, module = _serialize_callable(fn)
    return {"function": value, "function_type": kind, "module": module}


def serialize_output_shape(output_shape) -> Tuple[Any, str]:
    """``(output_shape, output_shape_type)`` of a Lambda config."""
    if output_shape is None:
        return None, "raw"
    value, kind, _ = _serialize_callable(output_shape)
    return value, kind


def output_shape_module(output_shape) -> Optional[str]:
    """The ``output_shape_module`` key tf.keras writes next to the two above."""
    if output_shape is None or not callable(output_shape):
        return None
    return getattr(output_shape, "__module__", None)


# ---------------------------------------------------------------- reading
def func_load(code, globs: Optional[dict] = None) -> Callable:
    """Rebuild a function from ``func_dump``'s tuple (also Keras 1's raw-unicode-escape text)."""
    defaults = closure = None
    if isinstance(code, (tuple, list)):
        if len(code) == 3:
            code, defaults, closure = code
        elif len(code) == 1:
            code = code[0]
        else:
            raise ValueError(f"Cannot read the stored lambda: expected (code, defaults, closure), got "
                             f"{len(code)} items.")
        if isinstance(defaults, list):
            defaults = tuple(defaults)
    try:
        raw = codecs.decode(code.encode("ascii"), "base64")
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raw = code.encode("raw_unicode_escape")  # Keras 1 wrote the bytes this way
    try:
        code_obj = marshal.loads(raw)
    except (ValueError, EOFError, TypeError) as e:
        raise ValueError(
            "Cannot load the Lambda layer's stored bytecode: it was written by a different Python "
            f"version (this is Python {sys.version_info.major}.{sys.version_info.minor}) or is "
            f"corrupt ({e}). Recreate the model in code and load only its weights "
            "(model.load_weights), or pass the function in `custom_objects`.") from None
    if not isinstance(code_obj, types.CodeType):
        raise ValueError("The Lambda layer's stored bytecode does not hold a code object.")
    cells = tuple(_make_cell(v) for v in closure) if closure else None
    return types.FunctionType(code_obj, globs if globs is not None else globals(),
                              name=code_obj.co_name, argdefs=defaults, closure=cells)


def _make_cell(value):
    return (lambda: value).__closure__[0]


def _module_globals(module: Optional[str]) -> dict:
    """The globals a stored function runs with: those of the module it was saved from when that
    module is loaded or importable here (usually ``__main__``, the running script), over
    stand-ins for the names such code usually calls (``K.*``, ``tf.*``)."""
    import torch
    from .. import backend
    from .tf_functions import TFNamespace
    globs = {"K": backend, "backend": backend, "torch": torch, "tf": TFNamespace(),
             "__builtins__": __builtins__}
    found = None
    if module and module in sys.modules:
        found = sys.modules[module]
    elif module:
        try:
            found = importlib.import_module(module)
        except Exception:  # the module of the saving script is usually not importable here
            found = None
    if found is not None:
        globs.update(vars(found))
    return globs


def deserialize_function(value, kind: str, module: Optional[str], custom_objects: Optional[dict],
                         layer_name: str, what: str = "function"):
    """Inverse of `serialize_function` for one value; refuses bytecode in safe mode."""
    if kind == "function":
        from ..engine import registry
        objects = dict(registry._scoped_objects())
        objects.update(custom_objects or {})
        if value in objects:
            return objects[value]
        globs = _module_globals(module)
        if value in globs:
            return globs[value]
        import builtins
        if hasattr(builtins, value):
            return getattr(builtins, value)
        raise ValueError(f"Lambda layer {layer_name!r}: the {what} {value!r} (module {module!r}) "
                         "is not known here. Pass it in `custom_objects={" + repr(value) + ": ...}`.")
    if kind == "lambda":
        if in_safe_mode():
            raise ValueError(UNSAFE_LAMBDA_MESSAGE.format(name=layer_name))
        return func_load(value, globs=_module_globals(module))
    if kind == "raw":
        return value
    raise ValueError(f"Lambda layer {layer_name!r}: unknown {what} type {kind!r} "
                     "(expected 'lambda', 'function' or 'raw').")


def lambda_from_config(cls, config: dict, custom_objects: Optional[dict] = None):
    """Build a Lambda layer from its config (tf.keras 2, Keras 1 or Keras 3 form)."""
    config = dict(config)
    name = config.get("name", "lambda")
    function = config.pop("function")
    if isinstance(function, dict) and function.get("class_name") == "__lambda__":
        # Keras 3 .keras form: {"class_name": "__lambda__", "config": {"code": ..., "defaults":..., "closure":...}}
        inner = function.get("config", {})
        function = (inner.get("code"), inner.get("defaults"), inner.get("closure"))
        kind = "lambda"
    else:
        kind = config.pop("function_type", "lambda" if isinstance(function, (list, tuple)) else "function")
    module = config.pop("module", None)
    config.pop("function_type", None)
    config["function"] = deserialize_function(function, kind, module, custom_objects, name)
    output_shape = config.pop("output_shape", None)
    shape_kind = config.pop("output_shape_type", "raw")
    shape_module = config.pop("output_shape_module", None)
    if isinstance(output_shape, dict) and output_shape.get("class_name") == "__lambda__":
        inner = output_shape.get("config", {})
        output_shape, shape_kind = (inner.get("code"), inner.get("defaults"), inner.get("closure")), "lambda"
    output_shape = deserialize_function(output_shape, shape_kind, shape_module, custom_objects, name,
                                        what="output_shape")
    if shape_kind == "raw" and isinstance(output_shape, list):
        output_shape = tuple(output_shape)
    config["output_shape"] = output_shape
    if "mask" in config and isinstance(config["mask"], (list, tuple)) and len(config["mask"]) == 3:
        if in_safe_mode():
            raise ValueError(UNSAFE_LAMBDA_MESSAGE.format(name=name))
        config["mask"] = func_load(config["mask"], globs=_module_globals(module))
    config.pop("mask_type", None)
    return cls(**config)
