"""TensorFlow functions named in tf.keras files, run with torch; and torch calls named as TF ones.

tf.keras 2 turns a TF function applied to symbolic tensors (``inputs / 255.0``, ``tf.concat``,
``tf.nn.relu(x)``, ``x[:, 0]``) into a ``TFOpLambda`` (``SlicingOpLambda`` for indexing) layer.
Its config names the function by its TF path without the ``tf.`` prefix (``"math.truediv"``,
``"__operators__.add"``, ``"nn.relu"``, ``"compat.v1.transpose"``); the node passes the first
argument as the layer's input and every other argument by its TF parameter name (``y``,
``axis``, ``keepdims``, ``slice_spec``...).

``TF_FUNCTIONS`` maps those names to torch implementations that take TF's parameter names and
follow TF's semantics (reductions over ``axis``, ``perm``, ``paddings``, ``num_or_size_splits``...).
``to_tf_call`` goes the other way: a torch operation recorded on symbolic tensors here
(``x / 255.``, ``K.mean(x, axis=1)``, ``torch.cat``) becomes the TF function name and arguments
that tf.keras would have recorded, so that such models save in a form tf.keras loads.
"""
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F

from ..backend import config


class TFFunction:
    """One TF function: its parameter names (TF's order) and a torch implementation taking them."""

    def __init__(self, params: List[str], impl: Callable):
        self.params = params
        self.impl = impl

    @property
    def takes_list(self) -> bool:
        """True when the first argument is a list of tensors (concat, stack, add_n)."""
        return self.params[0] in ("values", "inputs")


TF_FUNCTIONS: Dict[str, TFFunction] = {}


def _define(names: str, params: str, impl: Callable) -> None:
    spec = TFFunction(params.split(), impl)
    for name in names.split():
        TF_FUNCTIONS[name] = spec


def lookup(name: str, layer_name: str) -> TFFunction:
    """The TF function `name` (``"math.add"``, with or without ``tf.``) or a clear error."""
    key = name[3:] if name.startswith("tf.") else name
    spec = TF_FUNCTIONS.get(key)
    if spec is None:
        import difflib
        close = difflib.get_close_matches(key, TF_FUNCTIONS, n=1)
        hint = f" Did you mean 'tf.{close[0]}'?" if close else ""
        raise ValueError(
            f"Layer {layer_name!r} applies the TensorFlow function 'tf.{key}' (a TFOpLambda layer "
            f"saved by tf.keras), which torchkeras_compat cannot run.{hint} Replace the operation "
            "with a Keras layer or a Lambda layer in the original model and save it again, or "
            "rebuild the model in code and load only its weights.")
    return spec


# ---------------------------------------------------------------- helpers (TF semantics)
def _tensor(value, like: Optional[torch.Tensor] = None) -> torch.Tensor:
    """A Python number/list (or array) as a tensor; takes `like`'s dtype, as TF converts
    constants to the other operand's dtype."""
    if torch.is_tensor(value):
        return value
    if like is not None:
        return torch.as_tensor(value, dtype=like.dtype, device=like.device)
    t = torch.as_tensor(value)
    return t.to(config.torch_dtype()) if t.is_floating_point() else t


def _pair(x, y) -> Tuple[torch.Tensor, torch.Tensor]:
    if torch.is_tensor(x):
        return x, _tensor(y, x)
    y = _tensor(y)
    return _tensor(x, y), y


def _binary(fn: Callable) -> Callable:
    def impl(x, y, name=None):
        a, b = _pair(x, y)
        return fn(a, b)
    return impl


def _truediv(x, y, name=None):
    a, b = _pair(x, y)
    if not a.is_floating_point():  # TF: int32/int16 -> float64... for true division
        a, b = a.to(torch.float64), b.to(torch.float64)
    return a / b


def _dims(axis, ndim: int) -> Optional[List[int]]:
    if axis is None:
        return None
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    if torch.is_tensor(axes):
        axes = axes.tolist()
    return sorted(int(a) % ndim for a in axes)


def _reduce(fn: Callable) -> Callable:
    def impl(input_tensor, axis=None, keepdims=False, name=None):
        x = _tensor(input_tensor)
        dims = _dims(axis, x.ndim)
        if dims is None:
            dims = list(range(x.ndim))
        if not dims:
            return x
        return fn(x, dims, bool(keepdims))
    return impl


def _prod(x, dims, keepdim):
    for d in sorted(dims, reverse=True):
        x = x.prod(dim=d, keepdim=keepdim)
    return x


def _reshape(tensor, shape, name=None):
    shape = shape.tolist() if torch.is_tensor(shape) else shape
    return _tensor(tensor).reshape([-1 if s is None else int(s) for s in shape])


def _squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002 - TF's name
    axis = squeeze_dims if axis is None else axis
    x = _tensor(input)
    if axis is None:
        return x.squeeze()
    for d in sorted(_dims(axis, x.ndim), reverse=True):
        if x.shape[d] != 1:
            raise ValueError(f"tf.squeeze: cannot squeeze axis {d} of size {x.shape[d]}.")
        x = x.squeeze(d)
    return x


