"""Mixed precision (``keras.mixed_precision``): dtype policies and loss scaling.

``set_global_policy('mixed_float16')`` (or ``'mixed_bfloat16'``) makes the training loop run
the model under ``torch.autocast`` in 16 bits while weights stay float32; with float16 the
optimizer is wrapped in a `LossScaleOptimizer`.
"""
from . import experimental
from .loss_scale_optimizer import LossScaleOptimizer
from .policy import (Policy, deserialize, get_policy, global_policy, policy_scope, serialize,
                     set_global_policy)

__all__ = ["Policy", "global_policy", "set_global_policy", "policy_scope", "get_policy",
           "serialize", "deserialize", "LossScaleOptimizer", "experimental"]
