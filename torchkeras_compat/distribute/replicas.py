"""Data parallel training on ``torch.distributed``: one process per replica, launched by torchrun.

``torchrun --nproc_per_node=N script.py`` starts N copies of an unmodified Keras script with
``RANK``/``WORLD_SIZE``/``LOCAL_RANK``/``MASTER_ADDR``/``MASTER_PORT`` in their environment. The
first ``fit``/``evaluate`` then joins the process group (gloo on the CPU, NCCL on CUDA) and:

- copies rank 0's weights to every rank, so that all replicas start alike;
- gives each rank its slice of every global batch (``batch_size`` is the global batch size,
  as in tf.distribute); the shuffled order is drawn on rank 0 and shared;
- after ``backward`` sums the gradients over the ranks, each weighted by its share of the
  global batch: the update equals one process training on the whole global batch;
- sums the metric states (totals, counts, confusion matrices) over the ranks when epoch logs
  are read, so history and callbacks see the global values on every rank.

Only rank 0 (the chief) prints, writes logs and saves files. Every rank must run the same code
(same model, same ``fit`` calls): the collectives are matched by order.
"""
import os
from typing import List, Optional

import torch

# Callbacks that only write (to the console, files, or the network): they run on the chief only.
WRITER_CALLBACKS = ("ProgbarLogger", "CSVLogger", "TensorBoard", "RemoteMonitor")
_BUCKET_BYTES = 25 * 1024 * 1024  # gradients are summed in buckets of about this size


def env_world_size() -> int:
    """WORLD_SIZE as torchrun sets it (1 outside torchrun)."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        raise ValueError(f"WORLD_SIZE={os.environ['WORLD_SIZE']!r} is not an integer; launch "
                         "with torchrun or set WORLD_SIZE to the number of processes.") from None


def env_rank() -> int:
    return int(os.environ.get("RANK", "0"))


def is_distributed() -> bool:
    """True in a process that is one of several replicas (torchrun with more than 1 process)."""
    return env_world_size() > 1 or _initialized_group_size() > 1


def _initialized_group_size() -> int:
    dist = torch.distributed
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def is_chief() -> bool:
    """True in the process that prints and saves: rank 0, or the only process."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return env_rank() == 0


class Replicas:
    """This process's place among the replicas, and the collectives the training loop needs."""

    def __init__(self, rank: int, world_size: int, device: torch.device):
        self.rank, self.world_size, self.device = rank, world_size, device
        self.is_chief = rank == 0
        self.global_batch = None  # the size of the global batch being trained on (set per batch)

    # ------------------------------------------------------------ collectives
    def _comm(self, t: torch.Tensor) -> torch.Tensor:
        """NCCL reduces CUDA tensors; gloo reduces CPU tensors."""
        return t.to(self.device) if self.device.type == "cuda" else t.cpu()

    def broadcast_weights(self, model) -> None:
        """Rank 0's parameters and buffers (BatchNorm statistics) to every rank."""
        dist = torch.distributed
        with torch.no_grad():
            for t in list(model.parameters()) + list(model.buffers()):
                buf = self._comm(t.detach())
                dist.broadcast(buf, src=0)
                if buf is not t:
                    t.copy_(buf)

    def broadcast(self, t: torch.Tensor) -> torch.Tensor:
        buf = self._comm(t.clone())
        torch.distributed.broadcast(buf, src=0)
        return buf.to(t.device)

    def sync_gradients(self, optimizer, local_batch: int) -> None:
        """Sum over ranks of each gradient times (local batch / global batch).

        For losses averaged over the batch this is the gradient of the loss averaged over the
        global batch, even when the last global batch does not split evenly."""
        params = [p for p in getattr(optimizer, "_params", []) if p.grad is not None]
        if not params:
            return
        share = local_batch / float(self.global_batch or local_batch * self.world_size)
        for bucket in _buckets([p.grad for p in params]):
            flat = torch._utils._flatten_dense_tensors(bucket)
            flat = self._comm(flat).mul_(share)
            torch.distributed.all_reduce(flat)
            flat = flat.to(bucket[0].device)
            for g, synced in zip(bucket, torch._utils._unflatten_dense_tensors(flat, bucket)):
                g.copy_(synced)

    def reduced_logs(self, model) -> dict:
        """The model's metric results over all ranks: states summed, results computed, and the
        local states put back (so batch logs keep running on this rank's own numbers)."""
        from ..engine.compile_utils import metric_name
        metrics = model.metrics
        states = [(m, _metric_states(m)) for m in metrics]
        saved = [[s.detach().clone() for s in st] for _, st in states]
        flat_states = [s for _, st in states for s in st]
        if flat_states:
            for bucket in _buckets(flat_states, by_dtype=True):
                flat = self._comm(torch._utils._flatten_dense_tensors(bucket).double())
                torch.distributed.all_reduce(flat)
                flat = flat.to(bucket[0].device)
                for s, v in zip(bucket, torch._utils._unflatten_dense_tensors(flat, bucket)):
                    s.copy_(v.to(s.dtype))
        logs = {metric_name(m): m.result() for m in metrics}
        logs = {k: float(v) for k, v in logs.items()}
        for (_, st), old in zip(states, saved):
            for s, o in zip(st, old):
                s.copy_(o)
        return logs

    def barrier(self) -> None:
        torch.distributed.barrier()

    # ------------------------------------------------------------ data
    def shard(self, batch):
        """This rank's contiguous slice of a global batch ``(x, y, sample_weight)`` structure."""
        from ..engine import data_adapter
        n = data_adapter.num_samples(batch)
        if n < 0:
            raise ValueError("Data parallel fit: the arrays of a batch have different lengths; "
                             "cannot split the batch between replicas.")
        self.global_batch = n
        lo, hi = _shard_bounds(n, self.rank, self.world_size)
        return data_adapter.map_structure(lambda a: a[lo:hi], batch)