def _transpose(a, perm=None, name="transpose", conjugate=False):
    x = _tensor(a)
    perm = list(reversed(range(x.ndim))) if perm is None else [int(p) for p in perm]
    return x.permute(*perm)


def _split(value, num_or_size_splits, axis=0, num=None, name="split"):
    x = _tensor(value)
    axis = int(axis) % x.ndim
    if isinstance(num_or_size_splits, int):
        return list(torch.chunk(x, num_or_size_splits, dim=axis))
    sizes = [int(s) for s in num_or_size_splits]
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    return list(torch.split(x, sizes, dim=axis))


def _unstack(value, num=None, axis=0, name="unstack"):
    return list(torch.unbind(_tensor(value), dim=int(axis)))


def _pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    x = _tensor(tensor)
    flat = []
    for before, after in reversed([list(p) for p in paddings]):
        flat += [int(before), int(after)]
    mode = mode.upper()
    if mode == "CONSTANT":
        return F.pad(x, flat, mode="constant", value=float(constant_values))
    raise ValueError(f"tf.pad with mode={mode!r} is not supported here; only mode='CONSTANT'.")


def _cast(x, dtype, name=None):
    dtype = dtype.get("config", {}).get("name") if isinstance(dtype, dict) else dtype
    return _tensor(x).to(config.torch_dtype(str(dtype)))


def _matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
            a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    a, b = _pair(a, b)
    if transpose_a or adjoint_a:
        a = a.transpose(-1, -2)
    if transpose_b or adjoint_b:
        b = b.transpose(-1, -2)
    return torch.matmul(a, b)


def _softmax(fn: Callable) -> Callable:
    def impl(logits, axis=None, name=None, dim=None):
        axis = dim if axis is None else axis
        return fn(_tensor(logits), dim=-1 if axis is None else int(axis))
    return impl


def _l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    x = _tensor(x)
    axis = dim if axis is None else axis
    dims = _dims(axis, x.ndim) or list(range(x.ndim))
    square_sum = x.square().sum(dim=dims, keepdim=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=epsilon))


def _gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    x = _tensor(params)
    if batch_dims:
        raise ValueError("tf.gather with batch_dims is not supported here.")
    axis = 0 if axis is None else int(axis) % x.ndim
    idx = _tensor(indices).long().to(x.device)
    picked = x.index_select(axis, idx.reshape(-1))
    return picked.reshape(x.shape[:axis] + idx.shape + x.shape[axis + 1:])


def _one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    idx = _tensor(indices).long()
    out = F.one_hot(idx.clamp(min=0), int(depth)) * (idx >= 0).unsqueeze(-1)
    dtype = config.torch_dtype(dtype) if dtype is not None else config.torch_dtype()
    out = out.to(dtype)
    if on_value is not None or off_value is not None:
        on = 1.0 if on_value is None else on_value
        off = 0.0 if off_value is None else off_value
        out = out * (on - off) + off
    if axis is not None and int(axis) != -1:
        out = out.movedim(-1, int(axis))
    return out


def _clip(t, clip_value_min, clip_value_max, name=None):
    x = _tensor(t)
    lo, hi = _tensor(clip_value_min, x), _tensor(clip_value_max, x)
    return torch.minimum(torch.maximum(x, lo), hi)


def _where(condition, x=None, y=None, name=None):
    cond = _tensor(condition).bool()
    if x is None and y is None:
        raise ValueError("tf.where with only a condition (coordinates) is not supported here.")
    a, b = _pair(x, y)
    return torch.where(cond, a, b)


def _cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    x = _tensor(x)
    axis = int(axis)
    if reverse:
        x = x.flip(axis)
    out = x.cumsum(axis)
    if exclusive:
        out = out - x
    return out.flip(axis) if reverse else out


def _unary(fn: Callable, param: str = "x") -> Tuple[str, Callable]:
    def impl(*args, name=None, **kwargs):
        value = args[0] if args else kwargs.pop(param)
        return fn(_tensor(value))
    return param, impl


def _argext(fn: Callable) -> Callable:
    def impl(input, axis=None, output_type="int64", name=None, dimension=None):  # noqa: A002
        x = _tensor(input)
        axis = dimension if axis is None else axis
        out = fn(x, dim=0 if axis is None else int(axis))
        return out.to(config.torch_dtype(output_type if isinstance(output_type, str) else "int64"))
    return impl


def _getitem(tensor, slice_spec, var=None):
    """``x[slice_spec]`` with the spec as tf.keras writes it: ints, ``None`` (new axis),
    ``{"start", "stop", "step"}`` slices, ``{"class_name": "__ellipsis__"}``."""
    x = _tensor(tensor)
    spec = slice_spec if isinstance(slice_spec, (list, tuple)) else [slice_spec]
    return x[tuple(_index_item(s) for s in spec)]


