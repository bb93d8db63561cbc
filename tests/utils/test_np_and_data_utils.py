"""to_categorical / normalize, Sequence feeding with workers, get_file and seeds."""
import hashlib
import os
import random
import tarfile
import threading
import warnings
import zipfile

import numpy as np
import pytest
import torch

from torchkeras_compat.utils import (GeneratorEnqueuer, HDF5Matrix, OrderedEnqueuer, Sequence,
                                     get_file, iterate_sequence, normalize, set_random_seed,
                                     to_categorical, to_ordinal, validate_file)


def test_to_categorical_shapes_and_legacy_name():
    np.testing.assert_array_equal(to_categorical([0, 2, 1]), np.eye(3)[[0, 2, 1]])
    assert to_categorical(np.array([[1], [0], [3]])).shape == (3, 4)
    assert to_categorical(np.array([[0, 1], [2, 1]]), 3).shape == (2, 2, 3)
    assert to_categorical(torch.tensor([1, 0])).dtype == np.float32
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert to_categorical([1], nb_classes=3).tolist() == [[0, 1, 0]]
    assert any("num_classes" in str(w.message) for w in caught)
    with pytest.raises(IndexError, match="num_classes"):
        to_categorical([5], num_classes=3)
    with pytest.raises(ValueError, match="integer class labels"):
        to_categorical(["a"])
    assert to_ordinal([0, 2, 1], 4).tolist() == [[0, 0, 0], [1, 1, 0], [1, 0, 0]]


def test_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0, 0]])
    np.testing.assert_allclose(normalize(x, order=1), [[3 / 7, 4 / 7], [0, 0]])


class Squares(Sequence):
    def __init__(self, n=9):
        self.n = n
        self.epochs = 0
        self.threads = set()

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.threads.add(threading.get_ident())
        return np.array([i * i])

    def on_epoch_end(self):
        self.epochs += 1


@pytest.mark.parametrize("workers,processes", [(1, False), (3, False), (2, True)])
def test_iterate_sequence_yields_each_batch_once_in_order(workers, processes):
    seq = Squares()
    got = [int(b[0]) for b in iterate_sequence(seq, workers=workers, use_multiprocessing=processes,
                                               max_queue_size=2)]
    assert got == [i * i for i in range(9)]
    np.random.seed(0)
    shuffled = [int(b[0]) for b in iterate_sequence(seq, workers=workers, shuffle=True,
                                                    use_multiprocessing=processes)]
    assert sorted(shuffled) == got and shuffled != got
    np.random.seed(0)
    assert [int(b[0]) for b in iterate_sequence(seq, shuffle=True)] == shuffled
    assert seq.epochs == 0  # on_epoch_end is the caller's job


def test_iterate_sequence_uses_worker_threads_and_stops_early():
    seq = Squares(50)
    it = iterate_sequence(seq, workers=4, max_queue_size=4)
    assert int(next(it)[0]) == 0
    it.close()  # breaking out must not hang
    assert threading.get_ident() not in seq.threads
    assert list(Squares(3)) and [int(b[0]) for b in Squares(3)] == [0, 1, 4]


def test_enqueuers():
    seq = Squares(4)
    enq = OrderedEnqueuer(seq, shuffle=False)
    enq.start(workers=2, max_queue_size=3)
    gen = enq.get()
    got = [int(next(gen)[0]) for _ in range(9)]
    enq.stop()
    assert got == [0, 1, 4, 9, 0, 1, 4, 9, 0] and seq.epochs >= 2
    genq = GeneratorEnqueuer(iter(range(6)))
    genq.start(workers=2)
    assert sorted(genq.get()) == list(range(6))


def test_get_file_downloads_caches_checks_hash_and_extracts(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    payload = src / "data.txt"
    payload.write_text("hello")
    digest = hashlib.sha256(b"hello").hexdigest()
    cache = tmp_path / "cache"
    cache.mkdir()  # Keras uses an explicit cache_dir only when it already exists
    path = get_file("data.txt", origin=payload.as_uri(), file_hash=digest, cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.txt") and open(path).read() == "hello"
    assert "Downloading data from" in capsys.readouterr().out
    get_file("data.txt", origin="file:///nonexistent", file_hash=digest, cache_dir=str(cache))
    assert capsys.readouterr().out == ""  # cached and valid: no download
    assert validate_file(path, hashlib.md5(b"hello").hexdigest())
    with pytest.raises(ValueError, match="hash does not match"):
        get_file("other.txt", origin=payload.as_uri(), file_hash="0" * 64, cache_dir=str(cache))
    with tarfile.open(src / "arch.tar.gz", "w:gz") as tar:
        tar.add(payload, arcname="arch/data.txt")
    folder = get_file("arch", origin=(src / "arch.tar.gz").as_uri(), untar=True,
                      cache_dir=str(cache))
    assert open(os.path.join(folder, "data.txt")).read() == "hello"
    with zipfile.ZipFile(src / "z.zip", "w") as z:
        z.writestr("inside.txt", "zipped")
        z.writestr("../escape.txt", "bad")
    get_file("z.zip", origin=(src / "z.zip").as_uri(), extract=True, cache_dir=str(cache))
    assert (cache / "datasets" / "inside.txt").read_text() == "zipped"
    assert not (cache / "escape.txt").exists()
    with pytest.raises(ConnectionError, match="URL fetch failure"):
        get_file("missing.bin", origin="file:///definitely/not/here.bin", cache_dir=str(cache))
    assert not (cache / "datasets" / "missing.bin").exists()


def test_get_file_missing_cache_dir_falls_back_to_tmp_keras(tmp_path):
    payload = tmp_path / "fallback_payload_7f3a.txt"
    payload.write_text("hi")
    path = get_file(payload.name, origin=payload.as_uri(), cache_dir=str(tmp_path / "absent"))
    try:
        assert path == os.path.join("/tmp", ".keras", "datasets", payload.name)
        assert not (tmp_path / "absent").exists()
    finally:
        os.remove(path)


def test_set_random_seed_repeats_all_generators():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    set_random_seed(7)
    a = draw()
    set_random_seed(7)
    assert draw() == a
    with pytest.raises(ValueError, match="integer"):
        set_random_seed(1.5)


def test_hdf5_matrix(tmp_path):
    import h5py

    path = str(tmp_path / "m.h5")
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(20).reshape(10, 2)
    m = HDF5Matrix(path, "x", start=2, end=8, normalizer=lambda v: v * 2)
    assert len(m) == 6 and m.shape == (6, 2)
    np.testing.assert_array_equal(m[0], [8, 10])
    np.testing.assert_array_equal(m[1:3], [[12, 14], [16, 18]])
    np.testing.assert_array_equal(m[[3, 0]], [[20, 22], [8, 10]])
    with pytest.raises(ValueError, match="no dataset"):
        HDF5Matrix(path, "y")
