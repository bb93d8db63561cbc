"""Sequence preprocessing (``keras.preprocessing.sequence``): padding, time-series windows,
skip-gram pairs and word sampling tables, with Keras 2's exact semantics.

``pad_sequences`` is vectorised: the sequences are flattened once and scattered into the
output with numpy fancy indexing instead of one numpy conversion per sequence.
"""
import json
import random
from itertools import chain, islice
from typing import List, Optional, Sequence as SequenceT, Tuple

import numpy as np

from torchkeras_compat.utils.data_utils import Sequence

__all__ = ["pad_sequences", "TimeseriesGenerator", "skipgrams", "make_sampling_table"]


def _lengths_and_sample_shape(sequences) -> Tuple[List[int], tuple]:
    """Length of every sequence, and the shape of one step, taken from the first non-empty one."""
    try:
        lengths = list(map(len, sequences))
    except TypeError:
        for x in sequences:  # find the culprit for the message
            if not hasattr(x, "__len__"):
                raise ValueError("`sequences` must be a list of iterables. "
                                 f"Found non-iterable: {x}") from None
        raise
    sample_shape = ()
    for x, n in zip(sequences, lengths):
        if n:
            first = x[0] if not isinstance(x, str) else x
            sample_shape = np.shape(first) if not isinstance(first, str) else ()
            break
    return lengths, tuple(sample_shape)


def _check_value_dtype(value, dtype) -> None:
    is_str_dtype = np.issubdtype(np.dtype(dtype), np.str_) if dtype is not object else False
    if isinstance(value, str) and dtype != object and not is_str_dtype:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
                         "You should set `dtype=object` for variable length strings.")


def _kept_values(sequences, lengths, kept, maxlen: int, truncating: str, dtype) -> np.ndarray:
    """The steps that survive truncation, all sequences in order, as one 1-D array of `dtype`
    (the same casts as `np.asarray(seq, dtype)`); steps cut off are never converted.

    `kept` is the number of steps kept per sequence (an int array).
    """
    total = int(kept.sum())
    if all(isinstance(q, np.ndarray) for q in sequences):
        parts = ([q[-maxlen:] for q in sequences] if truncating == "pre"
                 else [q[:maxlen] for q in sequences])  # views
        try:
            return np.concatenate(parts).astype(dtype, copy=False)
        except ValueError as e:
            raise ValueError(f"pad_sequences: the sequences must all be 1-D like the first "
                             f"non-empty one ({e}).") from None

    def lazy_parts():
        # skip the cut steps lazily instead of copying lists
        for q, n in zip(sequences, lengths):
            if hasattr(q, "tolist"):
                q = q.tolist()
            if n <= maxlen:
                yield q
            else:
                yield islice(q, n - maxlen, None) if truncating == "pre" else islice(q, maxlen)

    if np.dtype(dtype).kind in "biuf":
        try:  # numbers straight from the lists into the array: no intermediate list
            return np.fromiter(chain.from_iterable(lazy_parts()), dtype=dtype, count=total)
        except (ValueError, TypeError):
            pass  # fall through for the error message (or the odd input np.array accepts)
    flat = list(chain.from_iterable(lazy_parts()))
    try:
        values = np.array(flat, dtype=dtype)
    except (ValueError, TypeError) as e:
        raise ValueError(f"pad_sequences: the sequences hold values that cannot be converted to "
                         f"dtype {dtype!r} ({e}). For strings pass `dtype=object`.") from None
    if values.ndim != 1 or values.shape[0] != total:
        raise ValueError("pad_sequences: every step must be a scalar like the first non-empty "
                         "sequence's steps; found nested sequences of a different shape.")
    return values


