"""General helpers (``keras.utils.generic_utils``): the progress bar, custom-object scopes,
object (de)serialization and small list/function utilities.

``Progbar`` prints exactly what Keras 2 printed:

    verbose=1 (redrawn in place):  `  3/32 [==>...........................] - ETA: 1s - loss: 0.6931`
    verbose=1 at the end:          `32/32 [==============================] - 0s 2ms/step - loss: 0.6931`
    verbose=2 (one line at the end): `32/32 - 0s - loss: 0.6931 - 12ms/epoch - 375us/step`
"""
import binascii
import codecs
import inspect
import marshal
import os
import re
import sys
import time
import types
from typing import Any, Iterable, List, Optional, Sequence as SequenceT, Tuple

import numpy as np

from torchkeras_compat.engine.registry import (  # noqa: F401  (re-exported, Keras 2.2 path)
    CustomObjectScope, custom_object_scope, get_custom_objects)
from torchkeras_compat.utils.io_utils import print_msg

__all__ = ["Progbar", "CustomObjectScope", "custom_object_scope", "get_custom_objects",
           "serialize_keras_object", "deserialize_keras_object", "get_registered_name",
           "to_list", "unpack_singleton", "has_arg", "func_dump", "func_load", "to_snake_case",
           "slice_arrays", "make_batches"]


def _as_number(value):
    """A metric value as a python float (0-d tensors/arrays) or a numpy array (larger ones)."""
    if hasattr(value, "detach"):  # torch tensor, without importing torch here
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value
    return float(value)