def _index_item(item):
    if isinstance(item, dict):
        if item.get("class_name") == "__ellipsis__":
            return Ellipsis
        if item.get("class_name") == "__slice__":  # Keras 3 form
            item = item.get("config", {})
        return slice(*(_plain_index(item.get(k)) for k in ("start", "stop", "step")))
    if item is None:
        return None
    if torch.is_tensor(item):
        return item.long() if item.ndim else int(item)
    if isinstance(item, (list, tuple)):
        return torch.as_tensor(item, dtype=torch.long)
    return int(item)


def tf_slice_spec(spec):
    """A slice spec in tf.keras's JSON form; Keras 3's ``{"class_name": "__slice__", "config":
    {...}}`` and ``{"class_name": "__ellipsis__", "config": {}}`` items are rewritten."""
    if not isinstance(spec, (list, tuple)):
        return spec
    out = []
    for item in spec:
        if isinstance(item, dict) and item.get("class_name") == "__slice__":
            inner = item.get("config", {})
            item = {k: inner.get(k) for k in ("start", "stop", "step")}
        elif isinstance(item, dict) and item.get("class_name") == "__ellipsis__":
            item = {"class_name": "__ellipsis__"}
        out.append(item)
    return out


def _plain_index(v):
    if torch.is_tensor(v):
        return int(v)
    return v


_BINARY = {
    "__operators__.add math.add add": torch.add,
    "math.subtract subtract": torch.sub,
    "math.multiply multiply": torch.mul,
    "math.floordiv floordiv": lambda a, b: torch.div(a, b, rounding_mode="floor"),
    "math.floormod floormod mod math.mod": torch.remainder,
    "math.pow pow": torch.pow,
    "math.maximum maximum": torch.maximum,
    "math.minimum minimum": torch.minimum,
    "math.squared_difference": lambda a, b: (a - b).square(),
    "math.equal equal": torch.eq,
    "math.not_equal not_equal": torch.ne,
    "math.greater greater": torch.gt,
    "math.greater_equal greater_equal": torch.ge,
    "math.less less": torch.lt,
    "math.less_equal less_equal": torch.le,
    "math.logical_and logical_and": torch.logical_and,
    "math.logical_or logical_or": torch.logical_or,
    "math.logical_xor": torch.logical_xor,
    "math.divide_no_nan divide_no_nan": lambda a, b: torch.where(b == 0, torch.zeros_like(a), a / b),
}
for _names, _fn in _BINARY.items():
    _define(_names, "x y name", _binary(_fn))
_define("math.truediv truediv math.divide divide", "x y name", _truediv)

_UNARY = {
    "math.negative negative": torch.neg, "math.abs abs": torch.abs, "math.exp exp": torch.exp,
    "math.log log": torch.log, "math.sqrt sqrt": torch.sqrt, "math.rsqrt rsqrt": torch.rsqrt,
    "math.square square": torch.square, "math.sin sin": torch.sin, "math.cos cos": torch.cos,
    "math.tan tan": torch.tan, "math.sign sign": torch.sign, "math.round round": torch.round,
    "math.floor floor": torch.floor, "math.ceil ceil": torch.ceil,
    "math.reciprocal reciprocal": torch.reciprocal, "math.log1p log1p": torch.log1p,
    "math.expm1 expm1": torch.expm1, "math.erf erf": torch.erf, "math.atan atan": torch.atan,
    "math.sinh sinh": torch.sinh, "math.cosh cosh": torch.cosh,
    "math.tanh tanh nn.tanh": torch.tanh, "math.sigmoid sigmoid nn.sigmoid": torch.sigmoid,
    "math.logical_not logical_not": torch.logical_not, "math.is_nan is_nan": torch.isnan,
    "math.log_sigmoid": F.logsigmoid,
}
for _names, _fn in _UNARY.items():
    _param, _impl = _unary(_fn)
    _define(_names, f"{_param} name", _impl)
_FEATURES = {
    "nn.relu": torch.relu, "nn.relu6": lambda t: torch.clamp(t, 0.0, 6.0), "nn.elu": F.elu,
    "nn.selu": F.selu, "nn.softplus math.softplus": F.softplus, "nn.softsign math.softsign": F.softsign,
}
for _names, _fn in _FEATURES.items():
    _param, _impl = _unary(_fn, "features")
    _define(_names, f"{_param} name", _impl)
_define("nn.leaky_relu", "features alpha name",
        lambda features, alpha=0.2, name=None: F.leaky_relu(_tensor(features), float(alpha)))
_define("nn.silu nn.swish", "features beta",
        lambda features, beta=1.0, name=None: _tensor(features) * torch.sigmoid(beta * _tensor(features)))
_define("nn.gelu", "features approximate name",
        lambda features, approximate=False, name=None:
        F.gelu(_tensor(features), approximate="tanh" if approximate else "none"))
