"""Mixed precision (``keras.mixed_precision``): dtype policies and loss scaling.

``set_global_policy('mixed_float16')`` (or ``'mixed_bfloat16'``) makes the training loop run
the model under ``torch.autocast`` in 16 bits while weights stay float32; with float16 the
optimizer is wrapped in a `LossScaleOptimizer`.

For the training loop: ``with autocast(device_type): <forward and loss>``, and
``wrap_for_policy(optimizer, global_policy())`` at compile time.
"""
from . import experimental
from .loss_scale_optimizer import LossScaleOptimizer, wrap_for_policy
from .policy import (Policy, autocast, deserialize, get_policy, global_policy, policy_scope,
                     serialize, set_global_policy)

__all__ = ["Policy", "global_policy", "set_global_policy", "policy_scope", "get_policy",
           "serialize", "deserialize", "LossScaleOptimizer", "experimental", "autocast",
           "wrap_for_policy"]
