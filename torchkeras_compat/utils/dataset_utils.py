"""Datasets built from files or arrays: ``image_dataset_from_directory`` and
``timeseries_dataset_from_array`` (``keras.utils``), and the small `Dataset` they return.

tf.keras returns a ``tf.data.Dataset``; here `Dataset` is a finite, re-iterable sequence of
elements (batches of torch tensors) with the methods Keras code calls on those datasets:
``take``, ``skip``, ``map``, ``batch``, ``unbatch``, ``shuffle``, ``cache``, ``prefetch``,
``repeat``, ``as_numpy_iterator``, ``cardinality``, plus ``class_names``/``file_paths``.
`fit`, `evaluate` and `predict` take it as they take any re-iterable source.
"""
import os
import random
from typing import Callable, Iterable, Iterator, List, Optional, Sequence

import numpy as np
import torch

from .io_utils import print_msg

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INFINITE = -1  # tf.data's cardinality constants
UNKNOWN = -2


class Dataset:
    """A finite (or repeated) stream of elements, drawn afresh on each iteration.

    Args:
        make_iterator: a function returning a new iterator over the elements.
        cardinality: the number of elements, ``UNKNOWN`` (-2) or ``INFINITE`` (-1).
    """

    def __init__(self, make_iterator: Callable[[], Iterator], cardinality: int):
        self._make_iterator = make_iterator
        self._cardinality = int(cardinality)

    def __iter__(self) -> Iterator:
        return iter(self._make_iterator())

    def __len__(self) -> int:
        if self._cardinality < 0:
            raise TypeError("The dataset length is unknown or infinite." if self._cardinality == UNKNOWN
                            else "The dataset is infinite.")
        return self._cardinality

    def cardinality(self) -> torch.Tensor:
        """The number of elements as a 0-d int64 tensor (-1: infinite, -2: unknown)."""
        return torch.tensor(self._cardinality, dtype=torch.int64)

    def __repr__(self) -> str:
        return f"<Dataset cardinality={self._cardinality}>"

    # ------------------------------------------------------------ transformations
    def take(self, count: int) -> "Dataset":
        """The first `count` elements (all of them when `count` is -1)."""
        count = int(count)
        if count < 0:
            return self
        size = count if self._cardinality < 0 else min(count, self._cardinality)
        return Dataset(lambda: _islice(self, 0, count), size if self._cardinality != UNKNOWN else UNKNOWN)

    def skip(self, count: int) -> "Dataset":
        """All elements after the first `count`."""
        count = int(count)
        size = self._cardinality if self._cardinality < 0 else max(self._cardinality - count, 0)
        return Dataset(lambda: _islice(self, count, None), size)

    def map(self, map_func: Callable, num_parallel_calls=None, deterministic=None) -> "Dataset":
        """Apply `map_func` to every element; a tuple element is passed as separate arguments."""
        def elements():
            for element in self:
                yield map_func(*element) if isinstance(element, tuple) else map_func(element)
        return Dataset(elements, self._cardinality)

    def filter(self, predicate: Callable) -> "Dataset":
        def elements():
            for element in self:
                keep = predicate(*element) if isinstance(element, tuple) else predicate(element)
                if bool(keep):
                    yield element
        return Dataset(elements, UNKNOWN if self._cardinality >= 0 else self._cardinality)

    def batch(self, batch_size: int, drop_remainder: bool = False, num_parallel_calls=None,
              deterministic=None) -> "Dataset":
        """Stack consecutive elements into batches of `batch_size` (the last may be smaller)."""
        batch_size = int(batch_size)

        def batches():
            pending = []
            for element in self:
                pending.append(element)
                if len(pending) == batch_size:
                    yield _stack(pending)
                    pending = []
            if pending and not drop_remainder:
                yield _stack(pending)

        size = self._cardinality
        if size >= 0:
            size = size // batch_size if drop_remainder else -(-size // batch_size)
        batched = Dataset(batches, size)
        batched._batch_size = batch_size  # split_dataset re-batches its halves alike
        return batched

    def unbatch(self) -> "Dataset":
        """Split each batch back into its elements."""
        def elements():
            for batch in self:
                yield from _unstack(batch)
        return Dataset(elements, UNKNOWN if self._cardinality >= 0 else self._cardinality)

    def shuffle(self, buffer_size: int, seed: Optional[int] = None,
                reshuffle_each_iteration: bool = True) -> "Dataset":
        """Shuffle through a buffer of `buffer_size` elements, as tf.data does (the random
        draws are numpy's, so orders differ from TensorFlow's)."""
        base_seed = np.random.randint(2 ** 31) if seed is None else int(seed)
        epochs = [0]

        def elements():
            rng = np.random.RandomState(base_seed + (epochs[0] if reshuffle_each_iteration else 0))
            epochs[0] += 1
            buffer = []
            for element in self:
                buffer.append(element)
                if len(buffer) >= buffer_size:
                    yield buffer.pop(rng.randint(len(buffer)))
            while buffer:
                yield buffer.pop(rng.randint(len(buffer)))
        return Dataset(elements, self._cardinality)

    def repeat(self, count: Optional[int] = None) -> "Dataset":
        """The elements `count` times over (forever when None or -1)."""
        forever = count is None or int(count) < 0

        def elements():
            n = 0
            while forever or n < int(count):
                yield from self
                n += 1
        if forever:
            size = INFINITE if self._cardinality != 0 else 0
        else:
            size = self._cardinality * int(count) if self._cardinality >= 0 else self._cardinality
        return Dataset(elements, size)

    def cache(self, filename: str = "") -> "Dataset":
        """Keep the elements of the first full pass in memory and replay them afterwards."""
        store: List = []
        done = [False]

        def elements():
            if done[0]:
                yield from store
                return
            store.clear()
            for element in self:
                store.append(element)
                yield element
            done[0] = True
        return Dataset(elements, self._cardinality)

    def prefetch(self, buffer_size=None) -> "Dataset":
        """Elements are produced when asked for; prefetching only changes speed, so the same
        dataset is returned."""
        return self

    def as_numpy_iterator(self) -> Iterator:
        for element in self:
            yield _to_numpy(element)