_define("nn.softmax math.softmax", "logits axis name", _softmax(F.softmax))
_define("nn.log_softmax math.log_softmax", "logits axis name", _softmax(F.log_softmax))
_define("math.l2_normalize linalg.l2_normalize nn.l2_normalize", "x axis epsilon name", _l2_normalize)
_define("identity", "input name", lambda input, name=None: _tensor(input))  # noqa: A002
_define("stop_gradient", "input name", lambda input, name=None: _tensor(input).detach())  # noqa: A002

_REDUCTIONS = {
    "math.reduce_sum reduce_sum": lambda x, d, k: x.sum(dim=d, keepdim=k),
    "math.reduce_mean reduce_mean": lambda x, d, k: x.mean(dim=d, keepdim=k),
    "math.reduce_max reduce_max": lambda x, d, k: x.amax(dim=d, keepdim=k),
    "math.reduce_min reduce_min": lambda x, d, k: x.amin(dim=d, keepdim=k),
    "math.reduce_prod reduce_prod": _prod,
    "math.reduce_std": lambda x, d, k: x.std(dim=d, keepdim=k, unbiased=False),
    "math.reduce_variance": lambda x, d, k: x.var(dim=d, keepdim=k, unbiased=False),
    "math.reduce_logsumexp reduce_logsumexp": lambda x, d, k: torch.logsumexp(x, dim=d, keepdim=k),
    "math.reduce_euclidean_norm": lambda x, d, k: x.square().sum(dim=d, keepdim=k).sqrt(),
    "math.reduce_all reduce_all": lambda x, d, k: x.bool().all(dim=d[0], keepdim=k)
    if len(d) == 1 else x.bool().flatten(d[0], d[-1]).all(dim=d[0], keepdim=k),
    "math.reduce_any reduce_any": lambda x, d, k: x.bool().any(dim=d[0], keepdim=k)
    if len(d) == 1 else x.bool().flatten(d[0], d[-1]).any(dim=d[0], keepdim=k),
}
for _names, _fn in _REDUCTIONS.items():
    _define(_names, "input_tensor axis keepdims name", _reduce(_fn))
_define("math.argmax argmax", "input axis output_type name", _argext(torch.argmax))
_define("math.argmin argmin", "input axis output_type name", _argext(torch.argmin))
_define("math.cumsum cumsum", "x axis exclusive reverse name", _cumsum)
_define("math.add_n add_n", "inputs name", lambda inputs, name=None: sum(_tensor(t) for t in inputs))

_define("reshape", "tensor shape name", _reshape)
_define("expand_dims", "input axis name",
        lambda input, axis, name=None: _tensor(input).unsqueeze(int(axis)))  # noqa: A002
_define("squeeze compat.v1.squeeze", "input axis name squeeze_dims", _squeeze)
_define("transpose compat.v1.transpose", "a perm name conjugate", _transpose)
_define("concat", "values axis name",
        lambda values, axis, name="concat": torch.cat([_tensor(v) for v in values], dim=int(axis)))
_define("stack", "values axis name",
        lambda values, axis=0, name="stack": torch.stack([_tensor(v) for v in values], dim=int(axis)))
_define("unstack", "value num axis name", _unstack)
_define("split", "value num_or_size_splits axis num name", _split)
_define("tile", "input multiples name",
        lambda input, multiples, name=None: _tensor(input).repeat(*[int(m) for m in multiples]))  # noqa: A002
_define("pad compat.v1.pad", "tensor paddings mode constant_values name", _pad)
_define("cast dtypes.cast", "x dtype name", _cast)
_define("linalg.matmul matmul", "a b transpose_a transpose_b adjoint_a adjoint_b a_is_sparse "
        "b_is_sparse output_type name", _matmul)
_define("clip_by_value", "t clip_value_min clip_value_max name", _clip)
_define("where", "condition x y name", _where)
_define("gather compat.v1.gather", "params indices validate_indices axis batch_dims name", _gather)
_define("one_hot", "indices depth on_value off_value axis dtype name", _one_hot)
_define("ones_like", "input dtype name", lambda input, dtype=None, name=None: torch.ones_like(  # noqa: A002
    _tensor(input), dtype=None if dtype is None else config.torch_dtype(dtype)))
_define("zeros_like", "input dtype name", lambda input, dtype=None, name=None: torch.zeros_like(  # noqa: A002
    _tensor(input), dtype=None if dtype is None else config.torch_dtype(dtype)))
_define("__operators__.getitem", "tensor slice_spec var", _getitem)


