"""Forward parity (channels_first convolutions only where TF's CPU kernels have them): Conv/pooling layers with padding same/causal, odd sizes with strides, dilation, channels_first (1D/2D/3D), transposed convs with output_padding/dilation/channels_first, separable depth_multiplier with strides, DepthwiseConv1D, LocallyConnected implementations 1/2/3, plus output shapes and parameter counts; ConvLSTM3D and ConvLSTM2D/1D options (dropout at inference, initial_state, backwards)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.models import Model
from keras import layers as L

x1 = data(1, (2, 11, 3))
x2 = data(2, (2, 9, 7, 3))
x3 = data(3, (2, 5, 7, 6, 2))
cf1 = np.ascontiguousarray(x1.transpose(0, 2, 1))
cf2 = np.ascontiguousarray(x2.transpose(0, 3, 1, 2))
cf3 = np.ascontiguousarray(x3.transpose(0, 4, 1, 2, 3))

layer_case("conv1d_causal_strided", lambda: L.Conv1D(2, 3, strides=2, padding="causal"), x1)
layer_case("conv1d_same_s3_odd", lambda: L.Conv1D(3, 4, strides=3, padding="same"), x1)
layer_case("conv1d_groups_dilated", lambda: L.Conv1D(4, 2, groups=3 // 3, dilation_rate=3), x1)
layer_case("conv2d_valid_s2_odd", lambda: L.Conv2D(2, (3, 2), strides=(2, 3)), x2)
layer_case("conv2d_same_dilated_even_kernel", lambda: L.Conv2D(2, 2, dilation_rate=2, padding="same", activation="relu"), x2)
layer_case("conv3d_dilated", lambda: L.Conv3D(2, (2, 2, 2), dilation_rate=(1, 2, 2)), x3)
layer_case("conv1dtranspose_output_padding", lambda: L.Conv1DTranspose(2, 3, strides=2, output_padding=1), x1)
layer_case("conv2dtranspose_channels_first", lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same", data_format="channels_first"), cf2)
layer_case("conv2dtranspose_same_output_padding", lambda: L.Conv2DTranspose(2, 3, strides=(2, 3), padding="same", output_padding=(1, 2)), x2)
layer_case("conv2dtranspose_dilated", lambda: L.Conv2DTranspose(2, 2, dilation_rate=2), x2)
layer_case("conv2dtranspose_s3_k2", lambda: L.Conv2DTranspose(2, 2, strides=3, padding="same"), x2)
layer_case("conv3dtranspose_output_padding", lambda: L.Conv3DTranspose(2, 3, strides=2, padding="same", output_padding=1), x3)
layer_case("separable1d_same_strided_dm3", lambda: L.SeparableConv1D(2, 3, strides=2, padding="same", depth_multiplier=3), x1)
layer_case("separable2d_dilated_dm2", lambda: L.SeparableConv2D(3, 2, dilation_rate=2, depth_multiplier=2, use_bias=False), x2)
layer_case("depthwise1d", lambda: L.DepthwiseConv1D(3, depth_multiplier=2, padding="same"), x1)
layer_case("depthwise2d_channels_first", lambda: L.DepthwiseConv2D(3, strides=2, data_format="channels_first"), cf2)
layer_case("depthwise2d_dilated", lambda: L.DepthwiseConv2D(2, dilation_rate=2, padding="same"), x2)
for impl in (1, 2, 3):
    layer_case(f"lc1d_impl{impl}", lambda impl=impl: L.LocallyConnected1D(2, 3, strides=2, implementation=impl), x1)
    layer_case(f"lc2d_impl{impl}", lambda impl=impl: L.LocallyConnected2D(2, (3, 2), strides=(2, 1), implementation=impl), x2)
layer_case("lc2d_channels_first", lambda: L.LocallyConnected2D(2, 2, data_format="channels_first"), cf2)
layer_case("lc1d_channels_first", lambda: L.LocallyConnected1D(2, 2, data_format="channels_first", implementation=2), cf1)
layer_case("maxpool1d_channels_first", lambda: L.MaxPooling1D(3, strides=2, padding="same", data_format="channels_first"), cf1)
layer_case("avgpool2d_odd_s2_valid", lambda: L.AveragePooling2D(3, strides=2), x2)
layer_case("maxpool3d_channels_first", lambda: L.MaxPooling3D(2, padding="same", data_format="channels_first"), cf3)
layer_case("gmp1d_channels_first_keepdims", lambda: L.GlobalMaxPooling1D(data_format="channels_first", keepdims=True), cf1)
layer_case("gap2d_keepdims", lambda: L.GlobalAveragePooling2D(keepdims=True), x2)
layer_case("gmp3d_channels_first", lambda: L.GlobalMaxPooling3D(data_format="channels_first"), cf3)
layer_case("upsampling2d_bilinear_cf", lambda: L.UpSampling2D((2, 3), interpolation="bilinear", data_format="channels_first"), cf2)
layer_case("upsampling3d_cf", lambda: L.UpSampling3D(2, data_format="channels_first"), cf3)
layer_case("cropping3d_cf", lambda: L.Cropping3D(1, data_format="channels_first"), cf3)


@sub("shapes_params")
def _():
    out = {}
    for name, layer, x in [
            ("conv1d_causal", L.Conv1D(2, 3, strides=2, padding="causal"), x1),
            ("conv2d_cf", L.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first"), cf2),
            ("conv3d", L.Conv3D(2, 3, strides=2), x3),
            ("tr1d", L.Conv1DTranspose(2, 3, strides=2, output_padding=1), x1),
            ("tr2d_same", L.Conv2DTranspose(2, 3, strides=(2, 3), padding="same", output_padding=(1, 2)), x2),
            ("tr2d_cf", L.Conv2DTranspose(3, 3, strides=2, data_format="channels_first"), cf2),
            ("tr3d", L.Conv3DTranspose(2, 3, strides=2, padding="same"), x3),
            ("sep1d", L.SeparableConv1D(2, 3, strides=2, padding="same", depth_multiplier=3), x1),
            ("dw1d", L.DepthwiseConv1D(3, depth_multiplier=2), x1),
            ("lc1d", L.LocallyConnected1D(2, 3, strides=2, implementation=2), x1),
            ("lc2d", L.LocallyConnected2D(2, (3, 2), strides=(2, 1), implementation=3), x2),
            ("maxpool1d_same", L.MaxPooling1D(4, padding="same"), x1),
            ("avgpool3d_cf", L.AveragePooling3D(2, data_format="channels_first"), cf3)]:
        inp = L.Input(shape=x.shape[1:])
        y = layer(inp)
        out[name] = [list(y.shape), layer.count_params(), list(layer.compute_output_shape((None,) + x.shape[1:])),
                     list(layer.output_shape), [[int(d) for d in w.shape] for w in layer.weights]]
    report("shapes_params", out, rule="exact")


# ---- ConvLSTM3D and ConvLSTM2D/1D options (dropout at inference, initial_state, backwards)
c3 = data(1, (2, 3, 4, 5, 4, 2))
c2 = data(2, (2, 3, 5, 4, 2))
layer_case("convlstm3d_valid", lambda: L.ConvLSTM3D(2, 2), c3)
layer_case("convlstm3d_same_seq", lambda: L.ConvLSTM3D(2, (1, 3, 2), padding="same", return_sequences=True), c3)
layer_case("convlstm3d_strided_state", lambda: L.ConvLSTM3D(2, 2, strides=(1, 2, 2), return_state=True), c3)
layer_case("convlstm3d_backwards", lambda: L.ConvLSTM3D(1, 2, go_backwards=True, activation="relu"), c3)
layer_case("convlstm2d_dropout_inference", lambda: L.ConvLSTM2D(2, 3, padding="same", dropout=0.3, recurrent_dropout=0.3), c2)
layer_case("convlstm1d_backwards_seq", lambda: L.ConvLSTM1D(2, 2, go_backwards=True, return_sequences=True), data(3, (2, 3, 6, 2)))


@sub("convlstm2d_initial_state")
def _():
    inp, h0, c0 = L.Input(shape=(3, 5, 4, 2)), L.Input(shape=(5, 4, 2)), L.Input(shape=(5, 4, 2))
    out = L.ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inp, initial_state=[h0, c0])
    model = Model([inp, h0, c0], out)
    seed_weights(model, 4)
    report("convlstm2d_initial_state", model.predict([c2, data(5, (2, 5, 4, 2)), data(6, (2, 5, 4, 2))], verbose=0),
           rule="close", **TOL)


@sub("convlstm3d_meta")
def _():
    layer = L.ConvLSTM3D(2, 2, strides=(1, 2, 1), padding="same")
    inp = L.Input(shape=(3, 4, 5, 4, 2))
    out = layer(inp)
    report("convlstm3d_meta", [list(out.shape), [w.name for w in layer.weights], [list(w.shape) for w in layer.weights],
                               layer.count_params(), list(layer.compute_output_shape((None, 3, 4, 5, 4, 2)))], rule="exact")
    cfg = {k: v for k, v in layer.get_config().items() if k != "name"}
    report("convlstm3d_config", cfg, rule="exact")


finish()