def _islice(dataset: Dataset, start: int, stop: Optional[int]):
    for i, element in enumerate(dataset):
        if stop is not None and i >= stop:
            return
        if i >= start:
            yield element


def _stack(elements: list):
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_stack([e[i] for e in elements]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([e[k] for e in elements]) for k in first}
    return torch.stack([torch.as_tensor(e) for e in elements])


def _unstack(batch):
    if isinstance(batch, tuple):
        parts = [list(_unstack(b)) for b in batch]
        return [tuple(p[i] for p in parts) for i in range(len(parts[0]))]
    if isinstance(batch, dict):
        parts = {k: list(_unstack(v)) for k, v in batch.items()}
        n = len(next(iter(parts.values())))
        return [{k: v[i] for k, v in parts.items()} for i in range(n)]
    return list(torch.unbind(torch.as_tensor(batch)))


def _to_numpy(element):
    if isinstance(element, tuple):
        return tuple(_to_numpy(e) for e in element)
    if isinstance(element, dict):
        return {k: _to_numpy(v) for k, v in element.items()}
    return element.numpy() if torch.is_tensor(element) else np.asarray(element)


def _from_arrays(arrays, batch_size: Optional[int]) -> Dataset:
    """A dataset of `arrays`' rows (one array, or a tuple of them), batched by `batch_size`."""
    single = not isinstance(arrays, tuple)
    arrays = (arrays,) if single else arrays
    n = len(arrays[0])

    def rows():
        for i in range(n):
            row = tuple(a[i] for a in arrays)
            yield row[0] if single else row
    data = Dataset(rows, n)
    return data if batch_size is None else data.batch(batch_size)


