"""Keras 1 spellings go through the one legacy table, each warning once, and work."""
import warnings

import numpy as np
import pytest

import torchkeras_compat as keras
from torchkeras_compat import legacy
from torchkeras_compat.layers import Dense, Dropout


@pytest.fixture(autouse=True)
def _warn_again():
    legacy._warned.clear()  # each spelling warns once per process; every test sees its first time


def test_dense_output_dim_init_and_regularizer_names():
    with pytest.warns(UserWarning, match="units"):
        layer = Dense(output_dim=4, init="zeros", W_regularizer="l2", input_dim=3)
    assert layer.units == 4 and layer.kernel_regularizer is not None
    model = keras.Sequential([layer])
    assert np.all(model.get_weights()[0] == 0)


def test_each_spelling_warns_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Dropout(p=0.2)
        Dropout(p=0.3)
    assert sum("rate" in str(w.message) for w in caught) == 1


def test_model_input_output_keywords():
    inp = keras.Input((3,))
    model = keras.Model(input=inp, output=Dense(2)(inp))
    assert model.output_shape == (None, 2)


def test_both_old_and_new_spelling_is_an_error():
    with pytest.raises(TypeError, match="pass only `units`"):
        Dense(output_dim=4, units=3)


def test_fit_generator_samples_per_epoch():
    model = keras.Sequential([Dense(1, input_dim=2)])
    model.compile("sgd", "mse")

    def gen():
        while True:
            yield np.zeros((4, 2)), np.zeros((4, 1))

    hist = model.fit_generator(gen(), samples_per_epoch=3, nb_epoch=2, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_generator_methods_take_keras1_queue_arguments():
    model = keras.Sequential([Dense(1, input_dim=2)])
    model.compile("sgd", "mse")

    def gen():
        while True:
            yield np.zeros((4, 2)), np.zeros((4, 1))

    assert model.evaluate_generator(gen(), val_samples=2, max_q_size=4, pickle_safe=False) == 0.0
    assert model.predict_generator((x for x, _ in gen()), val_samples=2, nb_worker=1).shape == (8, 1)
