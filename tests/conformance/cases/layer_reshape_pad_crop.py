"""Shapes and values of UpSampling/ZeroPadding/Cropping 1D-3D (both data formats), RepeatVector, Flatten, Reshape, Permute, noise layers at inference and advanced activations."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L

x1 = data(1, (2, 5, 3))
x2 = data(2, (2, 4, 5, 3))
x3 = data(3, (2, 3, 4, 2, 2))


def shape_and_values(key, layer, x):
    @sub(key)
    def _():
        inp = L.Input(shape=x.shape[1:])
        out = layer(inp)
        model = keras.models.Model(inp, out)
        report(key + ".shape", list(model.output_shape), rule="exact")
        report(key, model.predict(x, verbose=0), rule="close", **TOL)


shape_and_values("upsampling1d", L.UpSampling1D(3), x1)
shape_and_values("upsampling2d", L.UpSampling2D((2, 3)), x2)
shape_and_values("upsampling2d_bilinear", L.UpSampling2D(2, interpolation="bilinear"), x2)
shape_and_values("upsampling2d_channels_first", L.UpSampling2D(2, data_format="channels_first"), x2)
shape_and_values("upsampling3d", L.UpSampling3D((1, 2, 2)), x3)
shape_and_values("zeropadding1d", L.ZeroPadding1D((1, 2)), x1)
shape_and_values("zeropadding2d", L.ZeroPadding2D(((1, 0), (2, 1))), x2)
shape_and_values("zeropadding2d_int", L.ZeroPadding2D(1), x2)
shape_and_values("zeropadding2d_channels_first", L.ZeroPadding2D((1, 2), data_format="channels_first"), x2)
shape_and_values("zeropadding3d", L.ZeroPadding3D(1), x3)
shape_and_values("cropping1d", L.Cropping1D((1, 2)), x1)
shape_and_values("cropping2d", L.Cropping2D(((1, 0), (1, 2))), x2)
shape_and_values("cropping2d_channels_first", L.Cropping2D(1, data_format="channels_first"), x2)
shape_and_values("cropping3d", L.Cropping3D(((1, 1), (0, 1), (1, 0))), x3)
shape_and_values("repeatvector", L.RepeatVector(3), data(4, (2, 4)))
shape_and_values("flatten_channels_first", L.Flatten(data_format="channels_first"), x2)
shape_and_values("reshape_minus1", L.Reshape((-1, 3)), x2)
shape_and_values("permute", L.Permute((3, 1, 2)), x2)
shape_and_values("spatial_dropout_inference", L.SpatialDropout2D(0.5), x2)
shape_and_values("gaussian_noise_inference", L.GaussianNoise(1.0), x1)
shape_and_values("alpha_dropout_inference", L.AlphaDropout(0.3), x1)
shape_and_values("activity_reg", L.ActivityRegularization(l1=0.1), x1)
shape_and_values("leaky_relu", L.LeakyReLU(alpha=0.2), x1)
shape_and_values("elu_layer", L.ELU(alpha=0.5), x1)
shape_and_values("thresholded_relu", L.ThresholdedReLU(theta=0.3), x1)
shape_and_values("relu_layer_opts", L.ReLU(max_value=0.5, negative_slope=0.1, threshold=0.2), x1)
shape_and_values("softmax_axis1", L.Softmax(axis=1), x1)
layer_case("prelu_shared_axes", lambda: L.PReLU(shared_axes=[1, 2]), x2)
layer_case("prelu", lambda: L.PReLU(), x1)

finish()
