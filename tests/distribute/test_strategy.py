"""tf.distribute-style strategies and the chief-only save guard, in one process."""
import os

import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import distribute
from torchkeras_compat import layers as L


def test_mirrored_strategy_scope_builds_a_trainable_model_with_one_replica():
    strategy = distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    with strategy.scope():
        assert distribute.get_strategy() is strategy and distribute.has_strategy()
        model = keras.Sequential([L.Dense(2, input_shape=(3,))])
        model.compile("sgd", "mse")
    assert not distribute.has_strategy()
    history = model.fit(np.ones((8, 3), "float32"), np.zeros((8, 2), "float32"), epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1


def test_mirrored_strategy_with_several_devices_and_no_torchrun_warns():
    with pytest.warns(RuntimeWarning, match="torchrun --nproc_per_node=2"):
        distribute.MirroredStrategy(devices=["/gpu:0", "/gpu:1"])


def test_one_device_strategy_reads_tensorflow_and_torch_device_names():
    assert distribute.OneDeviceStrategy("/cpu:0")._device == torch.device("cpu")
    assert distribute.OneDeviceStrategy("/device:GPU:1")._device == torch.device("cuda", 1)
    assert distribute.OneDeviceStrategy("cuda:0")._device == torch.device("cuda", 0)
    with pytest.raises(ValueError, match="unknown device"):
        distribute.OneDeviceStrategy("/tpu:0")


def test_multi_worker_strategy_and_reduce_in_one_process():
    strategy = distribute.MultiWorkerMirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert float(strategy.reduce(distribute.ReduceOp.SUM, [1.0, 2.0], axis=0)) == 3.0


def test_saving_is_a_no_op_on_ranks_other_than_0(tmp_path, monkeypatch):
    model = keras.Sequential([L.Dense(2, input_shape=(3,))])
    monkeypatch.setenv("RANK", "1")
    assert not distribute.is_chief()
    model.save_weights(str(tmp_path / "w.h5"))
    model.save(str(tmp_path / "m.h5"))
    assert os.listdir(tmp_path) == []
    monkeypatch.setenv("RANK", "0")
    model.save_weights(str(tmp_path / "w.h5"))
    assert os.listdir(tmp_path) == ["w.h5"]