# ---------------------------------------------------------------- splitting
def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False,
                  seed: Optional[int] = None):
    """Split an array, a tuple/list of arrays (one sample per row) or a `Dataset` into two
    `Dataset` objects of `left_size` and `right_size` samples (ints, or fractions of the total;
    one may be None for "the rest"), as Keras does: with `shuffle`, Python's `random` (seeded
    by `seed`) shuffles the samples first, and batched datasets give halves batched alike.
    """
    if isinstance(dataset, (tuple, list)):
        rows = [tuple(items) for items in zip(*dataset)]
    elif isinstance(dataset, (np.ndarray, torch.Tensor)):
        rows = list(dataset)
    elif isinstance(dataset, Dataset):
        batch_size = getattr(dataset, "_batch_size", None)
        rows = list(dataset.unbatch() if batch_size else dataset)
    else:
        raise TypeError("The `dataset` argument must be either a Dataset object or a list/tuple "
                        f"of arrays. Received: dataset={dataset} of type {type(dataset)}")
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.seed(seed)
        random.shuffle(rows)
    left, right = _split_sizes(left_size, right_size, len(rows))
    halves = []
    for part in (rows[:left], rows[-right:]):
        half = _from_arrays(_stack(part) if not isinstance(part[0], tuple) else
                            tuple(torch.stack([torch.as_tensor(np.asarray(r[i])) for r in part])
                                  for i in range(len(part[0]))), None)
        if isinstance(dataset, Dataset) and getattr(dataset, "_batch_size", None):
            half = half.batch(dataset._batch_size)
        halves.append(half)
    return halves[0], halves[1]


def _split_sizes(left_size, right_size, total: int):
    """Keras's rules for split sizes: ints in (0, total), floats in (0, 1); None = the rest."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, "
                            f"Received: type({name})={type(size)}.")
        if (type(size) is int and not 0 < size < total) or (type(size) is float and not 0 < size < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than {total}, "
                             f"or a float within the range `[0, 1]`. Received: {name}={size}")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be "
                         "less than or equal to 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the "
                         f"{total}. Received: left_size + right_size = {left + right}")
    for side, size in (("left", left), ("right", right)):
        if size == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left_size} and "
                             f"`right_size`={right_size}. Resulting {side} side dataset split "
                             "will be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


# ---------------------------------------------------------------- timeseries
def timeseries_dataset_from_array(data, targets, sequence_length: int, sequence_stride: int = 1,
                                  sampling_rate: int = 1, batch_size: Optional[int] = 128,
                                  shuffle: bool = False, seed: Optional[int] = None,
                                  start_index: Optional[int] = None,
                                  end_index: Optional[int] = None) -> Dataset:
    """Sliding windows over ``data[start_index:end_index]`` (time on the first axis), batched.

    Window ``i`` starts at ``s = i * sequence_stride`` (counted from `start_index`) and holds the
    steps ``s, s + sampling_rate, ..., s + (sequence_length - 1) * sampling_rate``; its target is
    the target at ``s``. Without targets the batches hold the windows only. ``shuffle`` shuffles
    the window starts (seeded by `seed`) and then the windows through a buffer, as Keras does
    (the buffer's draws are numpy's, not TensorFlow's). Arrays keep their dtype.
    """
    data = np.asarray(data)
    _check_timeseries_args(len(data), start_index, end_index, sampling_rate, sequence_stride)
    start_index = 0 if start_index is None else int(start_index)
    end_index = len(data) if end_index is None else int(end_index)
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        num_seqs = min(num_seqs, len(targets))
    starts = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(sequence_length) * sampling_rate
    window = torch.as_tensor(data[start_index:end_index])
    windows = window[torch.as_tensor(starts[:, None] + offsets)] if len(starts) else \
        window[:0].unsqueeze(1).expand((0, sequence_length) + tuple(window.shape[1:]))
    if targets is None:
        dataset = _from_arrays(windows, None)
    else:
        picked = torch.as_tensor(targets[start_index:end_index])[torch.as_tensor(starts)]
        dataset = _from_arrays((windows, picked), None)
    if shuffle:
        dataset = dataset.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    return dataset if batch_size is None else dataset.batch(batch_size)


def _check_timeseries_args(length: int, start_index, end_index, sampling_rate: int,
                           sequence_stride: int) -> None:
    """The argument checks of Keras's timeseries_dataset_from_array (same messages)."""
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= length:
            raise ValueError("`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {length}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= length:
            raise ValueError("`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {length}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= length:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: "
                             f"{name}={value}, for data of length {length}")


# ---------------------------------------------------------------- image files
def _check_split_args(validation_split, subset, shuffle, seed) -> None:
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a "
                         "`seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def index_directory(directory: str, labels, formats: Sequence[str], class_names=None,
                    shuffle: bool = True, seed: Optional[int] = None, follow_links: bool = False):
    """Files under `directory` (class subfolders in sorted order, files sorted within, subfolders
    walked) with their labels and the class names, shuffled by `seed` when asked; prints
    ``Found N files belonging to K classes.`` as Keras does."""
    if labels != "inferred":
        subdirs = [""]
        class_names = subdirs
    else:
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if not class_names:
            class_names = subdirs
        elif set(class_names) != set(subdirs):
            raise ValueError("The `class_names` passed did not match the names of the "
                             f"subdirectories of the target directory. Expected: {subdirs}, "
                             f"but received: {class_names}")
    class_indices = {name: i for i, name in enumerate(class_names)}
    filenames, file_labels = [], []
    for subdir in subdirs:
        root_dir = os.path.join(directory, subdir) if subdir else directory
        for root, _, files in sorted(os.walk(root_dir, followlinks=follow_links), key=lambda w: w[0]):
            for fname in sorted(files):
                if fname.lower().endswith(tuple(formats)):
                    filenames.append(os.path.join(subdir, os.path.relpath(os.path.join(root, fname), root_dir))
                                     if subdir else os.path.relpath(os.path.join(root, fname), root_dir))
                    file_labels.append(class_indices.get(subdir, 0))
    if labels not in ("inferred", None):
        if len(labels) != len(filenames):
            raise ValueError("Expected the lengths of `labels` to match the number of files in the "
                             f"target directory. len(labels) is {len(labels)} while we found "
                             f"{len(filenames)} files in directory {directory}.")
        class_names = sorted(set(labels))
        labels = np.asarray(labels)
    else:
        labels = np.asarray(file_labels, dtype="int32")
    print_msg(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, f) for f in filenames]
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(file_paths)
        np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def _split(paths, labels, validation_split, subset):
    if not validation_split:
        return paths, labels
    num_val = int(validation_split * len(paths))
    if subset == "training":
        print_msg(f"Using {len(paths) - num_val} files for training.")
        return paths[:-num_val], labels[:-num_val]
    print_msg(f"Using {num_val} files for validation.")
    return paths[-num_val:], labels[-num_val:]


_INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact"}


def _load_image(path: str, image_size, num_channels: int, interpolation: str,
                crop_to_aspect_ratio: bool) -> torch.Tensor:
    """One image file as a float32 ``(height, width, channels)`` tensor resized to `image_size`
    (half-pixel centres, no antialiasing, as tf.image.resize)."""
    from .image_utils import _pil
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[num_channels]
    with _pil().open(path) as img:
        if mode == "L" and img.format == "PNG" and img.mode not in ("L", "I", "I;16", "1"):
            pixels = _png_gray(np.asarray(img.convert("RGB"), dtype=np.int64))
        else:
            pixels = np.asarray(img.convert(mode), dtype=np.float32)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    x = torch.from_numpy(pixels).permute(2, 0, 1)[None]
    height, width = int(image_size[0]), int(image_size[1])
    if crop_to_aspect_ratio:  # the largest central window of the target's aspect ratio
        h, w = x.shape[2], x.shape[3]
        crop_h = min(h, int(w * height / width))
        crop_w = min(w, int(h * width / height))
        top, left = (h - crop_h) // 2, (w - crop_w) // 2
        x = x[:, :, top:top + crop_h, left:left + crop_w]
    if tuple(x.shape[2:]) != (height, width):
        x = torch.nn.functional.interpolate(x, size=(height, width), mode=interpolation,
                                            **({"align_corners": False} if interpolation == "bilinear" else {}))
    return x[0].permute(1, 2, 0).contiguous()


def _png_gray(rgb: np.ndarray) -> np.ndarray:
    """Colour PNG pixels to grey as TensorFlow's PNG decoder (libpng) does it: fixed-point
    ITU-R 601 weights, truncated (PIL rounds, which differs by 1 in places)."""
    gray = (9798 * rgb[..., 0] + 19235 * rgb[..., 1] + 3735 * rgb[..., 2]) >> 15
    return gray.astype(np.float32)


