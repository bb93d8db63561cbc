"""A tf_keras 2.21 .h5 file with attention, normalization and preprocessing layers loads with
Keras's predictions and survives our own save/load (fixture: tests/fixtures/make_layers_new.py)."""
import os

import numpy as np

import torchkeras_compat as keras

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "layers_new")


def test_real_keras_file_loads_and_round_trips(tmp_path):
    data = np.load(os.path.join(HERE, "data.npz"))
    model = keras.models.load_model(os.path.join(HERE, "model.h5"), compile=False)
    got = model.predict([data["seq"], data["img"]], verbose=0)
    np.testing.assert_allclose(got, data["predictions"], rtol=1e-4, atol=1e-5)
    path = str(tmp_path / "again.h5")
    model.save(path)
    again = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(again.predict([data["seq"], data["img"]], verbose=0), got, atol=1e-6)
    kinds = {type(layer).__name__ for layer in again.layers}
    assert {"MultiHeadAttention", "Normalization", "GroupNormalization", "ConvLSTM1D", "RandomRotation"} <= kinds
