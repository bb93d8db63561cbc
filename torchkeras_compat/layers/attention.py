"""Dot-product (``Attention``, Luong style) and additive (``AdditiveAttention``, Bahdanau style)
attention over ``[query, value]`` or ``[query, value, key]``.

Shapes: query ``(batch, Tq, dim)``, value ``(batch, Tv, dim)``, key (defaults to value)
``(batch, Tv, dim)``; output ``(batch, Tq, dim)``. Masks ``[query_mask, value_mask]`` (booleans,
``(batch, Tq)`` and ``(batch, Tv)``): masked value steps get a score lowered by 1e9 (Keras's
constant, so fully masked rows give a uniform distribution as in Keras), masked query steps give
zero outputs.
"""
import math
from typing import Optional

import numpy as np

import torch
import torch.nn.functional as F

from .. import constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import Layer


def _as_mask(mask, like: torch.Tensor) -> Optional[torch.Tensor]:
    """A boolean tensor on ``like``'s device (masks given to an eager call may be numpy arrays)."""
    if mask is None:
        return None
    return torch.as_tensor(mask, device=like.device).bool()


class BaseDenseAttention(Layer):
    """Shared part: scores -> masked softmax -> dropout -> weighted sum of the values."""

    def __init__(self, dropout: float = 0.0, **kwargs):
        # Keras <= 2.10 took `causal=` here; later versions take `use_causal_mask=` in call()
        self._causal = bool(kwargs.pop("causal", False))
        super().__init__(**kwargs)
        self.dropout = float(dropout)
        self.supports_masking = True

    def _calculate_scores(self, query, key):
        raise NotImplementedError

    @staticmethod
    def _split(inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError("Attention layers expect `inputs` as a list [query, value] or "
                             f"[query, value, key]; received {type(inputs).__name__}.")
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) == 3 else v
        return q, v, k

    def call(self, inputs, mask=None, training=None, return_attention_scores: bool = False,
             use_causal_mask: bool = False):
        q, v, k = self._split(inputs)
        q_mask = _as_mask(mask[0], q) if mask is not None else None
        v_mask = _as_mask(mask[1], q) if mask is not None and len(mask) > 1 else None
        scores = self._calculate_scores(q, k)  # (batch, Tq, Tv)
        keep = None
        if v_mask is not None:
            keep = v_mask.unsqueeze(-2)
        if use_causal_mask or self._causal:
            tq, tv = scores.shape[-2], scores.shape[-1]
            causal = torch.ones(tq, tv, dtype=torch.bool, device=scores.device).tril()
            keep = causal if keep is None else keep & causal
        if keep is not None:
            scores = scores - 1.0e9 * (~keep).to(scores.dtype)
        weights = torch.softmax(scores, dim=-1)
        if training and self.dropout > 0:
            weights = F.dropout(weights, self.dropout, training=True)
        result = torch.matmul(weights, v)
        if q_mask is not None:
            result = result * q_mask.to(result.dtype).unsqueeze(-1)
        if return_attention_scores:
            return [result, weights]
        return result

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0].bool()

    def compute_output_shape(self, input_shape):
        q, v = tuple(input_shape[0]), tuple(input_shape[1])
        return q[:-1] + v[-1:]

    def _output_signature(self, inputs, input_shapes, kwargs):
        # the shapes depend on a call argument: with return_attention_scores the layer also
        # returns the (batch, Tq, Tv) weights
        shapes, dtype = super()._output_signature(inputs, input_shapes, kwargs)
        if kwargs.get("return_attention_scores"):
            q, v = tuple(shapes), tuple(input_shapes[1])
            shapes = [q, q[:-1] + v[1:2]]
        return shapes, dtype

    def get_config(self):
        config = super().get_config()
        config["dropout"] = self.dropout
        return config


