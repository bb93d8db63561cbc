"""One data path for fit/evaluate/predict: every input kind becomes batches of torch tensors.

``adapt(x, y, sample_weight, ...)`` returns a ``DataHandler`` whose ``batches(epoch)`` yields
``(x, y, sample_weight)`` on the model's device. Numpy arrays, lists and dicts are converted to
tensors once and sliced per batch; generators, ``keras.utils.Sequence`` and torch ``Dataset``/
``DataLoader`` objects are drawn from batch by batch.
"""
import math
import warnings
from typing import Iterator, Optional

import numpy as np
import torch

from ..backend import config


# ---------------------------------------------------------------- structures
def map_structure(fn, structure):
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    if structure is None:
        return None
    return fn(structure)


def flatten(structure) -> list:
    if isinstance(structure, (list, tuple)):
        return [a for s in structure for a in flatten(s)]
    if isinstance(structure, dict):
        return [a for v in structure.values() for a in flatten(v)]
    return [] if structure is None else [structure]


def to_tensor(value, name: str = "input") -> torch.Tensor:
    """An array-like as a CPU tensor; floats become floatx, so numpy float64 data trains in float32."""
    if torch.is_tensor(value):
        t = value
    else:
        arr = np.asarray(value)
        if arr.dtype == object or arr.dtype.kind in "USV":
            raise ValueError(f"Failed to convert a NumPy array to a Tensor ({name} has dtype "
                             f"{arr.dtype}). Convert the data to numbers first, e.g. "
                             "with pad_sequences() for ragged lists or np.asarray(x, dtype='float32').")
        if arr.dtype == np.float16 or arr.dtype.kind == "b":
            arr = arr.astype(config.floatx())
        t = torch.from_numpy(np.ascontiguousarray(arr))
    if t.is_floating_point() and t.dtype != config.torch_dtype():
        t = t.to(config.torch_dtype())
    elif t.dtype == torch.uint8 or t.dtype == torch.bool:
        t = t.to(config.torch_dtype())
    return t


# Below this size a plain (pageable, synchronous) copy to the GPU is cheaper than staging the
# batch in pinned memory first: measured on an H100, pinning added ~0.15 ms per step for
# 32-sample batches and gained nothing at 400 KB.
PIN_MIN_BYTES = 1 << 20


