"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, their
functional forms (``add([a, b])``...) and Keras 1's ``merge([a, b], mode=...)``."""
import functools
import warnings
from typing import List, Optional, Sequence

import torch

from ..engine import registry
from ..engine.base_layer import Layer


def _as_tuple(shape) -> tuple:
    return tuple(None if d is None else int(d) for d in shape)


class _Merge(Layer):
    """Element-wise merge of a list of same-shaped tensors (sizes of 1 broadcast).

    Inputs of lower rank get size-1 axes inserted after the batch axis, as Keras does.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    # ---- shapes
    def _check_list(self, input_shape) -> List[tuple]:
        if not (isinstance(input_shape, (list, tuple)) and input_shape
                and isinstance(input_shape[0], (list, tuple))):
            raise ValueError(f"A merge layer ({type(self).__name__} {self.name!r}) should be called on a "
                             f"list of inputs. Received: input_shape={input_shape} (not a list of shapes)")
        return [_as_tuple(s) for s in input_shape]

    def _broadcast(self, shape1: tuple, shape2: tuple) -> tuple:
        """Keras's element-wise output shape of two non-batch shapes (right-aligned)."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._broadcast(shape2, shape1)
        if not shape2:
            return shape1
        out = list(shape1[:-len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                raise ValueError(f"Layer {self.name} ({type(self).__name__}): inputs have incompatible "
                                 f"shapes. Received shapes {shape1} and {shape2}")
        return tuple(out)

    def build(self, input_shape):
        shapes = self._check_list(input_shape)
        self._check_count(len(shapes))
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = self._broadcast(out, s[1:])
        self.built = True

    def _check_count(self, n: int) -> None:
        if n < 1:
            raise ValueError(f"A merge layer ({self.name}) should be called on a list of at least 1 "
                             f"input. Got {n} inputs.")

    def compute_output_shape(self, input_shape):
        shapes = self._check_list(input_shape)
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = self._broadcast(out, s[1:])
        batches = {s[0] for s in shapes if s[0] is not None}
        batch = batches.pop() if len(batches) == 1 else None
        return (batch,) + tuple(out)

    # ---- computing
    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer ({self.name}) should be called on a list of inputs. "
                             f"Received: inputs={inputs!r} (not a list of tensors)")
        self._check_count(len(inputs))
        rank = max(x.dim() for x in inputs)
        xs = []
        for x in inputs:
            while x.dim() < rank:
                x = x.unsqueeze(1)
            xs.append(x)
        try:
            return self._merge_function(xs)
        except RuntimeError as e:
            raise ValueError(f"Layer {self.name} ({type(self).__name__}): inputs have incompatible "
                             f"shapes. Received shapes {[tuple(x.shape) for x in inputs]}") from e

    def _merge_function(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"Layer {self.name}: `mask` should be a list; received {mask!r}")
        masks = [m for m in mask if m is not None]
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = out & m
        return out


def _reduce(fn, inputs):
    return functools.reduce(fn, inputs)


@registry.register("layer")
class Add(_Merge):
    """Sum of the inputs, element-wise: ``add([a, b, c]) = a + b + c``."""

    def _merge_function(self, inputs):
        return _reduce(torch.add, inputs)


@registry.register("layer")
class Subtract(_Merge):
    """Difference of exactly two inputs: ``a - b``."""

    def _check_count(self, n):
        if n != 2:
            raise ValueError(f"A `Subtract` layer ({self.name}) should be called on exactly 2 inputs. "
                             f"Received {n} inputs.")

    def _merge_function(self, inputs):
        return inputs[0] - inputs[1]


@registry.register("layer")
class Multiply(_Merge):
    """Product of the inputs, element-wise."""

    def _merge_function(self, inputs):
        return _reduce(torch.mul, inputs)


@registry.register("layer")
class Average(_Merge):
    """Mean of the inputs, element-wise."""

    def _merge_function(self, inputs):
        return _reduce(torch.add, inputs) / len(inputs)


@registry.register("layer")
class Maximum(_Merge):
    """Element-wise maximum of the inputs."""

    def _merge_function(self, inputs):
        return _reduce(torch.maximum, inputs)


@registry.register("layer")
class Minimum(_Merge):
    """Element-wise minimum of the inputs."""

    def _merge_function(self, inputs):
        return _reduce(torch.minimum, inputs)


@registry.register("layer")
class Concatenate(_Merge):
    """Joins the inputs along ``axis`` (default last); all other axes must match."""

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _check(self, shapes: List[tuple]) -> None:
        ranks = {len(s) for s in shapes}
        problem = len(ranks) != 1
        if not problem:
            rank = ranks.pop()
            axis = self.axis % rank if -rank <= self.axis < rank else None
            if axis is None or axis == 0:
                problem = True
            else:
                for i in range(rank):
                    if i == axis:
                        continue
                    sizes = {s[i] for s in shapes if s[i] is not None}
                    if len(sizes) > 1 and i != 0:
                        problem = True
        if problem:
            raise ValueError(f"A `Concatenate` layer ({self.name}) requires inputs with matching shapes "
                             f"except for the concatenation axis (axis={self.axis}). Received: "
                             f"input_shape={shapes}")

    def build(self, input_shape):
        shapes = self._check_list(input_shape)
        if len(shapes) < 1:
            raise ValueError(f"A `Concatenate` layer ({self.name}) should be called on a list of at "
                             "least 1 input.")
        self._check(shapes)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = self._check_list(input_shape)
        self._check(shapes)
        out = list(shapes[0])
        axis = self.axis % len(out)
        for s in shapes[1:]:
            out[axis] = None if out[axis] is None or s[axis] is None else out[axis] + s[axis]
        return tuple(out)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A `Concatenate` layer ({self.name}) should be called on a list of "
                             f"inputs. Received: inputs={inputs!r}")
        try:
            return torch.cat(list(inputs), dim=self.axis)
        except RuntimeError as e:
            raise ValueError(f"A `Concatenate` layer ({self.name}) requires inputs with matching "
                             f"shapes except for the concatenation axis (axis={self.axis}). Received: "
                             f"input_shape={[tuple(x.shape) for x in inputs]}") from e

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = torch.ones(x.shape, dtype=torch.bool, device=x.device)
            while m.dim() < x.dim():
                m = m.unsqueeze(-1)
            masks.append(m.expand(x.shape))
        return torch.cat(masks, dim=self.axis).all(dim=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    # tf.math.l2_normalize: x / sqrt(max(sum(x**2), 1e-12))
    return x * torch.rsqrt(torch.clamp((x * x).sum(dim=axis, keepdim=True), min=1e-12))


def batch_dot(x: torch.Tensor, y: torch.Tensor, axes: Sequence[int]) -> torch.Tensor:
    """Keras's ``batch_dot``: per sample, contract ``x``'s axis ``axes[0]`` with ``y``'s ``axes[1]``.

    Output shape: ``x``'s shape without that axis, then ``y``'s without batch and that axis;
    a result of rank 1 gets a trailing axis of size 1.
    """
    ax, ay = axes
    xm = x.movedim(ax, -1)
    ym = y.movedim(ay, 1)
    x_rest, y_rest = xm.shape[1:-1], ym.shape[2:]
    b, k = x.shape[0], xm.shape[-1]
    out = torch.bmm(xm.reshape(b, -1, k), ym.reshape(b, k, -1))
    out = out.reshape((b,) + tuple(x_rest) + tuple(y_rest))
    return out.unsqueeze(1) if out.dim() == 1 else out


@registry.register("layer")
class Dot(_Merge):
    """Dot product of two samples along ``axes`` (an int or a pair); ``normalize=True`` first
    L2-normalises both along those axes, giving the cosine similarity.

    ``(batch, n)`` · ``(batch, n)`` with ``axes=1`` -> ``(batch, 1)``; ``(batch, a, k)`` ·
    ``(batch, b, k)`` with ``axes=2`` -> ``(batch, a, b)``.
    """

    def __init__(self, axes, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)) or len(axes) != 2 or \
                    not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Invalid format for argument `axes` of layer {self.name}: list or "
                                 f"tuple of 2 ints or an int expected. Received: axes={axes!r}")
            axes = list(axes)
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = True

    def _axes_for(self, rank1: int, rank2: int) -> List[int]:
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % rank1, self.axes % rank2]
            return [self.axes, self.axes]
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    def _check_pair(self, shapes) -> List[tuple]:
        shapes = self._check_list(shapes)
        if len(shapes) != 2:
            raise ValueError(f"A `Dot` layer ({self.name}) should be called on a list of 2 inputs. "
                             f"Received {len(shapes)} inputs.")
        s1, s2 = shapes
        a1, a2 = self._axes_for(len(s1), len(s2))
        if not (0 < a1 < len(s1) and 0 < a2 < len(s2)):
            raise ValueError(f"Layer {self.name}: axes={self.axes} is out of range (or the batch axis) "
                             f"for input shapes {s1} and {s2}.")
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(f"Layer {self.name} (Dot): incompatible input shapes: axis values "
                             f"{s1[a1]} (at axis {a1}) != {s2[a2]} (at axis {a2}). Full input shapes: "
                             f"{s1}, {s2}")
        return shapes

    def build(self, input_shape):
        self._check_pair(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        s1, s2 = self._check_pair(input_shape)
        a1, a2 = self._axes_for(len(s1), len(s2))
        out = [d for i, d in enumerate(s1) if i != a1] + [d for i, d in enumerate(s2) if i not in (0, a2)]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"A `Dot` layer ({self.name}) should be called on exactly 2 inputs.")
        x, y = inputs
        a1, a2 = self._axes_for(x.dim(), y.dim())
        if x.shape[a1] != y.shape[a2]:
            raise ValueError(f"Layer {self.name} (Dot): incompatible input shapes: axis values "
                             f"{x.shape[a1]} (at axis {a1}) != {y.shape[a2]} (at axis {a2}). Full input "
                             f"shapes: {tuple(x.shape)}, {tuple(y.shape)}")
        if self.normalize:
            x, y = _l2_normalize(x, a1), _l2_normalize(y, a2)
        return batch_dot(x, y, (a1, a2))

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


