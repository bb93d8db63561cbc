"""``keras.backend`` (``K``): settings and the tensor functions Keras 2 code uses, on torch tensors.

Every function takes torch tensors (numpy arrays and Python numbers are converted) and returns
torch tensors, so custom layers, losses and metrics written with ``K.*`` run unchanged.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .config import (epsilon, floatx, get_device, image_data_format, image_dim_ordering,
                     normalize_data_format, set_device, set_epsilon, set_floatx,
                     set_image_data_format, set_image_dim_ordering, torch_dtype)


def backend() -> str:
    return "torch"


# ---------------------------------------------------------------- session / phase
def clear_session() -> None:
    """Forget auto-generated layer names (the next Dense is 'dense' again) and the learning phase."""
    from ..engine import base_layer
    base_layer.reset_names()
    base_layer.CALL_CONTEXT.learning_phase = None
    base_layer.CALL_CONTEXT.training = None


def reset_uids() -> None:
    from ..engine import base_layer
    base_layer.reset_names()


def get_uid(prefix: str = "") -> int:
    from ..engine import base_layer
    uids = base_layer._NAME_UIDS
    uids[prefix] = uids.get(prefix, 0) + 1
    return uids[prefix]


class _LearningPhase:
    """What ``K.learning_phase()`` returns: usable as a K.function input and as 0/1."""

    def __int__(self):
        from ..engine import base_layer
        return int(base_layer.CALL_CONTEXT.learning_phase or 0)

    def __bool__(self):
        return bool(int(self))

    def __eq__(self, other):
        return int(self) == other

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<learning_phase {int(self)}>"


_LEARNING_PHASE = _LearningPhase()


def learning_phase():
    return _LEARNING_PHASE


def set_learning_phase(value: int) -> None:
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    from ..engine import base_layer
    base_layer.CALL_CONTEXT.learning_phase = int(value)


class learning_phase_scope:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        from ..engine import base_layer
        self.prev = base_layer.CALL_CONTEXT.learning_phase
        base_layer.CALL_CONTEXT.learning_phase = int(self.value)

    def __exit__(self, *exc):
        from ..engine import base_layer
        base_layer.CALL_CONTEXT.learning_phase = self.prev


def _in_training() -> bool:
    from ..engine import base_layer
    ctx = base_layer.CALL_CONTEXT
    if ctx.training is not None:
        return bool(ctx.training)
    return bool(ctx.learning_phase)


# ---------------------------------------------------------------- conversion
def _t(x, dtype=None):
    """Any array-like as a torch tensor (floats in floatx)."""
    if hasattr(x, "value") and hasattr(x, "param"):  # a layer Weight
        x = x.value()
    if torch.is_tensor(x) or _is_symbolic(x):
        return x if dtype is None else x.to(torch_dtype(dtype))
    arr = np.asarray(x)
    t = torch.from_numpy(arr.copy()) if arr.ndim else torch.tensor(arr.item())
    if dtype is None:
        dtype = torch_dtype() if t.is_floating_point() else t.dtype
    # new tensors live where the models do (as TF places them on the GPU), so that they mix
    # with layer outputs and weights
    return t.to(device=get_device(), dtype=torch_dtype(dtype))


def _is_symbolic(x) -> bool:
    from ..engine.keras_tensor import KerasTensor
    return isinstance(x, KerasTensor)


def is_tensor(x) -> bool:
    return torch.is_tensor(x)


def is_keras_tensor(x) -> bool:
    from ..engine.keras_tensor import KerasTensor
    if not (torch.is_tensor(x) or isinstance(x, (KerasTensor, np.ndarray))):
        raise ValueError(f"Unexpectedly found an instance of type `{type(x)}`. Expected a symbolic tensor instance.")
    return isinstance(x, KerasTensor)


def variable(value, dtype=None, name=None, constraint=None) -> torch.nn.Parameter:
    """A trainable tensor (a torch Parameter) holding ``value``, of dtype `dtype` (default
    floatx(), also for integer values, as Keras)."""
    t = _t(value, dtype or floatx())
    p = torch.nn.Parameter(t.clone(), requires_grad=t.is_floating_point())
    if name is not None:
        p._keras_name = name
    return p


def constant(value, dtype=None, shape=None, name=None) -> torch.Tensor:
    t = _t(value, dtype or floatx())
    return t.expand(shape).clone() if shape is not None else t


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


def _weight_handle(x):
    """The Keras weight handle of a layer's Parameter (``layer.kernel``), whose value Keras
    code expects in the Keras layout even where the Parameter is stored in torch's."""
    if hasattr(x, "numpy") and hasattr(x, "param"):
        return x
    return getattr(x, "_keras_weight", None) if isinstance(x, torch.nn.Parameter) else None


