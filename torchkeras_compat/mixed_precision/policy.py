"""Dtype policies (``keras.mixed_precision.Policy``) and the global policy.

A policy names two dtypes: the *variable* dtype that weights are stored in and the *compute*
dtype that layers calculate in. ``'mixed_float16'`` and ``'mixed_bfloat16'`` keep float32
weights and compute in 16 bits; the training loop reads `global_policy()` and runs the
forward pass under ``torch.autocast`` with the compute dtype.
"""
import contextlib
from typing import Optional, Union

import torch

from ..backend import config

# Canonical names, as tf.as_dtype(...).name gives them, of the dtypes torch has.
_DTYPE_NAMES = {
    "float16": "float16", "half": "float16", "bfloat16": "bfloat16",
    "float32": "float32", "float": "float32", "float64": "float64", "double": "float64",
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "uint8": "uint8",
    "bool": "bool", "complex64": "complex64", "complex128": "complex128",
}
_FLOATING = ("float16", "bfloat16", "float32", "float64")
_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


def _removed_policy_message(name: str) -> str:
    """TF 2.0's '*_float32_vars' policies: which current policy replaces each."""
    message = "Policies ending in '_float32_vars' have been removed from TensorFlow."
    replacement = {"infer_float32_vars": "'mixed_float16' or 'mixed_bfloat16'",
                   "infer_with_float32_vars": "'mixed_float16' or 'mixed_bfloat16'",
                   "float16_with_float32_vars": "'mixed_float16'",
                   "bfloat16_with_float32_vars": "'mixed_bfloat16'"}.get(name)
    if replacement:
        message += f" Please use the {replacement} policy instead."
    return message + f" Got policy name: '{name}'"


def _canonical_dtype(name) -> Optional[str]:
    if isinstance(name, torch.dtype):
        name = config.dtype_name(name)
    return _DTYPE_NAMES.get(name)


class Policy:
    """A dtype policy for a layer, or for every layer when set as the global policy.

    Args:
        name: ``'mixed_float16'``, ``'mixed_bfloat16'``, or a dtype name such as
            ``'float32'``, ``'float16'``, ``'bfloat16'``, ``'float64'``.

    Attributes:
        name: the policy's name.
        compute_dtype: the dtype layer computations run in (e.g. ``'float16'``).
        variable_dtype: the dtype weights are stored in (e.g. ``'float32'``).
    """

    def __init__(self, name: str):
        if isinstance(name, torch.dtype):
            raise TypeError("'name' must be a string, not a dtype. Instead, pass the dtype's "
                            f"name. Received: name={config.dtype_name(name)}")
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, but got: {name}")
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)

    @staticmethod
    def _parse_name(name: str):
        if name.endswith("_float32_vars"):
            raise ValueError(_removed_policy_message(name))
        if name in _MIXED:
            return _MIXED[name], "float32"
        if name == "_infer":
            return None, None
        dtype = _canonical_dtype(name)
        if dtype is None:
            raise ValueError(f"Cannot convert value {name} to a mixed precision Policy. Valid "
                             "policies include 'mixed_float16', 'mixed_bfloat16', and the name "
                             "of any dtype such as 'float32'.")
        return dtype, dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> Optional[str]:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> Optional[str]:
        return self._variable_dtype

    @property
    def is_mixed(self) -> bool:
        """True when computation runs in a narrower dtype than the weights (autocast)."""
        return self._compute_dtype != self._variable_dtype

    @property
    def torch_compute_dtype(self) -> Optional[torch.dtype]:
        return None if self._compute_dtype is None else getattr(torch, self._compute_dtype)

    def __repr__(self) -> str:
        return f'<Policy "{self._name}">'

    def __eq__(self, other) -> bool:
        return isinstance(other, Policy) and type(other) is type(self) and other.name == self.name

    def __hash__(self) -> int:
        return hash((type(self), self._name))

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config_: dict, custom_objects=None) -> "Policy":
        config_ = dict(config_)
        config_.pop("loss_scale", None)  # TF 2.3's experimental Policy had one
        return cls(**config_)


_global_policy: Optional[Policy] = None


def global_policy() -> Policy:
    """The global policy: the one set by `set_global_policy`, else ``Policy(floatx())``."""
    if _global_policy is None:
        return Policy(config.floatx())
    return _global_policy


def set_global_policy(policy: Union[Policy, str, None]) -> None:
    """Sets the policy used by layers created afterwards and by the training loop.

    Args:
        policy: a `Policy`, a policy name such as ``'mixed_float16'``, or None to go back
            to ``Policy(floatx())``. Only floating-point policies can be global.
    """
    global _global_policy
    if policy is not None and not isinstance(policy, Policy):
        policy = Policy(policy)
    if policy is not None and policy.compute_dtype is not None and \
            policy.compute_dtype not in _FLOATING:
        raise ValueError("set_global_policy can only be used to set the global policy to "
                         'floating-point policies, such as "float32" and "mixed_float16", but '
                         f"got policy: {policy.name}")
    _global_policy = policy


@contextlib.contextmanager
def policy_scope(policy: Union[Policy, str]):
    """Sets the global policy inside a ``with`` block, restoring the previous one after it."""
    previous = _global_policy
    try:
        set_global_policy(policy)
        yield
    finally:
        set_global_policy(previous)


def autocast(device_type: str, policy: Optional[Policy] = None):
    """The context a forward pass runs in under `policy` (default: the global policy).

    A mixed policy gives ``torch.autocast(device_type, dtype=<compute dtype>)``; any other
    policy gives a context that does nothing.

    Args:
        device_type: ``'cuda'`` or ``'cpu'`` (the device the model runs on).
    """
    policy = global_policy() if policy is None else policy
    if policy.compute_dtype is None or not policy.is_mixed:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=policy.torch_compute_dtype)


def get_policy(identifier) -> Policy:
    """A `Policy` from a Policy, a config dict, a name, a dtype, or None (the global policy)."""
    if isinstance(identifier, Policy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, torch.dtype):
        return Policy(config.dtype_name(identifier))
    if identifier:
        return Policy(identifier)
    return global_policy()


def serialize(policy: Policy):
    """A plain policy serializes as its dtype name (as in tf.keras); others as a config dict."""
    if type(policy) is Policy and (policy.name == "_infer" or not policy.is_mixed):
        return None if policy.name == "_infer" else policy.name
    return {"class_name": "Policy", "config": policy.get_config()}


def deserialize(config_, custom_objects=None) -> Policy:
    if config_ is None:
        return Policy("_infer")
    if isinstance(config_, str):
        return Policy(config_)
    if isinstance(config_, dict) and config_.get("class_name") in ("Policy", "PolicyV1",
                                                                    "DTypePolicy"):
        return Policy.from_config(config_.get("config", {}))
    raise ValueError(f"Could not interpret dtype policy: {config_!r}. Expected a name such as "
                     "'mixed_float16' or {'class_name': 'Policy', 'config': {'name': ...}}.")
