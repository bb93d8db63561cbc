"""Shapes and values of UpSampling/ZeroPadding/Cropping 1D-3D (both data formats), RepeatVector, Flatten, Reshape, Permute, noise layers at inference and advanced activations."""
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
