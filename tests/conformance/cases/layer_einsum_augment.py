"""EinsumDense (equations with and without ellipsis, bias_axes, output shapes, weights, configs) and the augmentation layers RandomBrightness/RandomHeight/RandomWidth (configs, output shapes, inference in predict, augmenting on a direct call as tf.keras's training=True default)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model

x2, x3 = data(1, (3, 4)), data(2, (2, 5, 4))
layer_case("einsum_ab_bc", lambda: L.EinsumDense("ab,bc->ac", output_shape=6, bias_axes="c"), x2)
layer_case("einsum_abc_cd", lambda: L.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", activation="relu"), x3)
layer_case("einsum_abc_cde", lambda: L.EinsumDense("abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de"), x3)
layer_case("einsum_ellipsis_left", lambda: L.EinsumDense("...b,bc->...c", output_shape=3), x3)
layer_case("einsum_ellipsis_right", lambda: L.EinsumDense("ab...,bc->ac...", output_shape=(2,), bias_axes="c"), data(3, (2, 4, 3)))
layer_case("einsum_no_bias_d_bias", lambda: L.EinsumDense("abc,cd->abd", output_shape=(5, 2)), x3)


@sub("einsum_meta")
def _():
    out = {}
    for key, layer, x in [("2d", L.EinsumDense("ab,bc->ac", 6, bias_axes="c"), x2),
                          ("3d", L.EinsumDense("abc,cde->abde", (5, 2, 3), bias_axes="de"), x3),
                          ("ell", L.EinsumDense("...b,bc->...c", 3, bias_axes="c"), x3),
                          ("none_dim", L.EinsumDense("abc,cd->abd", (None, 3)), x3)]:
        inp = L.Input(shape=x.shape[1:])
        y = layer(inp)
        out[key] = [list(y.shape), [list(w.shape) for w in layer.weights], [w.name for w in layer.weights],
                    layer.count_params(), {k: v for k, v in layer.get_config().items() if k != "name"}]
    report("einsum_meta", out, rule="exact")


img = data(4, (4, 6, 8, 3), 0.0, 255.0)


@sub("augment_layers")
def _():
    layers = [L.RandomBrightness(0.2), L.RandomBrightness((-0.1, 0.4), value_range=(0, 1), seed=3),
              L.RandomHeight(0.2), L.RandomWidth((0.1, 0.3), interpolation="nearest", seed=1)]
    info = []
    for layer in layers:
        inp = L.Input(shape=(6, 8, 3))
        y = layer(inp)
        model = Model(inp, y)
        info.append([list(y.shape), {k: v for k, v in layer.get_config().items() if k != "name"},
                     bool(np.allclose(model.predict(img, verbose=0), img))])
    report("augment_layers", info, rule="exact")
    direct = L.RandomBrightness((0.3, 0.5))(img)
    report("augment_layers.direct_call_brightens", bool(np.all(num(direct) >= img - 1e-4)) and
           not bool(np.allclose(num(direct), img)), rule="exact")
    report("augment_layers.height_range", int(num(L.RandomHeight((0.5, 0.5))(img)).shape[1]), rule="exact")
    report("augment_layers.flip_direct_call", not bool(np.allclose(num(L.RandomFlip("horizontal")(data(5, (16, 4, 4, 1)))),
                                                                   data(5, (16, 4, 4, 1)))), rule="exact")


finish()