def _shard_bounds(n: int, rank: int, world: int):
    """Rows [lo, hi) of a batch of n for `rank`: sizes differ by at most one, lower ranks larger."""
    base, extra = divmod(n, world)
    lo = rank * base + min(rank, extra)
    return lo, lo + base + (1 if rank < extra else 0)


def _metric_states(metric) -> List[torch.Tensor]:
    states = [getattr(metric, n) for n in getattr(metric, "_state_names", ())]
    return [s for s in states if torch.is_tensor(s)]


def _buckets(tensors: List[torch.Tensor], by_dtype: bool = True) -> List[List[torch.Tensor]]:
    out, current, size, key = [], [], 0, None
    for t in tensors:
        k = (t.dtype, t.device)
        if current and (k != key or size + t.numel() * t.element_size() > _BUCKET_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(t)
        size += t.numel() * t.element_size()
        key = k
    if current:
        out.append(current)
    return out


_REPLICAS: Optional[Replicas] = None


def current() -> Optional[Replicas]:
    """The Replicas of this process when it runs under torchrun with several processes (joining
    the process group on first use), else None."""
    global _REPLICAS
    if _REPLICAS is not None:
        return _REPLICAS
    if not is_distributed():
        return None
    dist = torch.distributed
    if not dist.is_available():
        raise RuntimeError("WORLD_SIZE > 1 but this torch build has no torch.distributed; "
                           "install a torch with distributed support or run one process.")
    from ..backend import config
    use_cuda = torch.cuda.is_available() and config.get_device().type != "cpu"
    if use_cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        config.set_device(torch.device("cuda", local))
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    device = torch.device("cuda", torch.cuda.current_device()) if use_cuda else torch.device("cpu")
    _REPLICAS = Replicas(dist.get_rank(), dist.get_world_size(), device)
    return _REPLICAS


def shutdown() -> None:
    """Leave the process group (optional: torchrun tears it down at exit)."""
    global _REPLICAS
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
    _REPLICAS = None


class ShardedBatches:
    """A batch source whose batches are this rank's slices of the global batches of ``handler``.

    Every rank draws the same global batches: in-memory arrays are shuffled with an order drawn
    on rank 0 and broadcast; generators and Sequences must yield the same batches on every rank
    (seeded, as a data-parallel script's input pipeline is)."""

    def __init__(self, handler, replicas: Replicas):
        self.handler, self.replicas = handler, replicas
        if hasattr(handler, "permute"):
            handler.permute = lambda n: replicas.broadcast(torch.randperm(n))

    def __getattr__(self, name):  # steps, size, exhausted... as the wrapped handler says
        return getattr(self.handler, name)

    def batches(self, epoch: int = 0):
        for batch in self.handler.batches(epoch):
            yield self.replicas.shard(batch)


def chief_only_callbacks(callbacks, replicas: Replicas):
    """On ranks other than 0, drop the callbacks that only write (logs, progress, TensorBoard);
    the others (EarlyStopping, schedules, ModelCheckpoint's bookkeeping) run on every rank and
    decide alike, since they read the same reduced epoch logs."""
    if replicas.is_chief or callbacks is None or not isinstance(callbacks, (list, tuple)):
        return callbacks
    return [c for c in callbacks if type(c).__name__ not in WRITER_CALLBACKS]
