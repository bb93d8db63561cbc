"""Sequence preprocessing (``keras.preprocessing.sequence``): padding, time-series windows,
skip-gram pairs and word sampling tables, with Keras 2's exact semantics.

``pad_sequences`` gives Keras 2's result (and errors) byte for byte, but instead of one numpy
conversion per sequence it converts the kept steps of many sequences in one call: python lists
with one ``np.fromiter`` per block of rows and a boolean-mask scatter, lists of arrays with one
``np.concatenate`` straight into the output, one 2-D array with one slice assignment. Inputs the
fast paths cannot vouch for (unusual sequence types, nested or odd elements, invalid options,
``maxlen=0``) take the per-sequence reference path, which raises Keras's errors.
"""
import json
import random
from itertools import chain, islice
from typing import Iterator, List, Optional, Sequence as SequenceT, Tuple

import numpy as np

from torchkeras_compat.utils.data_utils import Sequence

__all__ = ["pad_sequences", "TimeseriesGenerator", "skipgrams", "make_sampling_table"]

# Sequence types whose `len`, slicing and iteration agree, so the fast paths may use any of them.
_PLAIN_SEQUENCES = (list, tuple, np.ndarray)
# Element types numpy's array coercion treats as scalars (never as a nested dimension); numpy's
# own scalars count too (but not np.void, whose records can unpack).
_SCALAR_TYPES = frozenset((int, float, complex, bool, str, bytes, type(None)))
# Output cells converted per block of rows from python lists (keeps the temporaries in cache).
_BLOCK_CELLS = 1 << 20


def pad_sequences(sequences, maxlen: Optional[int] = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or cut) sequences to one length.

    Args:
        sequences: list (or array) of sequences: lists, tuples or arrays of numbers or strings,
            or of equal-shaped vectors.
        maxlen: output length; default the longest sequence.
        dtype: output dtype ('int32' by default, so floats are cut to integers; `object` or a
            numpy str dtype for strings).
        padding: 'pre' or 'post': pad before or after each sequence.
        truncating: 'pre' or 'post': drop values from the start or the end of long sequences.
        value: padding value (a number, or a string with `dtype=object`).

    Returns:
        Array of shape `(len(sequences), maxlen) + step_shape`, where `step_shape` is the shape
        of one step of the first non-empty sequence (`()` for sequences of scalars).

    Raises:
        ValueError: for a non-iterable entry, an unknown `padding`/`truncating`, a string `value`
            with a non-string `dtype`, or a sequence whose steps differ in shape from the first
            non-empty sequence's.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    num_samples = len(sequences)
    lengths, sample_shape = _lengths_and_sample_shape(sequences)
    if maxlen is None:
        maxlen = np.max(lengths)  # numpy's own error for an empty list, as in Keras
    is_str_dtype = np.issubdtype(dtype, np.str_)
    if isinstance(value, str) and dtype != object and not is_str_dtype:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
                         "You should set `dtype=object` for variable length strings.")
    shape = (num_samples, maxlen) + sample_shape
    x = _filled(shape, value, dtype)
    if _fill_fast(x, sequences, lengths, sample_shape, np.dtype(dtype), padding, truncating):
        return x
    # the fast path may have written part of x before it declined: start from a fresh one
    return _fill_one_by_one(_filled(shape, value, dtype), sequences, maxlen, padding, truncating,
                            dtype)


def _filled(shape: tuple, value, dtype) -> np.ndarray:
    """`np.full(shape, value, dtype)`, the array Keras starts from.

    For object arrays `np.full` converts a scalar `value` once per cell (a new str or float
    object each time); here it is converted once, by the same `np.full`, and shared by all
    cells: equal values, many times faster.
    """
    if isinstance(value, (str, bytes, int, float, type(None))) and np.dtype(dtype) == object:
        x = np.empty(shape, dtype=object)
        x.fill(np.full((), value, dtype=object)[()])
        return x
    return np.full(shape, value, dtype=dtype)


def _lengths_and_sample_shape(sequences) -> Tuple[List[int], tuple]:
    """Length of every sequence, and the shape of one step of the first non-empty one."""
    try:
        lengths = list(map(len, sequences))
    except TypeError:
        lengths = None  # some entry has no length: find it below, in Keras's order
    if lengths is not None:
        first = next((x for x, n in zip(sequences, lengths) if n), None)
        if first is None:
            return lengths, ()
        try:
            return lengths, np.asarray(first).shape[1:]
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. "
                             f"Found non-iterable: {str(first)}") from e
    # Keras checks the entries one by one, taking the step shape at the first non-empty one,
    # so whichever of "no length" and "cannot convert" comes first is the error raised.
    lengths, sample_shape, found = [], (), False
    for x in sequences:
        try:
            lengths.append(len(x))
            if not found and len(x):
                sample_shape, found = np.asarray(x).shape[1:], True
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. "
                             f"Found non-iterable: {str(x)}") from e
    return lengths, sample_shape