def to_device(t: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``t`` on ``device``. A large CPU batch bound for a GPU is first copied into pinned
    (page-locked) memory so that the host-to-device copy runs asynchronously (``non_blocking``):
    the next batch is prepared while this one is still being copied and computed on."""
    if device.type == "cuda" and t.device.type == "cpu" and t.numel() * t.element_size() >= PIN_MIN_BYTES:
        return (t if t.is_pinned() else t.pin_memory()).to(device, non_blocking=True)
    return t.to(device)


def num_samples(structure) -> int:
    sizes = {int(a.shape[0]) for a in flatten(structure)}
    return sizes.pop() if len(sizes) == 1 else -1


def check_sample_counts(x, y, sample_weight) -> int:
    counts = {"x": [int(a.shape[0]) for a in flatten(x)], "y": [int(a.shape[0]) for a in flatten(y)],
              "sample_weight": [int(a.shape[0]) for a in flatten(sample_weight)]}
    if len(set(counts["x"])) > 1:
        raise ValueError("Data cardinality is ambiguous: all input arrays should contain the same "
                         f"number of samples. Got array sizes: {counts['x']}")
    if len(set(counts["y"])) > 1:
        raise ValueError("Data cardinality is ambiguous: all target arrays should contain the same "
                         f"number of samples. Got array sizes: {counts['y']}")
    everything = counts["x"] + counts["y"] + counts["sample_weight"]
    if len(set(everything)) > 1:
        raise ValueError("Data cardinality is ambiguous:\n"
                         f"  x sizes: {', '.join(map(str, counts['x']))}\n"
                         f"  y sizes: {', '.join(map(str, counts['y']))}\n"
                         "Make sure all arrays contain the same number of samples.")
    return everything[0] if everything else 0


# ---------------------------------------------------------------- handlers
class ArrayHandler:
    """In-memory arrays: shuffled index batches (Keras's shuffle=True|False|'batch')."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, steps=None,
                 passes: int = 1):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.n = check_sample_counts(x, y, sample_weight)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        full_steps = int(math.ceil(self.n / self.batch_size)) if self.n else 0
        # As tf.keras: with a `steps` other than one pass, the passes over the arrays (`passes` of
        # them, each shuffled anew) form one stream that every epoch takes `steps` batches from,
        # so an epoch goes on where the previous one stopped; running dry ends the training.
        self._streamed = steps is not None and int(steps) != full_steps and full_steps > 0
        self.steps = full_steps if steps is None else int(steps)
        self._passes_left = max(int(passes), 1)
        self._stream = None
        self.exhausted = False
        self.size = self.n
        self.permute = torch.randperm  # data parallel runs draw the order on rank 0 and share it

    def batches(self, epoch: int = 0) -> Iterator:
        if not self._streamed:
            yield from self._one_pass()
            return
        if self._stream is None:
            self._stream = self._all_passes()
        for step in range(self.steps):
            try:
                yield next(self._stream)
            except StopIteration:
                warnings.warn("Your input ran out of data; interrupting training. Make sure that your "
                              "dataset or generator can generate at least `steps_per_epoch * epochs` "
                              f"batches (in this case, {self.steps} batches per epoch).")
                self.exhausted = True
                return

    def _all_passes(self) -> Iterator:
        while self._passes_left > 0:
            self._passes_left -= 1
            yield from self._one_pass()

    def _one_pass(self) -> Iterator:
        n, bs = self.n, self.batch_size
        order = None
        if self.shuffle == "batch":
            block = self.permute(int(math.ceil(n / bs)))
            order = torch.cat([torch.arange(b * bs, min((b + 1) * bs, n)) for b in block.tolist()])
        elif self.shuffle:
            order = self.permute(n)
        for step in range(int(math.ceil(n / bs)) if self._streamed else min(self.steps, int(math.ceil(n / bs)))):
            lo, hi = step * bs, min((step + 1) * bs, n)
            if order is None:
                take = (lambda a, lo=lo, hi=hi: a[lo:hi])
            else:
                idx = order[lo:hi]
                take = (lambda a, idx=idx: a.index_select(0, idx))
            yield (_take_all(take, self.x), _take_all(take, self.y), _take_all(take, self.sample_weight))

    def on_device(self, device: torch.device) -> bool:
        """True when every array already lives on ``device``'s type (batches need no move)."""
        kinds = {a.device.type for a in flatten((self.x, self.y, self.sample_weight))}
        return kinds <= {device.type}


def _take_all(take, structure):
    """``take`` applied to each array of a flat list (the usual case), else through the nesting."""
    if type(structure) is list and all(a is None or torch.is_tensor(a) for a in structure):
        return [None if a is None else take(a) for a in structure]
    return map_structure(take, structure)


class IteratorHandler:
    """Python generators, keras Sequences and torch DataLoaders: batches as they come."""

    def __init__(self, source, steps=None, workers=1, use_multiprocessing=False,
                 max_queue_size=10, shuffle=False, for_predict=False):
        self.source = source
        self.for_predict = for_predict
        self.workers, self.use_multiprocessing = workers, use_multiprocessing
        self.max_queue_size, self.shuffle = max_queue_size, shuffle
        length = _length(source)
        self.is_finite_reusable = length is not None and not _is_generator(source)
        if steps is None and length is None:
            raise ValueError("When passing an infinitely repeating data generator, you must "
                             "specify `steps_per_epoch` (fit) or `steps` (evaluate/predict).")
        self.steps = int(steps) if steps is not None else length
        self._iterator = None
        self.size = None

    def batches(self, epoch: int = 0) -> Iterator:
        if self.is_finite_reusable:
            iterator = self._iterate_reusable()
        else:
            if self._iterator is None:
                self._iterator = iter(self.source)
            iterator = self._iterator
        for step in range(self.steps):
            try:
                item = next(iterator)
            except StopIteration:
                if step == 0 or not self.is_finite_reusable:
                    warnings.warn("Your input ran out of data; interrupting training. Make sure that "
                                  "your dataset or generator can generate at least `steps_per_epoch * "
                                  f"epochs` batches (in this case, {self.steps} batches).")
                    self.exhausted = True
                return
            yield unpack(item, self.for_predict)
        if self.is_finite_reusable and hasattr(self.source, "on_epoch_end"):
            self.source.on_epoch_end()

    def _iterate_reusable(self):
        if _is_sequence(self.source):
            from ..utils import data_utils
            iterate = getattr(data_utils, "iterate_sequence", None)
            if iterate is not None and self.workers and self.workers > 1:
                return iter(iterate(self.source, self.workers, self.use_multiprocessing,
                                    self.max_queue_size, self.shuffle))
            order = np.random.permutation(len(self.source)) if self.shuffle else range(len(self.source))
            return (self.source[int(i)] for i in order)
        return iter(self.source)


def unpack(item, for_predict=False):
    """A batch as (x, y, sample_weight): generators yield x, (x,), (x, y) or (x, y, w)."""
    if isinstance(item, tuple):
        if len(item) == 1:
            return item[0], None, None
        if len(item) == 2:
            return item[0], item[1], None
        if len(item) == 3:
            return item
        raise ValueError("A generator or Sequence must yield tuples (x, y) or (x, y, sample_weight); "
                         f"got a tuple of length {len(item)}.")
    if isinstance(item, list) and len(item) in (2, 3) and not for_predict and _looks_like_pair(item):
        return tuple(item) + (None,) * (3 - len(item))
    if for_predict:
        return item, None, None
    raise ValueError("A generator or Sequence used for training must yield tuples (inputs, targets) or "
                     f"(inputs, targets, sample_weights); got {type(item).__name__}.")


def _looks_like_pair(item) -> bool:
    # torch DataLoaders collate (x, y) datasets into [x_batch, y_batch] lists
    return all(torch.is_tensor(v) or isinstance(v, (np.ndarray, list, dict)) for v in item)


def _length(source) -> Optional[int]:
    if _is_generator(source):
        return None
    try:
        return len(source)
    except TypeError:
        return None


def _is_generator(source) -> bool:
    import types
    return isinstance(source, types.GeneratorType) or (hasattr(source, "__next__") and not hasattr(source, "__len__"))


def _is_sequence(source) -> bool:
    return hasattr(source, "__getitem__") and hasattr(source, "__len__") and hasattr(source, "on_epoch_end")


def is_iterator_input(x) -> bool:
    if x is None or isinstance(x, (np.ndarray, list, tuple, dict)) or torch.is_tensor(x):
        return False
    if isinstance(x, torch.utils.data.Dataset) and not isinstance(x, torch.utils.data.IterableDataset):
        return True
    return hasattr(x, "__iter__") or hasattr(x, "__next__") or _is_sequence(x)


def wrap_torch_dataset(x, batch_size, shuffle):
    """A map-style torch Dataset passed directly: batch it with a DataLoader."""
    if isinstance(x, torch.utils.data.Dataset) and not isinstance(x, torch.utils.data.IterableDataset) \
            and not _is_sequence(x):
        return torch.utils.data.DataLoader(x, batch_size=batch_size or 32, shuffle=bool(shuffle))
    return x