def get_value(x):
    """The value of a tensor, weight or variable as a numpy array (scalars as numpy scalars)."""
    handle = _weight_handle(x)
    if handle is not None:
        return handle.numpy()
    if torch.is_tensor(x):
        arr = x.detach().cpu().numpy()
        return arr[()] if arr.ndim == 0 else arr.copy()
    return np.asarray(x)[()] if np.ndim(x) == 0 else np.asarray(x)


eval = get_value  # noqa: A001 - Keras's name


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def set_value(x, value) -> None:
    """Write ``value`` into a variable, weight or tensor in place (e.g. ``model.optimizer.lr``)."""
    handle = _weight_handle(x)
    if handle is not None:
        handle.assign(value)
        return
    if not torch.is_tensor(x):
        raise TypeError(f"K.set_value() needs a variable or tensor, got {type(x).__name__}.")
    with torch.no_grad():
        x.copy_(torch.as_tensor(np.asarray(value), dtype=x.dtype).reshape(x.shape))


def batch_set_value(tuples) -> None:
    for x, value in tuples:
        set_value(x, value)


def update(x, new_x):
    with torch.no_grad():
        x.copy_(_t(new_x))
    return x


def update_add(x, increment):
    with torch.no_grad():
        x.add_(_t(increment))
    return x


def update_sub(x, decrement):
    with torch.no_grad():
        x.sub_(_t(decrement))
    return x


def moving_average_update(x, value, momentum):
    with torch.no_grad():
        x.mul_(momentum).add_(_t(value).detach() * (1 - momentum))
    return x


# ---------------------------------------------------------------- shapes
def int_shape(x):
    handle = _weight_handle(x)
    if handle is not None:
        return tuple(handle.shape)
    if hasattr(x, "shape") and not torch.is_tensor(x) and not isinstance(x, np.ndarray):
        return tuple(x.shape)
    return tuple(int(d) for d in x.shape)


def shape(x):
    return torch.tensor(tuple(x.shape), dtype=torch.int64) if torch.is_tensor(x) else x.shape


def ndim(x) -> int:
    return len(x.shape)


def dtype(x) -> str:
    d = getattr(x, "dtype", None)
    return str(d).replace("torch.", "") if isinstance(d, torch.dtype) else str(d)


def count_params(x) -> int:
    return int(np.prod(int_shape(x)))


def cast(x, dtype):
    return _t(x).to(torch_dtype(dtype))


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    from ..engine.input_layer import Input
    if shape is None:
        shape = (None,) * (ndim or 2)
    return Input(batch_shape=tuple(shape), dtype=dtype, name=name)


# ---------------------------------------------------------------- creation
def zeros(shape, dtype=None, name=None):
    return variable(torch.zeros(tuple(shape), dtype=torch_dtype(dtype), device=get_device()), dtype=dtype)


def ones(shape, dtype=None, name=None):
    return variable(torch.ones(tuple(shape), dtype=torch_dtype(dtype), device=get_device()), dtype=dtype)


def eye(size, dtype=None, name=None):
    n, m = (size, size) if isinstance(size, int) else size
    return variable(torch.eye(n, m, dtype=torch_dtype(dtype), device=get_device()), dtype=dtype)


