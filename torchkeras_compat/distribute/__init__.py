"""``torchkeras_compat.distribute``: data-parallel training on torch.distributed (torchrun).

An unmodified Keras script launched with ``torchrun --nproc_per_node=N script.py`` (or
``torchrun --nproc_per_node=N -m torchkeras_compat script.py``) trains data-parallel: ``fit``
shards each global batch over the N processes, averages gradients, reduces metrics, and only
rank 0 prints and saves. tf.distribute-style code maps onto the same machinery::

    strategy = keras.distribute.MirroredStrategy()
    with strategy.scope():
        model = make_model()
        model.compile(...)
"""
from .replicas import Replicas, current, is_chief, is_distributed, shutdown
from .strategy import (MirroredStrategy, MultiWorkerMirroredStrategy, OneDeviceStrategy, Strategy,
                       get_strategy, has_strategy, in_cross_replica_context)


class ReduceOp:
    """``tf.distribute.ReduceOp`` names for ``strategy.reduce``."""
    SUM = "SUM"
    MEAN = "MEAN"


def get_replica_context():
    return get_strategy()


__all__ = ["MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy", "Strategy",
           "ReduceOp", "Replicas", "current", "get_strategy", "has_strategy", "is_chief",
           "is_distributed", "shutdown", "get_replica_context", "in_cross_replica_context"]