def _fill_one_by_one(x: np.ndarray, sequences, maxlen, padding: str, truncating: str,
                     dtype) -> np.ndarray:
    """The reference path: each sequence cut, converted on its own and copied into its row.

    Every input takes this path when the fast ones decline, so it is the one that raises
    Keras's errors, at the same sequence and in the same order.
    """
    sample_shape = x.shape[2:]
    for idx, s in enumerate(sequences):
        if not len(s):
            continue  # empty sequences are skipped before any check, as in Keras
        if truncating == "pre":
            kept = s[-maxlen:]
        elif truncating == "post":
            kept = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position {idx} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            x[idx, :len(kept)] = kept
        elif padding == "pre":
            x[idx, -len(kept):] = kept
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return x


class _Declined(Exception):
    """A fast path cannot vouch for Keras's result on this input."""


def _fill_fast(x: np.ndarray, sequences, lengths: List[int], sample_shape: tuple, dtype: np.dtype,
               padding: str, truncating: str) -> bool:
    """Fill `x` like `_fill_one_by_one` would, in a few whole-array steps.

    The steps are converted to the requested `dtype` (which may be unsized, like 'U'), as Keras
    converts each sequence, and then assigned into `x`.

    Returns False when the input needs the reference path: options it does not cover, unusual
    containers or elements, or anything that fails to convert (the reference path then raises
    the error Keras raises). `x` may then hold partial results.
    """
    num_samples, maxlen = x.shape[:2]
    if (padding not in ("pre", "post") or truncating not in ("pre", "post") or not maxlen
            or not num_samples):
        return False  # maxlen=0 follows Keras's s[-0:] quirk on the reference path
    try:
        if (type(sequences) is np.ndarray and sequences.ndim >= 2
                and sequences.dtype != object):
            _fill_from_block(x, sequences, dtype, padding, truncating)
            return True
        containers = set(map(type, sequences))
        if not containers.issubset(_PLAIN_SEQUENCES):
            return False
        kept = np.minimum(np.asarray(lengths, dtype=np.int64), maxlen)
        if containers == {np.ndarray} and dtype == x.dtype:
            _fill_from_arrays(x, sequences, lengths, kept.tolist(), padding, truncating)
        else:
            _fill_from_lists(x, sequences, lengths, kept, dtype, padding, truncating)
        return True
    except Exception:  # noqa: BLE001 - any failure: let the reference path raise it exactly
        return False