def pad_sequences(sequences, maxlen: Optional[int] = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or cut) sequences to one length.

    Args:
        sequences: list of sequences (lists or arrays of numbers, strings, or of equal-shaped
            vectors).
        maxlen: output length; default the longest sequence.
        dtype: output dtype ('int32' by default, so floats are cut to integers; `object` or a
            numpy str dtype for strings).
        padding: 'pre' or 'post': pad before or after each sequence.
        truncating: 'pre' or 'post': drop values from the start or the end of long sequences.
        value: padding value (a number, or a string with `dtype=object`).

    Returns:
        Array of shape `(len(sequences), maxlen) + step_shape`.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    num_samples = len(sequences)
    lengths, sample_shape = _lengths_and_sample_shape(sequences)
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    maxlen = int(maxlen)
    _check_value_dtype(value, dtype)

    if sample_shape:
        x = np.full((num_samples, maxlen) + sample_shape, value, dtype=dtype)
        return _pad_vectors(x, sequences, lengths, sample_shape, maxlen, dtype, padding, truncating)
    if not num_samples or not maxlen:
        return np.full((num_samples, maxlen), value, dtype=dtype)
    if isinstance(sequences, np.ndarray) and sequences.ndim == 2 and sequences.dtype != object:
        # one block: every row has the same length
        block = sequences[:, -maxlen:] if truncating == "pre" else sequences[:, :maxlen]
        x = np.full((num_samples, maxlen), value, dtype=dtype)
        if padding == "post":
            x[:, :block.shape[1]] = block
        else:
            x[:, maxlen - block.shape[1]:] = block
        return x
    kept = np.minimum(np.asarray(lengths, dtype=np.int64), maxlen)
    values = _kept_values(sequences, lengths, kept, maxlen, truncating, dtype)
    x = np.full((num_samples, maxlen), value, dtype=dtype)
    # the kept steps fill, in row-major order, exactly the cells this mask selects
    steps = np.arange(maxlen)
    if padding == "pre":
        inside = steps[None, :] >= (maxlen - kept)[:, None]
    else:
        inside = steps[None, :] < kept[:, None]
    x[inside] = values
    return x


def _pad_vectors(x, sequences, lengths, sample_shape, maxlen, dtype, padding, truncating):
    """pad_sequences for sequences of vectors/matrices (steps with a shape)."""
    for idx, (s, n) in enumerate(zip(sequences, lengths)):
        if not n:
            continue
        trunc = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        if not maxlen:
            continue
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position {idx} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            x[idx, :len(trunc)] = trunc
        else:
            x[idx, -len(trunc):] = trunc
    return x