def _labels_tensor(labels, label_mode: Optional[str], num_classes: int):
    if label_mode == "binary":
        return torch.as_tensor(np.asarray(labels, dtype=np.float32)[:, None])
    if label_mode == "categorical":
        return torch.nn.functional.one_hot(torch.as_tensor(np.asarray(labels, dtype=np.int64)),
                                           num_classes).to(torch.float32)
    return torch.as_tensor(np.asarray(labels, dtype=np.int32))


def _image_dataset(paths, labels, label_mode, num_classes, image_size, num_channels,
                   interpolation, crop_to_aspect_ratio, batch_size, shuffle, seed) -> Dataset:
    label_tensor = None if label_mode is None else _labels_tensor(labels, label_mode, num_classes)

    def elements():
        for i, path in enumerate(paths):
            image = _load_image(path, image_size, num_channels, interpolation, crop_to_aspect_ratio)
            yield image if label_tensor is None else (image, label_tensor[i])
    dataset = Dataset(elements, len(paths))
    if shuffle:
        dataset = dataset.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    dataset.class_names = None
    dataset.file_paths = list(paths)
    return dataset


def image_dataset_from_directory(directory, labels="inferred", label_mode: Optional[str] = "int",
                                 class_names: Optional[List[str]] = None, color_mode: str = "rgb",
                                 batch_size: Optional[int] = 32, image_size=(256, 256),
                                 shuffle: bool = True, seed: Optional[int] = None,
                                 validation_split: Optional[float] = None,
                                 subset: Optional[str] = None, interpolation: str = "bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 **kwargs):
    """Images in class subfolders of `directory` as a `Dataset` of ``(images, labels)`` batches.

    ``images`` is float32 ``(batch, height, width, channels)`` with values 0-255, resized to
    `image_size`; ``labels`` is int32 ``(batch,)`` ('int'), float32 one-hot ('categorical') or
    float32 ``(batch, 1)`` ('binary'); with ``label_mode=None`` (or ``labels=None``) batches hold
    images only. Class subfolders are taken in alphanumeric order (or as `class_names` lists
    them). `validation_split` with `subset` 'training'/'validation' keeps the first or last part
    of the (seeded) shuffled files; 'both' returns both datasets. The result has ``class_names``
    and ``file_paths``. Interpolation: 'bilinear' or 'nearest' (as tf.image.resize).
    """
    if "smart_resize" in kwargs:
        crop_to_aspect_ratio = kwargs.pop("smart_resize")
    if kwargs:
        raise TypeError(f"Unknown keywords argument(s): {tuple(kwargs.keys())}")
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same "
                             "size as the number of image files in the target directory. If you wish "
                             'to infer the labels from the subdirectory names, pass labels="inferred"; '
                             f"for images only, labels=None. Received: labels={labels}")
        if class_names:
            raise ValueError('You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", or '
                         f"None. Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}
    if color_mode not in channels:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if interpolation not in _INTERPOLATIONS:
        raise NotImplementedError(f"image_dataset_from_directory: interpolation={interpolation!r} is "
                                  f"not supported here; use one of {sorted(_INTERPOLATIONS)}.")
    _check_split_args(validation_split, subset, shuffle, seed)
    seed = np.random.randint(1e6) if seed is None else seed
    paths, file_labels, class_names = index_directory(
        directory, labels, IMAGE_FORMATS, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 class_names. '
                         f"Received: class_names={class_names}")

    def make(subset_name):
        sub_paths, sub_labels = _split(paths, file_labels, validation_split, subset_name)
        if not sub_paths:
            raise ValueError(f"No {'' if subset_name is None else subset_name + ' '}images found in "
                             f"directory {directory}. Allowed formats: {IMAGE_FORMATS}")
        dataset = _image_dataset(sub_paths, sub_labels, label_mode, len(class_names), image_size,
                                 channels[color_mode], _INTERPOLATIONS[interpolation],
                                 crop_to_aspect_ratio, batch_size,
                                 shuffle and not (subset == "both" and subset_name == "validation"),
                                 seed)
        dataset.class_names = class_names
        return dataset

    if subset == "both":
        return [make("training"), make("validation")]
    return make(subset)
