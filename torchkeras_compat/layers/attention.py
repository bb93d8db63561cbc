"""Dot-product (``Attention``, Luong style) and additive (``AdditiveAttention``, Bahdanau style)
attention over ``[query, value]`` or ``[query, value, key]``.

Shapes: query ``(batch, Tq, dim)``, value ``(batch, Tv, dim)``, key (defaults to value)
``(batch, Tv, dim)``; output ``(batch, Tq, dim)``. Masks ``[query_mask, value_mask]`` (booleans,
``(batch, Tq)`` and ``(batch, Tv)``): masked value steps get a score lowered by 1e9 (Keras's
constant, so fully masked rows give a uniform distribution as in Keras), masked query steps give
zero outputs.
"""
from typing import Optional

import torch
import torch.nn.functional as F

from .. import initializers
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
