"""tf.distribute-style strategies mapped onto torchrun data parallelism.

Keras 2 code written for TensorFlow creates a strategy and builds the model in its scope::

    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = build_and_compile()
    model.fit(x, y, batch_size=64 * strategy.num_replicas_in_sync)

Here the replicas are processes started by ``torchrun --nproc_per_node=N``; ``fit`` handles
sharding, gradient averaging and metric reduction (see ``replicas.py``). A strategy therefore
only reports the replica count and picks the device; its ``scope()`` needs no bookkeeping.
"""
import contextlib
import warnings
from typing import Optional

import torch

from . import replicas as _replicas

_STACK = []  # strategies whose scope() is open, innermost last


class Strategy:
    """Base of the strategies: ``scope()``, ``num_replicas_in_sync`` and the dataset helpers."""

    def __init__(self):
        self._device: Optional[torch.device] = None

    @property
    def num_replicas_in_sync(self) -> int:
        return _replicas.env_world_size() if _replicas.is_distributed() else 1

    @property
    def cluster_resolver(self):
        return None

    @property
    def extended(self):
        return self

    @contextlib.contextmanager
    def scope(self):
        """Models built inside are built on this strategy's device; replicas join at fit time."""
        from ..backend import config
        previous = config.get_device()
        if self._device is not None:
            config.set_device(self._device)
        elif _replicas.is_distributed():
            _replicas.current()  # join now, so that weights are created on this rank's GPU
        _STACK.append(self)
        try:
            yield self
        finally:
            _STACK.pop()
            if self._device is not None:
                config.set_device(previous)

    def experimental_distribute_dataset(self, dataset, options=None):
        """Datasets are split per batch by ``fit``: the dataset itself is used unchanged."""
        return dataset

    def run(self, fn, args=(), kwargs=None, options=None):
        """Call ``fn`` in this replica (each process is one replica)."""
        return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """Sum or mean of ``value`` over the replicas (``axis`` reduces inside it first)."""
        t = torch.as_tensor(value)
        if axis is not None:
            t = t.sum(dim=axis) if str(reduce_op).upper().endswith("SUM") else t.mean(dim=axis)
        rep = _replicas.current()
        if rep is None:
            return t
        buf = rep._comm(t.detach().clone().double())
        torch.distributed.all_reduce(buf)
        if not str(reduce_op).upper().endswith("SUM"):
            buf /= rep.world_size
        return buf.to(t.dtype).cpu()

    def __enter__(self):
        raise TypeError(f"Use `with strategy.scope():`, not `with strategy:` ({type(self).__name__}).")

    def __exit__(self, *exc):
        return False


class MirroredStrategy(Strategy):
    """Synchronous data parallelism over the processes that torchrun started on this machine.

    Args:
        devices: accepted for TensorFlow code. One process drives one device here: with several
            devices and no torchrun, a warning says how to launch (``torchrun --nproc_per_node``).
        cross_device_ops: accepted and ignored (NCCL/gloo all-reduce is used).
    """

    def __init__(self, devices=None, cross_device_ops=None):
        super().__init__()
        devices = None if devices is None else list(devices)
        if devices is not None and len(devices) > 1 and not _replicas.is_distributed():
            warnings.warn(f"MirroredStrategy(devices={devices}): one process trains on one "
                          "device here. Launch the script with `torchrun --nproc_per_node="
                          f"{len(devices)} script.py` to train on all of them; this run "
                          "uses one replica.", RuntimeWarning)


class MultiWorkerMirroredStrategy(MirroredStrategy):
    """Synchronous data parallelism over processes on several machines (torchrun --nnodes=...)."""

    def __init__(self, communication_options=None, cluster_resolver=None):
        super().__init__()


class OneDeviceStrategy(Strategy):
    """Everything on one device: ``OneDeviceStrategy('/gpu:0')`` or ``('cuda:0')``/``('cpu')``."""

    def __init__(self, device):
        super().__init__()
        self._device = _parse_device(device)

    @property
    def num_replicas_in_sync(self) -> int:
        return 1


def _parse_device(device) -> torch.device:
    """TensorFlow names ('/gpu:0', '/device:GPU:1', '/cpu:0') or torch names ('cuda:0')."""
    if isinstance(device, torch.device):
        return device
    name = str(device).strip().lower()
    name = name.split("device:")[-1].lstrip("/")
    if name.startswith("gpu") or name.startswith("cuda"):
        index = name.split(":")[1] if ":" in name else "0"
        return torch.device("cuda", int(index))
    if name.startswith("cpu"):
        return torch.device("cpu")
    raise ValueError(f"OneDeviceStrategy: unknown device {device!r}; use '/gpu:0', 'cuda:0' or '/cpu:0'.")


_DEFAULT = Strategy()


def get_strategy() -> Strategy:
    """The strategy whose scope is open, else the default (one replica, or this torchrun rank)."""
    return _STACK[-1] if _STACK else _DEFAULT


def has_strategy() -> bool:
    return bool(_STACK)


def in_cross_replica_context() -> bool:
    return True