@registry.register("layer")
class Attention(BaseDenseAttention):
    """Dot-product attention: ``scores = query @ key^T`` (times a learned scalar ``scale`` when
    ``use_scale``). ``score_mode='concat'``: ``scores = concat_score_weight *
    sum(tanh(scale * (query_i + key_j)))`` over the feature axis."""

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Layer {self.name}: received score_mode={score_mode!r}; expected "
                             "'dot' or 'concat'.")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode

    def build(self, input_shape):
        self.scale = self.add_weight("scale", (), initializer=initializers.get("ones")) \
            if self.use_scale else None
        self.concat_score_weight = self.add_weight("concat_score_weight", (),
                                                   initializer=initializers.get("ones")) \
            if self.score_mode == "concat" else None
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-1, -2))
            return scores * self.scale if self.scale is not None else scores
        summed = query.unsqueeze(-2) + key.unsqueeze(-3)  # (batch, Tq, Tv, dim)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * torch.tanh(summed).sum(-1)

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode})
        return config


@registry.register("layer")
class AdditiveAttention(BaseDenseAttention):
    """Additive attention: ``scores = sum(scale * tanh(query_i + key_j))`` over the feature axis,
    ``scale`` a learned vector of size ``dim`` (glorot_uniform) when ``use_scale`` (default)."""

    def __init__(self, use_scale: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = bool(use_scale)

    def build(self, input_shape):
        dim = input_shape[1][-1] if len(input_shape) < 3 else input_shape[2][-1]
        self.scale = self.add_weight("scale", (int(dim),), initializer=initializers.get("glorot_uniform")) \
            if self.use_scale else None
        self.built = True

    def _calculate_scores(self, query, key):
        t = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))
        if self.scale is not None:
            t = self.scale * t
        return t.sum(-1)

    def get_config(self):
        config = super().get_config()
        config["use_scale"] = self.use_scale
        return config


def _shape_of(x) -> Optional[tuple]:
    return None if x is None else tuple(None if d is None else int(d) for d in x.shape)