def zeros_like(x, dtype=None, name=None):
    x = _t(x)
    return torch.zeros_like(x, dtype=torch_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None, name=None):
    x = _t(x)
    return torch.ones_like(x, dtype=torch_dtype(dtype) if dtype else x.dtype)


def identity(x, name=None):
    return _t(x).clone()


def arange(start, stop=None, step=1, dtype="int32"):
    if stop is None:
        start, stop = 0, start
    return torch.arange(start, stop, step, dtype=torch_dtype(dtype), device=get_device())


def _generator(seed):
    if seed is None:
        return None
    g = torch.Generator()
    g.manual_seed(int(seed))
    return g


def _random(draw, shape, seed, dtype):
    """``draw(shape, generator=, dtype=, device=)`` on the models' device. A seeded draw runs on
    the CPU's generator and moves, so that a seed gives the same numbers on every device."""
    device = get_device()
    if seed is None:
        return draw(tuple(shape), dtype=dtype, device=device)
    return draw(tuple(shape), generator=_generator(seed), dtype=dtype).to(device)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random(torch.randn, shape, seed, torch_dtype(dtype)) * stddev + mean


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _random(torch.rand, shape, seed, torch_dtype(dtype)) * (maxval - minval) + minval


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    return (_random(torch.rand, shape, seed, torch.float32) < p).to(torch_dtype(dtype))


random_bernoulli = random_binomial


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    t = torch.empty(tuple(shape), dtype=torch_dtype(dtype))
    torch.nn.init.trunc_normal_(t, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=_generator(seed))
    return t.to(get_device()) * stddev + mean


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    return variable(random_normal(shape, mean, scale, dtype, seed))


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    return variable(random_uniform(shape, low, high, dtype, seed))