def _resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False, name=None):
    """tf.image.resize (TF 2: half-pixel centers) on NHWC or HWC images; output float32."""
    x = _tensor(images)
    single = x.ndim == 3
    if single:
        x = x.unsqueeze(0)
    if preserve_aspect_ratio or antialias:
        raise ValueError("tf.image.resize with preserve_aspect_ratio or antialias is not supported here.")
    modes = {"bilinear": dict(mode="bilinear", align_corners=False), "nearest": dict(mode="nearest-exact"),
             "bicubic": dict(mode="bicubic", align_corners=False)}
    if method not in modes:
        raise ValueError(f"tf.image.resize with method={method!r} is not supported here; "
                         f"use one of {sorted(modes)}.")
    out = F.interpolate(x.permute(0, 3, 1, 2).to(torch.float32), size=[int(v) for v in size], **modes[method])
    out = out.permute(0, 2, 3, 1)
    return out[0] if single else out


_define("image.resize", "images size method preserve_aspect_ratio antialias name", _resize)
SLICING_FUNCTIONS = frozenset({"__operators__.getitem"})


# ---------------------------------------------------------------- torch call -> TF call
TFCall = Tuple[str, Any, Dict[str, Any]]


def _bin(tf_name: str, reflected: bool = False) -> Callable:
    def tr(a, b):
        x, y = (b, a) if reflected else (a, b)
        return tf_name, x, {"y": _constant(y), "name": None}
    return tr


def _constant(value):
    """A constant argument as it goes into JSON: tensors and arrays as (nested) lists."""
    if torch.is_tensor(value) and not _is_symbolic(value):
        value = value.detach().cpu()
        return value.item() if value.ndim == 0 else value.tolist()
    if hasattr(value, "tolist") and not _is_symbolic(value):
        return value.tolist()
    return value


def _is_symbolic(value) -> bool:
    from ..engine.keras_tensor import KerasTensor
    return isinstance(value, KerasTensor)


def _axis(dim):
    if isinstance(dim, (list, tuple)):
        return [int(d) for d in dim] if len(dim) != 1 else int(dim[0])
    return dim


def _tr_reduce(tf_name: str) -> Callable:
    def tr(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
        return tf_name, input, {"axis": _axis(dim), "keepdims": bool(keepdim)}
    return tr


def _tr_unary(tf_name: str, operator: bool = False) -> Callable:
    """tf.keras records ``name=None`` for an operator (``-x``, ``abs(x)``), nothing for
    ``K.abs(x)``/``tf.abs(x)``."""
    def tr(input, *, out=None):  # noqa: A002
        return tf_name, input, {"name": None} if operator else {}
    return tr


def _slice_spec(index) -> list:
    items = index if isinstance(index, tuple) else (index,)
    spec = []
    for item in items:
        if isinstance(item, slice):
            spec.append({"start": _constant(item.start), "stop": _constant(item.stop),
                         "step": _constant(item.step)})
        elif item is Ellipsis:
            spec.append({"class_name": "__ellipsis__"})
        elif item is None or isinstance(item, int):
            spec.append(item)
        else:
            raise NotImplementedError(f"Indexing with {type(item).__name__} cannot be saved.")
    return spec


def _tr_getitem(x, index):
    return "__operators__.getitem", x, {"slice_spec": _slice_spec(index)}


def _tr_cat(tensors, dim=0, *, out=None):
    return "concat", list(tensors), {"axis": int(dim)}


def _tr_stack(tensors, dim=0, *, out=None):
    return "stack", list(tensors), {"axis": int(dim)}


def _tr_reshape(x, *shape):
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (list, tuple, torch.Size)) else shape
    return "reshape", x, {"shape": [int(s) for s in shape]}


def _tr_permute(x, *dims):
    dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
    return "compat.v1.transpose", x, {"perm": [int(d) for d in dims], "name": "transpose",
                                      "conjugate": False}


def _tr_squeeze(x, dim=None):
    return "compat.v1.squeeze", x, {"axis": _axis(dim), "name": None}


def _tr_clamp(x, min=None, max=None):  # noqa: A002
    if min is not None and max is not None:
        return "clip_by_value", x, {"clip_value_min": _constant(min), "clip_value_max": _constant(max)}
    if min is not None:
        return "math.maximum", x, {"y": _constant(min), "name": None}
    return "math.minimum", x, {"y": _constant(max), "name": None}


def _tr_to(x, *args, **kwargs):
    dtype = kwargs.get("dtype") or next((a for a in args if isinstance(a, torch.dtype)), None)
    if dtype is None:
        raise NotImplementedError("Tensor.to() without a dtype cannot be saved.")
    return "cast", x, {"dtype": config.dtype_name(dtype)}


def _tr_softmax(tf_name: str) -> Callable:
    def tr(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
        return tf_name, input, {"axis": -1 if dim is None else int(dim)}
    return tr


def _tr_repeat(x, *sizes):
    sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)) else sizes
    return "tile", x, {"multiples": [int(s) for s in sizes]}