@registry.register("layer")
class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention (as in "Attention Is All You Need").

    ``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)``: query ``(batch, T, dim_q)``, value ``(batch, S,
    dim_v)``, key (defaults to value) ``(batch, S, dim_k)``; output ``(batch, T, output_shape or
    dim_q)``, and with ``return_attention_scores`` also the weights ``(batch, num_heads, T, S)``.

    Weights (Keras layout, Keras order): query/key/value kernels ``(dim, num_heads, key_dim)``
    (value: ``value_dim``) with biases ``(num_heads, key_dim)``, then attention_output kernel
    ``(num_heads, value_dim, out_dim)`` and bias ``(out_dim,)``. ``attention_mask`` (batch, T, S)
    is combined with the query/value/key masks and the causal mask; masked scores are lowered by
    1e9 before the softmax, as in Keras.
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: Optional[int] = None,
                 dropout: float = 0.0, use_bias: bool = True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, query_shape=None, key_shape=None,
                 value_shape=None, softmax_robust_masking: bool = False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self._output_shape = output_shape
        if attention_axes is not None and tuple(np.atleast_1d(attention_axes)) not in ((1,), (-2,)):
            raise NotImplementedError(f"Layer {self.name}: attention_axes={attention_axes!r} is not "
                                      "supported here yet; only attention over the sequence axis "
                                      "of (batch, seq, features) inputs (attention_axes=None).")
        self.attention_axes = attention_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.softmax_robust_masking = bool(softmax_robust_masking)
        self._shapes = (query_shape, key_shape, value_shape)
        self.supports_masking = True

    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            raise ValueError(f"Layer {self.name}: MultiHeadAttention needs `value` "
                             "(call it as layer(query, value) or layer(query, value, key)).")
        self._pending = (_shape_of(query), _shape_of(key if key is not None else value), _shape_of(value))
        if key is not None:
            kwargs["key"] = key
        return super().__call__(query, value=value, **kwargs)

    def build(self, input_shape):
        q_shape, k_shape, v_shape = getattr(self, "_pending", None) or self._shapes
        if q_shape is None or v_shape is None:
            raise ValueError(f"Layer {self.name}: build needs the query and value shapes; call the "
                             "layer on (query, value).")
        self._shapes = tuple(list(s) for s in (q_shape, k_shape, v_shape))
        if self.attention_axes is None:
            self.attention_axes = (1,)  # Keras records the axis it attends over once built
        out_dim = self._out_dim(q_shape[-1])
        h = self.num_heads
        self._query_w = self._dense("query", (q_shape[-1], h, self.key_dim), (h, self.key_dim))
        self._key_w = self._dense("key", (k_shape[-1], h, self.key_dim), (h, self.key_dim))
        self._value_w = self._dense("value", (v_shape[-1], h, self.value_dim), (h, self.value_dim))
        self._output_w = self._dense("attention_output", (h, self.value_dim, out_dim), (out_dim,))
        self.built = True

    def _dense(self, prefix: str, kernel_shape, bias_shape):
        kernel = self.add_weight(prefix + "/kernel", kernel_shape, initializer=self.kernel_initializer,
                                 regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        bias = self.add_weight(prefix + "/bias", bias_shape, initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        return kernel, bias

    def _out_dim(self, query_dim: int) -> int:
        if self._output_shape is None:
            return int(query_dim)
        shape = tuple(np.atleast_1d(self._output_shape))
        if len(shape) != 1:
            raise NotImplementedError(f"Layer {self.name}: output_shape={self._output_shape!r}; only "
                                      "a single output size is supported here yet.")
        return int(shape[0])

    @staticmethod
    def _project(x, weights):
        kernel, bias = weights
        y = torch.einsum("abc,cde->abde", x, kernel)  # (batch, seq, heads, size)
        return y + bias if bias is not None else y

    def _mask(self, query, value, key, query_mask, attention_mask, use_causal_mask):
        """Boolean (batch, T, S) mask or None: explicit mask & query/value/key masks & causal."""
        keep = None

        def both(a, b):
            return b if a is None else a & b

        if query_mask is not None:
            keep = both(keep, _as_mask(query_mask, query).unsqueeze(-1))
        for m in (getattr(value, "_keras_mask", None), getattr(key, "_keras_mask", None)):
            if m is not None:
                keep = both(keep, _as_mask(m, query).unsqueeze(-2))
        if use_causal_mask:
            t, s = query.shape[1], value.shape[1]
            keep = both(keep, torch.ones(t, s, dtype=torch.bool, device=query.device).tril())
        if attention_mask is not None:
            keep = both(keep, _as_mask(attention_mask, query))
        return keep

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores: bool = False,
             training=None, use_causal_mask: bool = False, mask=None):
        value = torch.as_tensor(value, dtype=query.dtype, device=query.device) \
            if not torch.is_tensor(value) else value
        key = value if key is None else (key if torch.is_tensor(key) else
                                         torch.as_tensor(key, dtype=query.dtype, device=query.device))
        keep = self._mask(query, value, key, mask, attention_mask, use_causal_mask)
        q = self._project(query, self._query_w) * (1.0 / math.sqrt(float(self.key_dim)))
        k = self._project(key, self._key_w)
        v = self._project(value, self._value_w)
        scores = torch.einsum("aecd,abcd->acbe", k, q)  # (batch, heads, T, S)
        if keep is not None:
            scores = scores - 1.0e9 * (~keep).unsqueeze(-3).to(scores.dtype)
        probs = torch.softmax(scores, dim=-1)
        dropped = F.dropout(probs, self.dropout, training=True) if training and self.dropout > 0 else probs
        context = torch.einsum("acbe,aecd->abcd", dropped, v)  # (batch, T, heads, value_dim)
        kernel, bias = self._output_w
        out = torch.einsum("abcd,cde->abe", context, kernel)
        if bias is not None:
            out = out + bias
        if return_attention_scores:
            return out, probs
        return out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self._out_dim(input_shape[-1]),)

    def _output_signature(self, inputs, input_shapes, kwargs):
        shapes, dtype = super()._output_signature(inputs, input_shapes, kwargs)
        if kwargs.get("return_attention_scores"):
            q, v = tuple(input_shapes), _shape_of(kwargs["value"])
            shapes = [tuple(shapes), (q[0], self.num_heads, q[1], v[1])]
        return shapes, dtype

    def compute_mask(self, inputs, mask=None):
        return mask

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
            "dropout": self.dropout, "use_bias": self.use_bias, "output_shape": self._output_shape,
            "attention_axes": self.attention_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "query_shape": self._shapes[0], "key_shape": self._shapes[1], "value_shape": self._shapes[2],
            "softmax_robust_masking": self.softmax_robust_masking,
        })
        return config