def _format_duration(seconds: float, unit_name: str) -> str:
    """' 12ms/step', ' 2s/epoch', ' 375us/step': the unit Keras picks for a duration."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _num_digits(target: int) -> int:
    return int(np.log10(target)) + 1 if target and target > 0 else 1


class Progbar:
    """A console progress bar with running averages of metrics.

    Args:
        target: total number of steps expected, None if unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (bar redrawn in place), 2 (one line when finished).
        interval: minimum seconds between two redraws with ``verbose=1``.
        stateful_metrics: names of metrics shown as given instead of averaged over steps.
        unit_name: what a step is called in the timing ('step', 'sample', ...).
    """

    def __init__(self, target: Optional[int], width: int = 30, verbose: int = 1,
                 interval: float = 0.05, stateful_metrics: Optional[Iterable[str]] = None,
                 unit_name: str = "step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        # Keras redraws in place ('\r') when it believes a terminal or notebook is attached.
        self._dynamic_display = ((hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
                                 or "ipykernel" in sys.modules
                                 or "posix" in sys.modules
                                 or "PYCHARM_HOSTED" in os.environ)
        self._total_width = 0
        self._seen_so_far = 0
        self._values = {}  # name -> [weighted sum, weight]
        self._values_order: List[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end = None
        self._time_after_first_step = None

    def update(self, current: int, values: Optional[SequenceT[Tuple[str, Any]]] = None,
               finalize: Optional[bool] = None, force: bool = False) -> None:
        """Move the bar to step `current`.

        Args:
            current: index of the current step.
            values: `(name, value_for_last_step)` pairs. Values of names in `stateful_metrics`
                are shown as given; the others are averaged over the steps seen so far.
                Values may be python numbers, numpy scalars or 0-d torch tensors.
            finalize: whether this is the last update; None means `current >= target`.
            force: redraw even within `interval` of the last redraw (Keras 1 / 2.0 argument).
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target
        self._accumulate(current, values or [])
        self._seen_so_far = current

        now = time.time()
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            if now - self._last_update < self.interval and not (finalize or force):
                return
            self._draw_bar(current, now, finalize)
        elif self.verbose == 2 and finalize:
            self._print_summary_line(current, now)
        self._last_update = now

    def add(self, n: int, values: Optional[SequenceT[Tuple[str, Any]]] = None) -> None:
        """Advance the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # -- internals -------------------------------------------------------------------------

    def _accumulate(self, current: int, values) -> None:
        for name, value in values:
            value = _as_number(value)
            if name not in self._values_order:
                self._values_order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
                continue
            # Weight each value by the steps it covers; at least 1 so that a repeated final
            # update (same `current`) still counts.
            weight = max(current - self._seen_so_far, 1)
            if name not in self._values:
                self._values[name] = [value * weight, weight]
            else:
                self._values[name][0] += value * weight
                self._values[name][1] += weight

    def _average(self, name: str) -> float:
        total, count = self._values[name]
        return np.mean(total / max(1, count))

    def _draw_bar(self, current: int, now: float, finalize: bool) -> None:
        previous_width = self._total_width
        message = ("\b" * previous_width + "\r") if self._dynamic_display else "\n"

        if self.target is not None:
            bar = ("%" + str(_num_digits(self.target)) + "d/%d [") % (current, self.target)
            filled = int(self.width * float(current) / self.target) if self.target else self.width
            if filled > 0:
                bar += "=" * (filled - 1) + (">" if current < self.target else "=")
            bar += "." * (self.width - filled) + "]"
        else:
            bar = "%7d/Unknown" % current
        self._total_width = len(bar)
        message += bar

        time_per_unit = self._step_duration(current, now)
        if self.target is None or finalize:
            info = f" - {now - self._start:.0f}s" + _format_duration(time_per_unit, self.unit_name)
        else:
            info = " - ETA: " + _format_eta(time_per_unit * (self.target - current))
        for name in self._values_order:
            avg = self._average(name)
            info += f" - {name}: {avg:.4f}" if abs(avg) > 1e-3 else f" - {name}: {avg:.4e}"

        self._total_width += len(info)
        if previous_width > self._total_width:  # blank out leftovers of a longer previous line
            info += " " * (previous_width - self._total_width)
        if finalize:
            info += "\n"
        print_msg(message + info, line_break=False)

    def _print_summary_line(self, current: int, now: float) -> None:
        if self.target is None:  # Keras 2 crashed here; show the step count alone
            count = "%d" % current
        else:
            count = ("%" + str(_num_digits(self.target)) + "d/%d") % (current, self.target)
        info = count + f" - {now - self._start:.0f}s"
        for name in self._values_order:
            avg = self._average(name)
            # Keras 2 tests `avg > 1e-3` here (not abs), so negative values print as 1e-notation.
            info += f" - {name}: {avg:.4f}" if avg > 1e-3 else f" - {name}: {avg:.4e}"
        if self._time_at_epoch_end:
            epoch_time = self._time_at_epoch_end - self._time_at_epoch_start
            info += " -" + _format_duration(epoch_time, "epoch")
            info += " -" + _format_duration(epoch_time / (self.target or 1), self.unit_name)
            info += "\n"
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
        print_msg(info, line_break=False)

    def _step_duration(self, current: int, now: float) -> float:
        """Seconds per step; the first step (often slow: warm-up) is left out once possible."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step


# -- (de)serialization of named objects ------------------------------------------------------

_REGISTRY_KINDS = ("layer", "activation", "initializer", "regularizer", "constraint", "loss",
                   "metric", "optimizer")


def get_registered_name(obj) -> str:
    """The name `obj` is saved under: ``"package>name"`` once registered with
    `register_keras_serializable`, else its class or function name."""
    from torchkeras_compat.saving.serialization import get_registered_name as registered_name

    if not hasattr(obj, "__name__"):
        obj = type(obj)
    return registered_name(obj)


def serialize_keras_object(instance):
    """Keras's form of an object in a config: `{'class_name', 'config'}` or a plain name."""
    from torchkeras_compat.engine import registry

    return registry.serialize(instance)


def _resolve(name: str, module_objects, custom_objects, printable_module_name: str):
    from torchkeras_compat.engine import registry

    known = dict(module_objects or {})
    known.update(custom_objects or {})
    if module_objects is not None:
        # `lookup` searches custom objects, then the active scopes; an unused kind adds nothing
        return registry.lookup("_module_objects", name, known, printable_module_name)
    for kind in _REGISTRY_KINDS:
        try:
            return registry.lookup(kind, name, known, printable_module_name)
        except ValueError:
            continue
    return registry.lookup("_module_objects", name, known, printable_module_name)


