"""BatchNormalization and LayerNormalization against tf_keras 2.21 numbers, inference and
training (moving statistics after one training call)."""
import os
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_fixture_utils as U  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
from torchkeras_compat.layers.normalization import BatchNormalization, LayerNormalization  # noqa: E402

CASES, ARRAYS = U.load("normalization")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    model = U.check(case, ARRAYS)
    U.check_configs(case, model)


def test_trainable_false_means_inference_mode():
    bn = BatchNormalization()
    x = torch.rand(8, 3) * 5
    bn(x)
    bn.trainable = False
    y = bn(x, training=True)
    torch.testing.assert_close(y, x / np.sqrt(1 + 1e-3))
    assert np.array_equal(bn.get_weights()[2], np.zeros(3))


def test_fit_updates_moving_statistics_and_predict_uses_them():
    model = keras.models.Sequential([BatchNormalization(input_shape=(4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.RandomState(0).normal(3, 2, (64, 4)).astype("float32")
    model.fit(x, np.zeros((64, 1)), epochs=2, batch_size=16, verbose=0)
    gamma, beta, mean, var = model.layers[0].get_weights()
    assert (mean > 0.1).all() and (var > 1.01).all()
    layer_out = keras.models.Model(model.inputs, model.layers[0].output).predict(x, verbose=0)
    np.testing.assert_allclose(layer_out, (x - mean) / np.sqrt(var + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-5)


def test_weights_order_and_errors():
    bn = BatchNormalization(name="bn")
    bn(torch.zeros(2, 3))
    assert [w.name for w in bn.weights] == ["bn/gamma:0", "bn/beta:0", "bn/moving_mean:0", "bn/moving_variance:0"]
    assert [w.trainable for w in bn.weights] == [True, True, False, False]
    with pytest.raises(ValueError, match="axis"):
        BatchNormalization(axis=3)(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="renorm_clipping"):
        BatchNormalization(renorm=True, renorm_clipping={"rmaxx": 2.0})
    renorm = BatchNormalization(renorm=True, name="rn")
    renorm(torch.zeros(2, 3))
    assert [w.name.split("/")[-1] for w in renorm.weights][4:] == ["moving_stddev:0", "renorm_mean:0",
                                                                   "renorm_stddev:0"]
    ln = LayerNormalization(axis=[1, 2])
    ln(torch.zeros(2, 3, 4))
    assert [w.shape for w in ln.weights] == [(3, 4), (3, 4)]


def test_keras1_spellings():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bn = BatchNormalization(mode=0, beta_init="zeros", gamma_init="ones")
    assert bn.momentum == 0.99 and bn.epsilon == 1e-3


def test_group_and_unit_normalization_formulas():
    from torchkeras_compat import layers as L
    x = np.random.RandomState(0).rand(2, 5, 6).astype("float32")
    y = L.GroupNormalization(groups=3)(x).detach().numpy()
    g = x.reshape(2, 5, 3, 2)
    ref = (g - g.mean(axis=(1, 3), keepdims=True)) / np.sqrt(g.var(axis=(1, 3), keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, ref.reshape(2, 5, 6), rtol=1e-4, atol=1e-5)
    u = L.UnitNormalization()(x).detach().numpy()
    np.testing.assert_allclose(np.linalg.norm(u, axis=-1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="must divide"):
        L.GroupNormalization(groups=4)(x)