# ---------------------------------------------------------------- functional forms
def add(inputs, **kwargs):
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    """``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize: bool = False, **kwargs):
    """``Dot(axes, normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


# ---------------------------------------------------------------- Keras 1
_warned = []


def _warn_keras1_merge() -> None:
    if not _warned:
        _warned.append(True)
        warnings.warn("The `merge` function is deprecated (Keras 1); use the Keras 2 merge layers "
                      "(Add, Multiply, Concatenate, Dot, ...) or the functions add/concatenate/dot.",
                      UserWarning, stacklevel=3)


_KERAS1_MODES = {"sum": Add, "mul": Multiply, "ave": Average, "max": Maximum}


def merge(inputs, mode: str = "sum", concat_axis: int = -1, dot_axes=-1, output_shape=None,
          output_mask=None, arguments=None, node_indices=None, tensor_indices=None,
          name: Optional[str] = None):
    """Keras 1's ``merge([a, b], mode=...)``: 'sum', 'mul', 'ave', 'max', 'concat'
    (``concat_axis``), 'dot' and 'cos' (``dot_axes``; 'cos' is the cosine similarity), or a
    function of the list of inputs (with ``output_shape``). Returns the Keras 2 layer's output."""
    if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
        raise ValueError(f"merge(): `inputs` should be a list of at least 2 tensors; received {inputs!r}")
    if node_indices is not None or tensor_indices is not None:
        raise NotImplementedError("merge(): node_indices/tensor_indices (merging layers rather than "
                                  "tensors) are not supported; pass the layers' output tensors instead.")
    if callable(mode) or mode in _KERAS1_MODES or mode in ("concat", "dot", "cos"):
        if mode in ("dot", "cos") and len(inputs) != 2:
            raise ValueError(f"merge(mode={mode!r}) takes exactly 2 inputs; received {len(inputs)}.")
        return Merge(mode=mode, concat_axis=concat_axis, dot_axes=dot_axes, output_shape=output_shape,
                     output_mask=output_mask, arguments=arguments, name=name)(list(inputs))
    raise ValueError(f"merge(): invalid merge mode {mode!r}; use one of 'sum', 'mul', 'ave', 'max', "
                     "'concat', 'dot', 'cos' or a function.")


def Merge(layers=None, mode: str = "sum", concat_axis: int = -1, dot_axes=-1, output_shape=None,
          output_mask=None, arguments=None, node_indices=None, tensor_indices=None,
          name: Optional[str] = None):
    """Keras 1's ``Merge`` layer on tensors: ``Merge(mode='concat')([a, b])`` gives the Keras 2
    layer for that mode (Concatenate here). Merging Sequential branches
    (``Merge([left, right])`` inside a Sequential) is not supported."""
    if layers is not None:
        raise NotImplementedError(
            "Merge([model_a, model_b], mode=...) (Keras 1 Sequential branches) is not supported. "
            "Rewrite with the functional API, e.g. merged = concatenate([model_a.output, "
            "model_b.output]); model = Model([model_a.input, model_b.input], Dense(1)(merged)).")
    if node_indices is not None or tensor_indices is not None:
        raise NotImplementedError("Merge(): node_indices/tensor_indices are not supported.")
    _warn_keras1_merge()
    kwargs = {"name": name} if name else {}
    if callable(mode):
        from .core import Lambda
        return Lambda(mode, output_shape=output_shape, mask=output_mask,
                      arguments=arguments, **kwargs)
    if mode in _KERAS1_MODES:
        return _KERAS1_MODES[mode](**kwargs)
    if mode == "concat":
        return Concatenate(axis=concat_axis, **kwargs)
    if mode in ("dot", "cos"):
        axes = list(dot_axes) if isinstance(dot_axes, (list, tuple)) else dot_axes
        return Dot(axes=axes, normalize=(mode == "cos"), **kwargs)
    raise ValueError(f"Merge(): invalid merge mode {mode!r}; use one of 'sum', 'mul', 'ave', 'max', "
                     "'concat', 'dot', 'cos' or a function.")
