"""Forward parity: convolution variants (causal/dilated/strided/grouped, transposed 1D/2D/3D, separable, depthwise, locally connected), 3D and global pooling, ConvLSTM1D, GroupNormalization, UnitNormalization; weight shapes and names."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L

x1 = data(1, (2, 9, 3))
x2 = data(2, (2, 7, 6, 3))
x3 = data(3, (2, 5, 4, 6, 2))
layer_case("conv1d_causal_dilated", lambda: L.Conv1D(4, 3, padding="causal", dilation_rate=2), x1)
layer_case("conv1d_strided_same", lambda: L.Conv1D(3, 4, strides=2, padding="same", activation="tanh"), x1)
layer_case("conv2d_dilated", lambda: L.Conv2D(3, (3, 2), dilation_rate=(2, 1), padding="same"), x2)
layer_case("conv2d_same_even_kernel_stride", lambda: L.Conv2D(2, 4, strides=3, padding="same"), x2)
layer_case("conv2d_groups", lambda: L.Conv2D(4, 3, groups=2), data(6, (2, 6, 6, 4)))
layer_case("conv2dtranspose", lambda: L.Conv2DTranspose(3, 3, strides=2), x2)
layer_case("conv2dtranspose_same", lambda: L.Conv2DTranspose(2, (3, 2), strides=(2, 3), padding="same"), x2)
layer_case("conv2dtranspose_output_padding", lambda: L.Conv2DTranspose(2, 3, strides=2, output_padding=1), x2)
layer_case("conv1dtranspose", lambda: L.Conv1DTranspose(2, 3, strides=2, padding="same"), x1)
layer_case("conv3d", lambda: L.Conv3D(2, (2, 3, 2), strides=(1, 2, 1), padding="same"), x3)
layer_case("conv3dtranspose", lambda: L.Conv3DTranspose(2, 2, strides=2), x3)
layer_case("separable_conv2d", lambda: L.SeparableConv2D(4, 3, depth_multiplier=2, padding="same"), x2)
layer_case("separable_conv2d_strided", lambda: L.SeparableConv2D(2, 3, strides=2), x2)
layer_case("separable_conv1d", lambda: L.SeparableConv1D(3, 3, depth_multiplier=2), x1)
layer_case("depthwise_conv2d", lambda: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), x2)
layer_case("depthwise_conv2d_strided_nobias", lambda: L.DepthwiseConv2D((2, 3), strides=2, use_bias=False), x2)
layer_case("locally_connected1d", lambda: L.LocallyConnected1D(2, 3), x1)
layer_case("locally_connected2d", lambda: L.LocallyConnected2D(2, (2, 3), strides=(2, 1)), x2)
layer_case("convlstm1d_seq", lambda: L.ConvLSTM1D(2, 3, padding="same", return_sequences=True), data(7, (2, 3, 6, 2)))
layer_case("convlstm1d_state", lambda: L.ConvLSTM1D(2, 2, strides=2, return_state=True), data(7, (2, 3, 6, 2)))
layer_case("group_norm_2", lambda: L.GroupNormalization(groups=3), data(8, (2, 4, 5, 6)))
layer_case("group_norm_instance_axis1", lambda: L.GroupNormalization(groups=-1, axis=1, epsilon=0.1), data(9, (2, 3, 5)))
layer_case("group_norm_1d", lambda: L.GroupNormalization(groups=2, center=False), data(10, (3, 4)))
layer_case("unit_norm", lambda: L.UnitNormalization(), x1)
layer_case("unit_norm_axes", lambda: L.UnitNormalization(axis=[1, 2]), x1)
layer_case("maxpool3d", lambda: L.MaxPooling3D((2, 2, 2), padding="same"), x3)
layer_case("avgpool3d", lambda: L.AveragePooling3D((1, 2, 3)), x3)
layer_case("global_avg_1d_keepdims", lambda: L.GlobalAveragePooling1D(keepdims=True), x1)
layer_case("global_max_2d_channels_first", lambda: L.GlobalMaxPooling2D(data_format="channels_first"), x2)
layer_case("global_avg_3d", lambda: L.GlobalAveragePooling3D(), x3)
layer_case("avgpool2d_same_edges", lambda: L.AveragePooling2D(3, strides=2, padding="same"), x2)


@sub("weight_shapes")
def _():
    shapes = {}
    for name, layer, x in [("sep2d", L.SeparableConv2D(4, 3, depth_multiplier=2), x2),
                           ("dw2d", L.DepthwiseConv2D(3, depth_multiplier=2), x2),
                           ("tr2d", L.Conv2DTranspose(5, 3), x2), ("c3d", L.Conv3D(2, 2), x3),
                           ("lc1d", L.LocallyConnected1D(2, 3), x1), ("lc2d", L.LocallyConnected2D(2, 3), x2),
                           ("tr3d", L.Conv3DTranspose(2, 2), x3), ("sep1d", L.SeparableConv1D(3, 3), x1),
                           ("convlstm1d", L.ConvLSTM1D(2, 3), data(7, (2, 3, 6, 2)))]:
        inp = L.Input(shape=x.shape[1:])
        out = layer(inp)
        shapes[name] = [[int(d) for d in w.shape] for w in layer.get_weights()]
        shapes[name + ".out"] = list(out.shape)[1:]
        shapes[name + ".names"] = [w.name for w in layer.weights]
    report("weight_shapes", shapes, rule="exact")


finish()