_T = torch.Tensor
TORCH_TO_TF: Dict[Callable, Callable] = {
    _T.__add__: _bin("__operators__.add"), _T.__radd__: _bin("__operators__.add", True),
    _T.__sub__: _bin("math.subtract"), _T.__rsub__: _bin("math.subtract", True),
    _T.__mul__: _bin("math.multiply"), _T.__rmul__: _bin("math.multiply", True),
    _T.__truediv__: _bin("math.truediv"), _T.__rtruediv__: _bin("math.truediv", True),
    _T.__pow__: _bin("math.pow"), _T.__rpow__: _bin("math.pow", True),
    _T.__lt__: _bin("math.less"), _T.__le__: _bin("math.less_equal"),
    _T.__gt__: _bin("math.greater"), _T.__ge__: _bin("math.greater_equal"),
    _T.__matmul__: lambda a, b: ("linalg.matmul", a, {"b": _constant(b)}),
    torch.matmul: lambda a, b, *, out=None: ("linalg.matmul", a, {"b": _constant(b)}),
    _T.__getitem__: _tr_getitem,
    torch.add: lambda a, b, *, alpha=1, out=None: _bin("math.add")(a, b) if alpha == 1 else None,
    torch.mul: _bin("math.multiply"), torch.sub: _bin("math.subtract"),
    torch.div: lambda a, b, *, rounding_mode=None, out=None:
        _bin("math.truediv")(a, b) if rounding_mode is None else None,
    torch.maximum: _bin("math.maximum"), torch.minimum: _bin("math.minimum"),
    torch.pow: _bin("math.pow"), _T.pow: _bin("math.pow"),
    torch.cat: _tr_cat, torch.concat: _tr_cat, torch.stack: _tr_stack,
    torch.reshape: _tr_reshape, _T.reshape: _tr_reshape, _T.view: _tr_reshape,
    torch.unsqueeze: lambda x, dim: ("expand_dims", x, {"axis": int(dim)}),
    _T.unsqueeze: lambda x, dim: ("expand_dims", x, {"axis": int(dim)}),
    torch.squeeze: _tr_squeeze, _T.squeeze: _tr_squeeze,
    _T.permute: _tr_permute, torch.permute: _tr_permute,
    torch.clamp: _tr_clamp, _T.clamp: _tr_clamp, torch.clip: _tr_clamp,
    _T.to: _tr_to, _T.repeat: _tr_repeat,
    F.softmax: _tr_softmax("nn.softmax"), torch.softmax: _tr_softmax("nn.softmax"),
    F.log_softmax: _tr_softmax("nn.log_softmax"),
}
for _fn, _name in ((torch.exp, "math.exp"), (torch.log, "math.log"), (torch.sqrt, "math.sqrt"),
                   (torch.square, "math.square"), (torch.abs, "math.abs"), (torch.neg, "math.negative"),
                   (torch.sign, "math.sign"), (torch.round, "math.round"), (torch.sin, "math.sin"),
                   (torch.cos, "math.cos"), (torch.log1p, "math.log1p"), (torch.expm1, "math.expm1"),
                   (torch.tanh, "math.tanh"), (torch.sigmoid, "math.sigmoid"), (torch.rsqrt, "math.rsqrt"),
                   (torch.floor, "math.floor"), (torch.ceil, "math.ceil"), (torch.erf, "math.erf")):
    # tf.square (K.square) passes name=None on to the op, tf.abs/exp/sqrt... do not
    TORCH_TO_TF[_fn] = _tr_unary(_name, operator=_name == "math.square")
    method = getattr(_T, _fn.__name__, None)
    if method is not None:
        TORCH_TO_TF[method] = TORCH_TO_TF[_fn]
# after the loop above: Tensor.__neg__/__abs__ are the same objects as Tensor.neg/abs
TORCH_TO_TF[_T.__neg__] = _tr_unary("math.negative", operator=True)
TORCH_TO_TF[_T.__abs__] = _tr_unary("math.abs", operator=True)
for _fn in (torch.relu, F.relu, _T.relu):
    TORCH_TO_TF[_fn] = lambda x, inplace=False: ("nn.relu", x, {"name": None})
for _fn, _name in ((torch.sum, "math.reduce_sum"), (torch.mean, "math.reduce_mean"),
                   (torch.amax, "math.reduce_max"), (torch.amin, "math.reduce_min"),
                   (torch.prod, "math.reduce_prod"), (torch.logsumexp, "math.reduce_logsumexp")):
    TORCH_TO_TF[_fn] = _tr_reduce(_name)
    TORCH_TO_TF[getattr(_T, _fn.__name__)] = _tr_reduce(_name)


def _tr_var(input, dim=None, unbiased=True, keepdim=False, *, correction=None, out=None):  # noqa: A002
    if (correction if correction is not None else (1 if unbiased else 0)) != 0:
        return None  # TF has no sample variance
    return "math.reduce_variance", input, {"axis": _axis(dim), "keepdims": bool(keepdim)}


