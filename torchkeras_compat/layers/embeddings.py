"""``Embedding``: turns integer ids into dense vectors."""
from typing import Optional

import torch
import torch.nn.functional as F

from .. import constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import Layer


@registry.register("layer")
class Embedding(Layer):
    """Looks up row ``i`` of an ``(input_dim, output_dim)`` table for each id ``i``.

    Input ``(batch, ...)`` integer ids in ``[0, input_dim)``; output ``(batch, ..., output_dim)``.
    ``mask_zero=True`` makes id 0 padding: the layer emits a mask (``ids != 0``) that recurrent
    layers and merges downstream honour. ``input_length`` fixes the sequence length (needed when
    a Flatten/Dense follows).
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
                 mask_zero: bool = False, input_length: Optional[int] = None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            # Keras: an Embedding always knows its input rank (batch, length)
            kwargs["input_shape"] = (input_length,) if input_length else (None,)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if int(input_dim) <= 0 or int(output_dim) <= 0:
            raise ValueError(f"Both `input_dim` and `output_dim` should be positive, found "
                             f"input_dim {input_dim} and output_dim {output_dim} (layer {self.name}).")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        ids = inputs if inputs.dtype in (torch.int64, torch.int32) else inputs.to(torch.int64)
        if ids.is_cuda:
            # no host sync on the GPU: out-of-range ids give zero vectors, as TF does on GPU
            valid = ((ids >= 0) & (ids < self.input_dim)).unsqueeze(-1)
            return F.embedding(ids.clamp(0, self.input_dim - 1), self.embeddings) * valid
        low, high = torch.aminmax(ids) if ids.numel() else (0, 0)
        if int(low) < 0 or int(high) >= self.input_dim:
            bad = int(high) if int(high) >= self.input_dim else int(low)
            raise ValueError(f"Layer {self.name}: input id {bad} is out of range; ids must be in "
                             f"[0, {self.input_dim}) (input_dim={self.input_dim}). Raise input_dim "
                             "or clip the ids (e.g. Tokenizer(num_words=...)).")
        return F.embedding(ids, self.embeddings)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        """The ids' shape plus ``output_dim``; ``input_length`` only fills unknown lengths (a
        known input length wins, as in tf.keras's symbolic call)."""
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return input_shape + (self.output_dim,)
        lengths = self.input_length if isinstance(self.input_length, (list, tuple)) else (self.input_length,)
        if len(lengths) != len(input_shape) - 1:
            return input_shape + (self.output_dim,)
        dims = tuple(seen if seen is not None else given for given, seen in zip(lengths, input_shape[1:]))
        return (input_shape[0],) + dims + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        })
        return config