class TimeseriesGenerator(Sequence):
    """Batches of sliding windows over a time series, for `fit` (a `Sequence`).

    Sample `i` of the series ends just before row `r` and covers rows
    `r - length, r - length + sampling_rate, ...` (`length // sampling_rate` steps); its target
    is `targets[r]`. Rows `r` run from `start_index + length` to `end_index` in steps of
    `stride`.

    Args:
        data: indexable series (array or list), shape `(timesteps, ...)`.
        targets: targets per timestep, same length as `data`.
        length: length of the history window, in timesteps.
        sampling_rate: keep every `sampling_rate`-th timestep inside a window.
        stride: timesteps between two consecutive windows.
        start_index, end_index: first/last usable rows (end default `len(data) - 1`).
        shuffle: draw the rows of each batch at random (numpy's global RNG) instead of in order.
        reverse: give each window in reverse chronological order.
        batch_size: windows per batch (the last batch may be smaller).

    Each item is `(samples, targets)`: shapes `(batch, length // sampling_rate, ...)` and
    `(batch, ...)`.
    """

    def __init__(self, data, targets, length: int, sampling_rate: int = 1, stride: int = 1,
                 start_index: int = 0, end_index: Optional[int] = None, shuffle: bool = False,
                 reverse: bool = False, batch_size: int = 128):
        if len(data) != len(targets):
            raise ValueError(f"Data and targets have to be of same length. Data length is "
                             f"{len(data)} while target length is {len(targets)}")
        for name, v in (("length", length), ("sampling_rate", sampling_rate), ("stride", stride),
                        ("batch_size", batch_size)):
            if int(v) < 1:
                raise ValueError(f"TimeseriesGenerator: `{name}` must be a positive integer, got {v}.")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(f"`start_index+length={self.start_index} > end_index={self.end_index}` "
                             "is disallowed, as no part of the sequence would be left to be used "
                             "as current step.")

    def __len__(self) -> int:
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def _rows(self, index: int) -> np.ndarray:
        if self.shuffle:
            return np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        first = self.start_index + self.batch_size * self.stride * index
        last = min(first + self.batch_size * self.stride, self.end_index + 1)
        return np.arange(first, last, self.stride)

    def __getitem__(self, index: int):
        if not self.shuffle and not -len(self) <= index < len(self):
            raise IndexError(f"TimeseriesGenerator index {index} is out of range "
                             f"(it has {len(self)} batches).")
        if index < 0:
            index += len(self)
        rows = self._rows(index)
        if isinstance(self.data, np.ndarray):
            window = np.arange(-self.length, 0, self.sampling_rate)
            samples = self.data[rows[:, None] + window[None, :]]
        else:
            samples = np.array([self.data[r - self.length:r:self.sampling_rate] for r in rows])
        if isinstance(self.targets, np.ndarray):
            targets = self.targets[rows]
        else:
            targets = np.array([self.targets[r] for r in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self) -> dict:
        """Keras 2's config: data and targets as JSON strings (so they must be JSON-able)."""
        def to_json(values, what):
            if type(values).__module__ == np.__name__:
                values = values.tolist()
            try:
                return json.dumps(values)
            except TypeError as e:
                raise TypeError(f"{what} not JSON Serializable:", values) from e

        # `start_index` is stored already shifted by `length`, exactly as Keras 2 stored it.
        return {"data": to_json(self.data, "Data"), "targets": to_json(self.targets, "Targets"),
                "length": self.length, "sampling_rate": self.sampling_rate, "stride": self.stride,
                "start_index": self.start_index, "end_index": self.end_index,
                "shuffle": self.shuffle, "reverse": self.reverse, "batch_size": self.batch_size}

    def to_json(self, **kwargs) -> str:
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def timeseries_generator_from_json(json_string: str) -> TimeseriesGenerator:
    """Rebuild a `TimeseriesGenerator` from `to_json()` output."""
    config = json.loads(json_string).get("config")
    config["data"] = json.loads(config.pop("data"))
    config["targets"] = json.loads(config.pop("targets"))
    return TimeseriesGenerator(**config)


def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """Probability of keeping the word of frequency rank `i` (word2vec's subsampling).

    Word frequencies are approximated with Zipf's law, so `table[i]` is
    `min(1, sqrt(sampling_factor * inv_fq(i)))` with the Euler-Mascheroni approximation of the
    rank's harmonic number. Index 0 is treated like rank 1.
    """
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(sequence: SequenceT[int], vocabulary_size: int, window_size: int = 4,
              negative_samples: float = 1.0, shuffle: bool = True, categorical: bool = False,
              sampling_table: Optional[np.ndarray] = None, seed: Optional[int] = None):
    """Skip-gram pairs `(word, context)` with label 1 and random negative pairs with label 0.

    Uses python's `random` in the same order as Keras 2, so with the same seed state the
    pairs are the same. Index 0 is never a word (it is padding).

    Args:
        sequence: word indices (a sentence).
        vocabulary_size: 1 + the largest word index; negatives are drawn from `[1, size - 1]`.
        window_size: how far a context word may be from its word.
        negative_samples: ratio of negative to positive pairs.
        shuffle: shuffle pairs and labels together.
        categorical: labels as `[0, 1]` / `[1, 0]` instead of 1 / 0.
        sampling_table: `table[i]` is the probability of keeping word index `i` as a target.
        seed: seed for the shuffle.

    Returns:
        `(couples, labels)`: lists of `[word, context]` pairs and their labels.
    """
    couples, labels = [], []
    n = len(sequence)
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        for j in range(max(0, i - window_size), min(n, i + window_size + 1)):
            if j == i:
                continue
            wj = sequence[j]
            if not wj:
                continue
            couples.append([wi, wj])
            labels.append([0, 1] if categorical else 1)

    if negative_samples > 0:
        num_negative = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, int(vocabulary_size - 1))]
                    for i in range(num_negative)]
        labels += [[1, 0]] * num_negative if categorical else [0] * num_negative

    if shuffle:
        if seed is None:
            seed = random.randint(0, int(10e6))
        # the same seed twice keeps couples and labels aligned
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
