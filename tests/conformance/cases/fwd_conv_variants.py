"""Forward parity: convolution variants (causal/dilated/strided/grouped, transposed 1D/2D/3D, separable, depthwise, locally connected), 3D and global pooling, ConvLSTM1D, GroupNormalization, UnitNormalization; weight shapes and names."""
# ---- common case header (copied into every case; cases must be self-contained) ----
import traceback

import numpy as np

import keras

TOL = dict(rtol=1e-4, atol=1e-5)  # float32 forward pass
FAILED = []


def sub(name):
    """Run the decorated function at once; on error note it and go on, so the other keys still report."""
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any failure of the implementation under test
            traceback.print_exc()
            FAILED.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:150]}")
    return run


def finish():
    """Fail the case (after reporting what passed) when a sub-test raised."""
    if FAILED:
        raise RuntimeError(f"{len(FAILED)} sub-test(s) raised: " + " | ".join(FAILED))


def seed_weights(model, seed):
    """Replace every weight, layer by layer, by seeded uniform(-0.5, 0.5) float32 values.

    Nested models are walked into; a BatchNormalization's moving variance (its last weight) is drawn
    from uniform(0.5, 1.5) so that it stays positive.
    """
    rng = np.random.RandomState(seed)

    def visit(layer):
        inner = getattr(layer, "layers", None)
        if isinstance(inner, (list, tuple)) and inner:
            for s in inner:
                visit(s)
            return
        old = layer.get_weights()
        if old:
            new = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in old]
            if type(layer).__name__ == "BatchNormalization":
                new[-1] = rng.uniform(0.5, 1.5, old[-1].shape).astype("float32")
            layer.set_weights(new)

    for layer in model.layers:
        visit(layer)


def data(seed, shape, lo=-1.0, hi=1.0):
    return np.random.RandomState(seed).uniform(lo, hi, shape).astype("float32")


def num(v):
    """A tensor/scalar as a numpy array (0-d for a scalar), so TF scalars and torch 0-d tensors report alike."""
    if hasattr(v, "detach"):
        v = v.detach().cpu()
    return np.asarray(v)


def report_outputs(key, y, tol=TOL):
    if isinstance(y, (list, tuple)):
        for i, yi in enumerate(y):
            report(f"{key}.{i}", yi, rule="close", **tol)
    else:
        report(key, y, rule="close", **tol)


def layer_case(key, make_layer, x, seed=0, tol=TOL, input_dtype=None):
    """Sub-test: one layer on a functional Input, every weight seeded, predict on x, report close."""
    @sub(key)
    def _():
        inp = keras.layers.Input(shape=x.shape[1:], **({"dtype": input_dtype} if input_dtype else {}))
        model = keras.models.Model(inputs=inp, outputs=make_layer()(inp))
        seed_weights(model, seed)
        report_outputs(key, model.predict(x, verbose=0), tol)
# ---- end of common header ----
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