def _fill_from_lists(x: np.ndarray, sequences, lengths: List[int], kept: np.ndarray,
                     dtype: np.dtype, padding: str, truncating: str) -> None:
    """Python lists or tuples (arrays among them allowed), a block of rows at a time: the kept
    steps of the block converted in one call, then scattered into its rows with one boolean
    mask. Blocks of about `_BLOCK_CELLS` cells keep those temporaries in cache."""
    num_samples, maxlen = x.shape[:2]
    sample_shape = x.shape[2:]
    rows_per_block = max(1, _BLOCK_CELLS // (maxlen * int(np.prod(sample_shape))))
    # lists, so that each block takes exactly its rows (a block's conversion may stop before
    # its trailing empty sequences)
    sequences = sequences if type(sequences) is list else list(sequences)
    kept_list = kept.tolist()
    steps = np.arange(maxlen)
    for start in range(0, num_samples, rows_per_block):
        stop = min(start + rows_per_block, num_samples)
        block_kept = kept[start:stop]
        items = zip(sequences[start:stop], lengths[start:stop], kept_list[start:stop])
        values = _kept_steps(items, int(block_kept.sum()), dtype, sample_shape, truncating)
        # the kept steps fill, in row-major order, exactly the cells this mask selects
        if padding == "pre":
            inside = steps[None, :] >= (maxlen - block_kept)[:, None]
        else:
            inside = steps[None, :] < block_kept[:, None]
        x[start:stop][inside] = values


def _fill_from_arrays(x: np.ndarray, arrays, lengths: List[int], kept: List[int], padding: str,
                      truncating: str) -> None:
    """`sequences` are all numpy arrays: lay each kept part and the padding beside it end to
    end, and let one `concatenate` cast them into `x` (each part with its own cast, exactly
    `asarray(part, dtype)`, so mixed input dtypes are never promoted together first)."""
    maxlen = x.shape[1]
    pad_row = x[0].copy()  # `value` as `np.full` converted it; rows of x are not yet written
    pads = [pad_row[:n] for n in range(maxlen + 1)]  # one view per padding length
    parts = []
    for q, n, kept_n in zip(arrays, lengths, kept):
        if not n:
            parts.append(pad_row)  # skipped whatever its shape, as in Keras
            continue
        part = q if kept_n == n else (q[n - kept_n:] if truncating == "pre" else q[:kept_n])
        # (the `_cut` above inlined: this loop runs once per sequence)
        if kept_n == maxlen:
            parts.append(part)  # a full row: no padding part (each part costs a copy call)
        elif padding == "pre":
            parts += (pads[maxlen - kept_n], part)
        else:
            parts += (part, pads[maxlen - kept_n])
    np.concatenate(parts, axis=0, out=x.reshape((-1,) + x.shape[2:]), casting="unsafe")


def _fill_from_block(x: np.ndarray, block: np.ndarray, dtype: np.dtype, padding: str,
                     truncating: str) -> None:
    """`sequences` is one array `(num_samples, length) + step_shape`: all rows equally long."""
    maxlen, length = x.shape[1], block.shape[1]
    if not length:
        return  # all sequences empty: nothing to copy
    kept = block[:, -maxlen:] if truncating == "pre" else block[:, :maxlen]
    n = kept.shape[1]
    target = x[:, :n] if padding == "post" else x[:, maxlen - n:]
    target[...] = kept.astype(dtype, copy=False)


def _kept_steps(items: Iterator, total: int, dtype: np.dtype, sample_shape: tuple,
                truncating: str) -> np.ndarray:
    """Every step that survives truncation, of the `(sequence, length, kept)` items in order,
    as one array of `dtype` with shape `(total,) + sample_shape`, converted exactly as Keras
    converts each sequence; raises (or `_Declined`) when that cannot be guaranteed."""
    steps = chain.from_iterable(_kept_parts(items, dtype, truncating, len(sample_shape)))
    if not sample_shape and dtype.kind in "iufcO":
        # numbers (or objects): one pass from the python objects straight into the array.
        # fromiter packs each element as `np.asarray(list)` does; a nested element fails to
        # pack into a number (ragged or wrongly shaped input), and the reference path then
        # raises Keras's error.
        values = np.fromiter(steps, dtype=dtype, count=total)
        if dtype == object and not all(map(_is_scalar_type, set(map(type, values)))):
            raise _Declined  # an object array stores a nested list where numpy would nest it
    else:
        # other dtypes, and steps that are vectors: one `np.array` over all kept steps, which
        # converts each element as the per-sequence `np.asarray` does; a nested or ragged step
        # shows up as a wrong shape (or an error) instead of passing unnoticed.
        if dtype == object:
            raise _Declined  # object arrays may hold ragged vectors as lists: per row they fail
        values = np.array(list(steps), dtype=dtype)
    if values.shape != (total,) + sample_shape:
        raise _Declined  # a step of another shape than the first sequence's steps
    return values


def _is_scalar_type(t: type) -> bool:
    return t in _SCALAR_TYPES or (issubclass(t, np.generic) and not issubclass(t, np.void))


def _cut(q, n: int, kept_n: int, truncating: str):
    """The kept part of `q` (a slice, so no copy for arrays and lists' elements untouched)."""
    if kept_n == n:
        return q
    return q[n - kept_n:] if truncating == "pre" else q[:kept_n]


def _kept_parts(items: Iterator, dtype: np.dtype, truncating: str, step_ndim: int) -> Iterator:
    """The kept steps of each non-empty `(sequence, length, kept)` item, lazily (python lists
    are not copied)."""
    for q, n, kept_n in items:
        if not n:
            continue
        if type(q) is np.ndarray:
            if q.ndim != 1 + step_ndim:
                raise _Declined
            # an array among lists: Keras's own per-sequence cast, then its elements
            yield np.asarray(_cut(q, n, kept_n, truncating), dtype=dtype)
        elif kept_n == n:
            yield q
        elif truncating == "pre":
            yield islice(q, n - kept_n, None)
        else:
            yield islice(q, kept_n)


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
                raise ValueError(f"TimeseriesGenerator: `{name}` must be a positive integer, "
                                 f"got {v}.")
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
            raise ValueError(f"`start_index+length={self.start_index} > "
                             f"end_index={self.end_index}` "
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
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


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
