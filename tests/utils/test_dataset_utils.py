"""keras.utils.image_dataset_from_directory / timeseries_dataset_from_array and their Dataset."""
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import utils
from torchkeras_compat.utils.dataset_utils import Dataset


def _numbers(n):
    return Dataset(lambda: iter(torch.arange(n)), n)


def test_dataset_methods_follow_tf_data():
    ds = _numbers(10)
    assert [b.tolist() for b in ds.batch(4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert len(ds.batch(4)) == 3 and len(ds.batch(4, drop_remainder=True)) == 2
    assert [int(x) for x in ds.skip(7)] == [7, 8, 9] and len(ds.take(3)) == 3
    assert [int(x) for x in ds.batch(3).unbatch()] == list(range(10))
    assert [int(x) for x in ds.map(lambda x: x * 2).take(2)] == [0, 2]
    assert sorted(int(x) for x in ds.shuffle(4, seed=1)) == list(range(10))
    assert len(ds.repeat(2)) == 20 and int(ds.repeat().cardinality()) == -1
    cached = ds.map(lambda x: x + torch.rand(())).cache()
    assert [float(x) for x in cached] == [float(x) for x in cached]
    assert ds.prefetch(2) is ds


def test_image_dataset_reads_classes_in_order(tmp_path, capsys):
    rng = np.random.RandomState(0)
    for cls, n in (("b", 2), ("a", 3)):
        os.makedirs(tmp_path / cls)
        for i in range(n):
            utils.save_img(str(tmp_path / cls / f"{i}.png"), rng.randint(0, 255, (5, 7, 3)).astype("float32"), scale=False)
    ds = utils.image_dataset_from_directory(str(tmp_path), image_size=(5, 7), batch_size=4, shuffle=False)
    assert capsys.readouterr().out.strip() == "Found 5 files belonging to 2 classes."
    assert ds.class_names == ["a", "b"] and len(ds) == 2
    x, y = next(iter(ds))
    assert tuple(x.shape) == (4, 5, 7, 3) and x.dtype == torch.float32 and y.tolist() == [0, 0, 0, 1]
    assert x[0].numpy().tolist() == utils.img_to_array(utils.load_img(ds.file_paths[0])).tolist()
    with pytest.raises(ValueError, match="seed"):
        utils.image_dataset_from_directory(str(tmp_path), validation_split=0.2, subset="training")


def test_timeseries_windows_and_targets():
    series = np.arange(20)
    ds = utils.timeseries_dataset_from_array(series, series * 10, sequence_length=3, sequence_stride=4,
                                             sampling_rate=2, batch_size=2, start_index=2)
    batches = list(ds)
    assert batches[0][0].tolist() == [[2, 4, 6], [6, 8, 10]]
    assert np.concatenate([b[1].numpy() for b in batches]).tolist() == [20, 60, 100, 140]
    with pytest.raises(ValueError, match="end_index"):
        utils.timeseries_dataset_from_array(series, None, sequence_length=3, end_index=20)


def test_split_dataset_sizes_and_batching():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    left, right = utils.split_dataset((x, y), left_size=0.7)
    assert len(left) == 7 and len(right) == 3
    assert [int(e[1]) for e in right] == [7, 8, 9]
    batched = utils.timeseries_dataset_from_array(x, y, sequence_length=2, batch_size=3)
    left, right = utils.split_dataset(batched, left_size=5)
    assert [tuple(b[0].shape) for b in left] == [(3, 2, 2), (2, 2, 2)]
    with pytest.raises(ValueError, match="greater than 1"):
        utils.split_dataset(x, left_size=0.6, right_size=0.6)