# ---------------------------------------------------------------- reductions
def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def sum(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x)
    return x.sum() if axis is None and not keepdims else x.sum(dim=_axis(axis) if axis is not None else tuple(range(x.ndim)), keepdim=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (all axes when None); booleans are averaged as floatx, integers keep
    their dtype (the quotient truncated), as Keras's ``K.mean``."""
    x = _t(x)
    dims = _axis(axis) if axis is not None else tuple(range(x.ndim))
    if x.dtype == torch.bool:
        x = x.to(torch_dtype())
    if not x.is_floating_point() and not x.is_complex():
        total = x.sum(dim=dims, keepdim=keepdims)
        count = x.numel() // total.numel() if total.numel() else 1
        return torch.div(total, count, rounding_mode="trunc").to(x.dtype)
    return x.mean() if axis is None and not keepdims else x.mean(dim=dims, keepdim=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x)
    return x.amax() if axis is None and not keepdims else x.amax(dim=_axis(axis) if axis is not None else tuple(range(x.ndim)), keepdim=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x)
    return x.amin() if axis is None and not keepdims else x.amin(dim=_axis(axis) if axis is not None else tuple(range(x.ndim)), keepdim=keepdims)


def prod(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        p = x.prod()
        return p.reshape((1,) * x.ndim) if keepdims else p
    for a in sorted([axis] if isinstance(axis, int) else list(axis), reverse=True):
        x = x.prod(dim=a, keepdim=keepdims)
    return x


def var(x, axis=None, keepdims=False):
    x = _t(x)
    dims = _axis(axis) if axis is not None else tuple(range(x.ndim))
    return x.var(dim=dims, unbiased=False, keepdim=keepdims)


def std(x, axis=None, keepdims=False):
    return torch.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x).bool()
    return x.any() if axis is None else x.any(dim=axis, keepdim=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x).bool()
    return x.all() if axis is None else x.all(dim=axis, keepdim=keepdims)


def argmax(x, axis=-1):
    return torch.argmax(_t(x), dim=axis)


def argmin(x, axis=-1):
    return torch.argmin(_t(x), dim=axis)


def logsumexp(x, axis=None, keepdims=False):
    x = _t(x)
    dims = _axis(axis) if axis is not None else tuple(range(x.ndim))
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def cumsum(x, axis=0):
    return torch.cumsum(_t(x), dim=axis)


def cumprod(x, axis=0):
    return torch.cumprod(_t(x), dim=axis)


# ---------------------------------------------------------------- elementwise
def square(x): return torch.square(_t(x))
def abs(x): return torch.abs(_t(x))  # noqa: A001
def sqrt(x): return torch.sqrt(torch.clamp(_t(x), min=0.0))
def exp(x): return torch.exp(_t(x))
def log(x): return torch.log(_t(x))
def sign(x): return torch.sign(_t(x))
def round(x): return torch.round(_t(x))  # noqa: A001
def sin(x): return torch.sin(_t(x))
def cos(x): return torch.cos(_t(x))
def pow(x, a): return torch.pow(_t(x), a)  # noqa: A001
def log1p(x): return torch.log1p(_t(x))
def expm1(x): return torch.expm1(_t(x))


def clip(x, min_value, max_value):
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    return torch.clamp(_t(x), min=min_value, max=max_value)


def equal(x, y): return torch.eq(_t(x), _t(y))
def not_equal(x, y): return torch.ne(_t(x), _t(y))
def greater(x, y): return torch.gt(_t(x), _t(y))
def greater_equal(x, y): return torch.ge(_t(x), _t(y))
def less(x, y): return torch.lt(_t(x), _t(y))
def less_equal(x, y): return torch.le(_t(x), _t(y))
def maximum(x, y): return torch.maximum(_t(x), _t(y))
def minimum(x, y): return torch.minimum(_t(x), _t(y))


# ---------------------------------------------------------------- linear algebra
def dot(x, y):
    """Keras's dot: for an n-D ``y`` it contracts x's last axis with y's second-to-last."""
    x, y = _t(x), _t(y)
    if y.ndim <= 2:
        return torch.matmul(x, y)
    return torch.tensordot(x, y, dims=([x.ndim - 1], [y.ndim - 2]))


def batch_dot(x, y, axes=None):
    """Dot product of each batch entry of x with the same entry of y, over ``axes``."""
    x, y = _t(x), _t(y)
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    ax, ay = [a % t.ndim for a, t in zip(axes, (x, y))]
    xm = torch.movedim(x, ax, -1)
    ym = torch.movedim(y, ay, 1)
    # one einsum, so that unknown (symbolic) batch and other sizes need no reshape
    letters = iter("abcdefghijklmopqrstuvwxy")
    x_rest = "".join(next(letters) for _ in range(xm.ndim - 2))
    y_rest = "".join(next(letters) for _ in range(ym.ndim - 2))
    out = torch.einsum(f"z{x_rest}n,zn{y_rest}->z{x_rest}{y_rest}", xm, ym)
    return out.unsqueeze(1) if out.ndim == 1 else out


def transpose(x):
    x = _t(x)
    return x.permute(*reversed(range(x.ndim)))


def permute_dimensions(x, pattern):
    return _t(x).permute(*pattern)


def reshape(x, shape):
    return _t(x).reshape(tuple(shape))


def expand_dims(x, axis=-1):
    return torch.unsqueeze(_t(x), axis)


def squeeze(x, axis):
    return torch.squeeze(_t(x), axis)


def flatten(x):
    return _t(x).reshape(-1)


def batch_flatten(x):
    x = _t(x)
    return torch.flatten(x, 1) if x.ndim > 1 else x.unsqueeze(-1)


def concatenate(tensors, axis=-1):
    return torch.cat([_t(t) for t in tensors], dim=axis)


def stack(x, axis=0):
    return torch.stack([_t(t) for t in x], dim=axis)


def tile(x, n):
    return _t(x).repeat(*(n if isinstance(n, (list, tuple)) else [n]))


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim)."""
    return _t(x).unsqueeze(1).expand(-1, n, -1)


def repeat_elements(x, rep, axis):
    return torch.repeat_interleave(_t(x), rep, dim=axis)


def gather(reference, indices):
    return _t(reference)[_t(indices).long()]


def one_hot(indices, num_classes):
    return F.one_hot(_t(indices).long(), num_classes).to(torch_dtype())


def reverse(x, axes):
    return torch.flip(_t(x), dims=[axes] if isinstance(axes, int) else list(axes))


def l2_normalize(x, axis=None):
    x = _t(x)
    dims = axis if axis is not None else tuple(range(x.ndim))
    return x / torch.sqrt(torch.clamp((x * x).sum(dim=dims, keepdim=True), min=1e-12))


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    m = mean(x, reduction_axes, keepdims=True)
    v = var(x, reduction_axes, keepdims=True)
    return (x - m) / torch.sqrt(v + epsilon) * gamma + beta, m.squeeze(), v.squeeze()


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    return (x - mean) / torch.sqrt(var + epsilon) * gamma + beta


# ---------------------------------------------------------------- nn
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    from .. import activations
    return activations.relu(_t(x), alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha=1.0): return F.elu(_t(x), alpha)
def sigmoid(x):
    """Element-wise sigmoid; remembers its input so a cross-entropy on it uses the logits, as
    Keras's K.sigmoid does."""
    from ..activations import _remember_logits
    x = _t(x)
    return _remember_logits(torch.sigmoid(x), x)