def deserialize_keras_object(identifier, module_objects: Optional[dict] = None,
                             custom_objects: Optional[dict] = None,
                             printable_module_name: str = "object"):
    """Inverse of `serialize_keras_object`.

    `identifier` is a name or a `{'class_name': ..., 'config': ...}` dict. Names are looked up
    in `custom_objects`, the active `custom_object_scope`s and `get_custom_objects()`, then in
    `module_objects` (or every registered kind when it is None).
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"Improper config format for {printable_module_name}: {identifier}. "
                             "Expected a dict with 'class_name' and 'config'.")
        cls = _resolve(identifier["class_name"], module_objects, custom_objects,
                       printable_module_name)
        config = identifier["config"]
        if hasattr(cls, "from_config"):
            if has_arg(cls.from_config, "custom_objects"):
                return cls.from_config(config, custom_objects=dict(custom_objects or {}))
            with CustomObjectScope(custom_objects or {}):
                return cls.from_config(config)
        with CustomObjectScope(custom_objects or {}):
            return cls(**config)
    if isinstance(identifier, str):
        return _resolve(identifier, module_objects, custom_objects, printable_module_name)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r}")


# -- small utilities that Keras 2.2 code imports from here -----------------------------------

def to_list(x, allow_tuple: bool = False) -> list:
    """`x` as a list: lists pass through (and tuples, with `allow_tuple`), anything else is wrapped."""
    if isinstance(x, list):
        return x
    if allow_tuple and isinstance(x, tuple):
        return list(x)
    return [x]


def unpack_singleton(x):
    """The only element of a one-element list/tuple, else `x` unchanged."""
    if isinstance(x, (list, tuple)) and len(x) == 1:
        return x[0]
    return x


def has_arg(fn, name: str, accept_all: bool = False) -> bool:
    """Whether `fn` can be called with the keyword `name` (`accept_all`: a `**kwargs` counts)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if accept_all and any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return True
    param = params.get(name)
    return param is not None and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY)


def func_dump(func) -> Tuple[str, Optional[tuple], Optional[tuple]]:
    """A python function as `(base64 marshalled code, defaults, closure values)`.

    This is the form Keras stores `Lambda` functions in model configs.
    """
    raw = marshal.dumps(func.__code__)
    if os.name == "nt":
        raw = raw.replace(b"\\", b"/")
    code = codecs.encode(raw, "base64").decode("ascii")
    closure = tuple(cell.cell_contents for cell in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def _make_cell(value):
    return (lambda: value).__closure__[0]


def func_load(code, defaults=None, closure=None, globs: Optional[dict] = None):
    """Inverse of `func_dump`; `code` may also be the whole `(code, defaults, closure)` triple."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(c if isinstance(c, types.CellType) else _make_cell(c) for c in closure)
    try:
        raw = codecs.decode(code.encode("ascii"), "base64")
    except (UnicodeEncodeError, binascii.Error):
        raw = code.encode("raw_unicode_escape")
    try:
        code_obj = marshal.loads(raw)
    except (ValueError, EOFError, TypeError) as e:
        raise ValueError("Cannot load the function stored in this config: it was marshalled by "
                         "a different Python version. Re-create the Lambda layer in code, or "
                         "pass the function via `custom_objects`.") from e
    if globs is None:
        globs = globals()  # as Keras: the function sees this module's names (np, ...)
    return types.FunctionType(code_obj, globs, name=code_obj.co_name, argdefs=defaults,
                              closure=closure)


def to_snake_case(name: str) -> str:
    """'MyLayerName' -> 'my_layer_name' (the rule Keras uses for default layer names)."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def make_batches(size: int, batch_size: int) -> List[Tuple[int, int]]:
    """`(start, end)` index pairs covering `range(size)` in batches of `batch_size`."""
    num_batches = (size + batch_size - 1) // batch_size
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(num_batches)]


def slice_arrays(arrays, start=None, stop=None):
    """Rows `start:stop` (or the rows listed in `start`) of an array or a list of arrays."""
    if arrays is None:
        return [None]
    if isinstance(arrays, list):
        if hasattr(start, "__len__"):
            return [None if a is None else a[start] for a in arrays]
        return [None if a is None else a[start:stop] for a in arrays]
    if hasattr(start, "__len__"):
        return arrays[start]
    return arrays[start:stop]
