"""get_config keys and values (tf.keras 2.21) of common layers, from_config clones computing the same outputs."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L

KEYS_ONLY = ("name", "dtype")


def cfg_case(key, make_layer, x):
    @sub(key)
    def _():
        layer = make_layer()
        inp = L.Input(shape=x.shape[1:])
        model = keras.models.Model(inp, layer(inp))
        seed_weights(model, 3)
        cfg = layer.get_config()
        report(key + ".keys", sorted(cfg), rule="exact")
        report(key + ".config", {k: v for k, v in cfg.items() if k not in KEYS_ONLY}, rule="exact")
        clone = type(layer).from_config(cfg)
        inp2 = L.Input(shape=x.shape[1:])
        model2 = keras.models.Model(inp2, clone(inp2))
        model2.layers[-1].set_weights(layer.get_weights())
        report(key + ".clone_same", float(np.abs(model2.predict(x, verbose=0) - model.predict(x, verbose=0)).max()),
               rule="close", atol=1e-6)


x1 = data(1, (2, 5, 3))
x2 = data(2, (2, 6, 6, 3))
cfg_case("dense", lambda: L.Dense(3, activation="relu", kernel_regularizer="l2", bias_constraint="non_neg"), data(3, (2, 4)))
cfg_case("conv2d", lambda: L.Conv2D(2, 3, strides=2, padding="same", kernel_initializer="he_normal"), x2)
cfg_case("conv1d", lambda: L.Conv1D(2, 3, padding="causal", dilation_rate=2), x1)
cfg_case("separable", lambda: L.SeparableConv2D(2, 3, depth_multiplier=2), x2)
cfg_case("depthwise", lambda: L.DepthwiseConv2D(3), x2)
cfg_case("conv2dtranspose", lambda: L.Conv2DTranspose(2, 3, strides=2), x2)
cfg_case("maxpool2d", lambda: L.MaxPooling2D(3, strides=1), x2)
cfg_case("avgpool1d", lambda: L.AveragePooling1D(2), x1)
cfg_case("gap2d", lambda: L.GlobalAveragePooling2D(), x2)
cfg_case("lstm", lambda: L.LSTM(3, return_sequences=True, dropout=0.1, recurrent_dropout=0.2), x1)
cfg_case("gru", lambda: L.GRU(3, reset_after=False), x1)
cfg_case("simplernn", lambda: L.SimpleRNN(3, activation="relu"), x1)
cfg_case("bidirectional", lambda: L.Bidirectional(L.LSTM(2), merge_mode="sum"), x1)
cfg_case("timedistributed", lambda: L.TimeDistributed(L.Dense(2)), x1)
cfg_case("batchnorm", lambda: L.BatchNormalization(momentum=0.9, epsilon=1e-5), x2)
cfg_case("layernorm", lambda: L.LayerNormalization(), x1)
cfg_case("embedding", lambda: L.Embedding(10, 3, mask_zero=True, input_length=4), np.array([[1, 2, 3, 0], [4, 5, 0, 0]]))
cfg_case("dropout", lambda: L.Dropout(0.3, noise_shape=(None, 1, 3), seed=1), x1)
cfg_case("flatten", lambda: L.Flatten(), x2)
cfg_case("reshape", lambda: L.Reshape((3, 5)), x1)
cfg_case("upsampling2d", lambda: L.UpSampling2D(2, interpolation="bilinear"), x2)
cfg_case("zeropadding2d", lambda: L.ZeroPadding2D(((1, 2), (0, 1))), x2)
cfg_case("cropping1d", lambda: L.Cropping1D((1, 1)), x1)
cfg_case("convlstm2d", lambda: L.ConvLSTM2D(2, 3), data(4, (2, 3, 5, 5, 2)))
cfg_case("leakyrelu", lambda: L.LeakyReLU(0.1), x1)
cfg_case("prelu", lambda: L.PReLU(shared_axes=[1]), x1)
cfg_case("activation", lambda: L.Activation("softplus"), x1)
cfg_case("masking", lambda: L.Masking(0.5), x1)
cfg_case("repeatvector", lambda: L.RepeatVector(2), data(3, (2, 4)))
cfg_case("locallyconnected1d", lambda: L.LocallyConnected1D(2, 2), x1)

finish()