def tanh(x): return torch.tanh(_t(x))
def softplus(x): return F.softplus(_t(x))
def softsign(x): return F.softsign(_t(x))


def hard_sigmoid(x):
    return torch.clamp(0.2 * _t(x) + 0.5, 0.0, 1.0)


def softmax(x, axis=-1):
    """Softmax over `axis`; remembers its input so a cross-entropy on it uses the logits, as
    Keras's K.softmax does."""
    from ..activations import _remember_logits
    x = _t(x)
    return _remember_logits(torch.softmax(x, dim=axis), x)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .. import losses
    return losses.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .. import losses
    return losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy (no mean over the last axis), as K.binary_crossentropy.
    On a sigmoid's output (K.sigmoid, activations.sigmoid) its logits are used, as Keras does."""
    logits = None if from_logits else getattr(output, "_keras_logits", None)
    target, output = _t(target), _t(output)
    if logits is not None:
        output, from_logits = logits, True
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output + eps) + (1 - target) * torch.log(1 - output + eps))


def dropout(x, level, noise_shape=None, seed=None):
    x = _t(x)
    if noise_shape is None:
        return F.dropout(x, level, training=True)
    keep = (torch.rand(tuple(noise_shape), device=x.device) >= level).to(x.dtype)
    return x * keep / (1 - level)


def switch(condition, then_expression, else_expression):
    cond = _t(condition)
    a = then_expression() if callable(then_expression) else then_expression
    b = else_expression() if callable(else_expression) else else_expression
    if cond.ndim == 0:
        return a if bool(cond) else b
    return torch.where(cond.bool(), _t(a), _t(b))


def in_train_phase(x, alt, training=None):
    training = _in_training() if training is None else bool(int(training))
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [_t(v).detach() for v in variables]
    return _t(variables).detach()


def gradients(loss, variables):
    params = [v.param if hasattr(v, "param") else v for v in variables]
    return list(torch.autograd.grad(loss, params, create_graph=True, allow_unused=True))


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """``K.function([model.input, K.learning_phase()], [layer.output])``: run part of a graph on data."""
    from ..engine.functional_function import GraphFunction
    return GraphFunction(inputs, outputs)


def print_tensor(x, message=""):
    print(message, x)
    return x


def manual_variable_initialization(value) -> None:
    """Accepted for Keras 2 code; weights are always initialised when created."""


from .nn import (bias_add, conv1d, conv2d, conv2d_transpose, conv3d, ctc_batch_cost,  # noqa: E402,F401
                 ctc_decode, depthwise_conv2d, foldl, foldr, in_top_k, is_sparse, map_fn, name_scope,
                 pool2d, pool3d, resize_images, resize_volumes, separable_conv2d, spatial_2d_padding,
                 spatial_3d_padding, temporal_padding, to_dense, rnn)