def _tr_argmax(tf_name: str) -> Callable:
    def tr(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
        return None if keepdim else (tf_name, input, {"axis": dim})
    return tr


def _tr_pad(input, pad, mode="constant", value=None):  # noqa: A002
    if mode != "constant":
        return None
    pairs = [[int(pad[i]), int(pad[i + 1])] for i in range(0, len(pad), 2)]
    paddings = [[0, 0]] * (input.ndim - len(pairs)) + list(reversed(pairs))
    return "pad", input, {"paddings": paddings, "mode": "CONSTANT", "constant_values": value or 0}


def _tr_where(condition, input=None, other=None, *, out=None):  # noqa: A002
    if input is None:
        return None
    return "where", condition, {"x": _constant(input), "y": _constant(other)}


for _fn, _name in ((torch.eq, "math.equal"), (torch.ne, "math.not_equal"), (torch.gt, "math.greater"),
                   (torch.ge, "math.greater_equal"), (torch.lt, "math.less"), (torch.le, "math.less_equal")):
    TORCH_TO_TF[_fn] = _bin(_name)
    TORCH_TO_TF[getattr(_T, _fn.__name__)] = _bin(_name)
for _fn in (torch.var, _T.var):
    TORCH_TO_TF[_fn] = _tr_var
for _fn, _name in ((torch.argmax, "math.argmax"), (torch.argmin, "math.argmin")):
    TORCH_TO_TF[_fn] = TORCH_TO_TF[getattr(_T, _fn.__name__)] = _tr_argmax(_name)
for _fn in (torch.cumsum, _T.cumsum):
    TORCH_TO_TF[_fn] = lambda input, dim, *, dtype=None, out=None: ("math.cumsum", input, {"axis": int(dim)})
for _method, _dtype in ((_T.long, "int64"), (_T.int, "int32"), (_T.float, "float32"), (_T.double, "float64"),
                        (_T.bool, "bool")):
    TORCH_TO_TF[_method] = lambda x, memory_format=None, _d=_dtype: ("cast", x, {"dtype": _d})
TORCH_TO_TF[F.softplus] = lambda input, beta=1.0, threshold=20.0: \
    ("nn.softplus", input, {"name": None}) if beta == 1.0 else None
TORCH_TO_TF[F.elu] = lambda input, alpha=1.0, inplace=False: \
    ("nn.elu", input, {"name": None}) if alpha == 1.0 else None
TORCH_TO_TF[F.pad] = _tr_pad
TORCH_TO_TF[torch.where] = _tr_where


def _holds_trainable_tensor(structure) -> bool:
    if isinstance(structure, (list, tuple)):
        return any(_holds_trainable_tensor(s) for s in structure)
    if isinstance(structure, dict):
        return any(_holds_trainable_tensor(s) for s in structure.values())
    return isinstance(structure, torch.Tensor) and structure.requires_grad


def to_tf_call(func: Callable, args: tuple, kwargs: dict) -> Optional[TFCall]:
    """The TF function name, first argument and named arguments tf.keras would record for the
    torch call ``func(*args, **kwargs)``; None when there is no TF counterpart here."""
    translate = TORCH_TO_TF.get(func)
    if translate is None or _holds_trainable_tensor((args, kwargs)):
        return None  # a variable (K.variable, a Parameter) must stay a live tensor, not a constant
    try:
        result = translate(*args, **kwargs)
    except (TypeError, NotImplementedError):
        return None
    if result is None or result[0] not in TF_FUNCTIONS:
        return None
    name, first, tf_kwargs = result
    return name, first, {k: _constant(v) for k, v in tf_kwargs.items()}



# ---------------------------------------------------------------- Keras 3 operations
# Keras 3 saves an operation applied to symbolic tensors (``inputs / 255.0``, ``ops.concatenate``)
# as a node of class e.g. "TrueDivide" from module "keras.src.ops.numpy": the tensors and other
# call arguments are the node's positional args, the op's fixed arguments (axis, keepdims...)
# its config. Each maps onto the TF function with the same meaning: (TF name, config key -> TF
# argument name).
KERAS3_OPS: Dict[str, Tuple[str, Dict[str, str]]] = {
    "Add": ("__operators__.add", {}), "Subtract": ("math.subtract", {}),
    "Multiply": ("math.multiply", {}), "TrueDivide": ("math.truediv", {}),
    "Divide": ("math.truediv", {}), "FloorDivide": ("math.floordiv", {}),
    "Power": ("math.pow", {}), "Maximum": ("math.maximum", {}), "Minimum": ("math.minimum", {}),
    "Mod": ("math.floormod", {}), "Negative": ("math.negative", {}), "Absolute": ("math.abs", {}),
    "Abs": ("math.abs", {}), "Exp": ("math.exp", {}), "Log": ("math.log", {}), "Sqrt": ("math.sqrt", {}),
    "Square": ("math.square", {}), "Sign": ("math.sign", {}), "Tanh": ("math.tanh", {}),
    "Sin": ("math.sin", {}), "Cos": ("math.cos", {}), "Log1p": ("math.log1p", {}),
    "Expm1": ("math.expm1", {}), "Floor": ("math.floor", {}), "Ceil": ("math.ceil", {}),
    "Round": ("math.round", {}), "Reciprocal": ("math.reciprocal", {}),
    "Greater": ("math.greater", {}), "GreaterEqual": ("math.greater_equal", {}),
    "Less": ("math.less", {}), "LessEqual": ("math.less_equal", {}), "Equal": ("math.equal", {}),
    "NotEqual": ("math.not_equal", {}),
    "Relu": ("nn.relu", {}), "Relu6": ("nn.relu6", {}), "Sigmoid": ("math.sigmoid", {}),
    "Softplus": ("nn.softplus", {}), "Softsign": ("nn.softsign", {}), "Elu": ("nn.elu", {}),
    "Selu": ("nn.selu", {}), "Silu": ("nn.silu", {}),
    "Softmax": ("nn.softmax", {"axis": "axis"}), "LogSoftmax": ("nn.log_softmax", {"axis": "axis"}),
    "Concatenate": ("concat", {"axis": "axis"}), "Stack": ("stack", {"axis": "axis"}),
    "Mean": ("math.reduce_mean", {"axis": "axis", "keepdims": "keepdims"}),
    "Sum": ("math.reduce_sum", {"axis": "axis", "keepdims": "keepdims"}),
    "Max": ("math.reduce_max", {"axis": "axis", "keepdims": "keepdims"}),
    "Min": ("math.reduce_min", {"axis": "axis", "keepdims": "keepdims"}),
    "Prod": ("math.reduce_prod", {"axis": "axis", "keepdims": "keepdims"}),
    "Std": ("math.reduce_std", {"axis": "axis", "keepdims": "keepdims"}),
    "Var": ("math.reduce_variance", {"axis": "axis", "keepdims": "keepdims"}),
    "ExpandDims": ("expand_dims", {"axis": "axis"}), "Squeeze": ("squeeze", {"axis": "axis"}),
    "Reshape": ("reshape", {"newshape": "shape", "new_shape": "shape"}),
    "Transpose": ("transpose", {"axes": "perm"}), "Tile": ("tile", {"repeats": "multiples"}),
    "Matmul": ("linalg.matmul", {}), "Cast": ("cast", {"dtype": "dtype"}),
    "Clip": ("clip_by_value", {"x_min": "clip_value_min", "x_max": "clip_value_max"}),
    "GetItem": ("__operators__.getitem", {}), "Where": ("where", {}),
    "Argmax": ("math.argmax", {"axis": "axis"}), "Argmin": ("math.argmin", {"axis": "axis"}),
}


def keras3_op(class_name: str, config: dict, layer_name: str) -> Tuple[str, Dict[str, Any]]:
    """(TF function name, fixed arguments by TF name) for a Keras 3 operation node, or a clear error."""
    entry = KERAS3_OPS.get(class_name)
    if entry is None:
        raise ValueError(
            f"Layer {layer_name!r} is the Keras 3 operation {class_name!r} applied to symbolic "
            "tensors, which torchkeras_compat cannot run. Replace it with a Keras layer or a Lambda "
            "layer in the original model and save it again, or rebuild the model in code and load "
            "only its weights.")
    tf_name, renames = entry
    bound = {renames[k]: v for k, v in config.items() if k in renames}
    return tf_name, bound


# ---------------------------------------------------------------- `tf` inside stored lambdas
_DTYPE_NAMES = frozenset({"float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
                          "uint8", "bool"})
_define("shape", "input out_type name",
        lambda input, out_type=None, name=None: torch.tensor(tuple(_tensor(input).shape)))  # noqa: A002


class TFNamespace:
    """What a Lambda's stored code finds under the global name ``tf``: ``tf.expand_dims``,
    ``tf.nn.relu``, ``tf.math.reduce_mean``... run the torch implementations above (TF argument
    names and order); ``tf.float32`` is the dtype name; ``tf.keras`` is this package."""

    def __init__(self, path: str = ""):
        self._path = path

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        full = f"{self._path}.{name}" if self._path else name
        if full == "keras":
            import torchkeras_compat
            return torchkeras_compat
        if full in _DTYPE_NAMES:
            return full
        spec = TF_FUNCTIONS.get(full)
        if spec is not None and not any(k.startswith(full + ".") for k in TF_FUNCTIONS):
            return _named(spec.impl, f"tf.{full}")
        if any(k.startswith(full + ".") for k in TF_FUNCTIONS):
            return TFNamespace(full)
        raise AttributeError(f"tf.{full} is not available to Lambda layers loaded by torchkeras_compat "
                             "(only the TensorFlow functions it maps to torch); rewrite the Lambda with "
                             "keras.backend (K.*) functions.")

    def __repr__(self):
        return f"<torchkeras_compat stand-in for tf{'.' + self._path if self._path else ''}>"


def _named(fn: Callable, name: str) -> Callable:
    def call(*args, **kwargs):
        return fn(*args, **kwargs)
    call.__name__ = call.__qualname__ = name
    return call
