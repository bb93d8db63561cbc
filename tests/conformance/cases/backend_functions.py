"""keras.backend functions on numpy inputs: shapes, reductions, elementwise math, variables."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K

a = data(1, (2, 3, 4))
b = data(2, (2, 3, 4))
TOLB = dict(rtol=1e-5, atol=1e-6)


def ev(t):
    return num(K.eval(t))


@sub("variables")
def _():
    v = K.variable(np.arange(6).reshape(2, 3), dtype="float32", name="v")
    report("variables.value", K.get_value(v), rule="close", **TOLB)
    report("variables.int_shape", K.int_shape(v))
    report("variables.ndim", K.ndim(v))
    report("variables.dtype", K.dtype(v))
    K.set_value(v, np.ones((2, 3)))
    report("variables.after_set", K.get_value(v), rule="close", **TOLB)
    z = K.zeros((2, 2))
    report("variables.zeros", K.get_value(z), rule="close", **TOLB)
    report("variables.ones_like", ev(K.ones_like(v)), rule="close", **TOLB)
    report("variables.count_params", int(K.count_params(v)))
    report("variables.is_keras_tensor", K.is_keras_tensor(K.constant(1.0)))


@sub("reductions")
def _():
    t = K.constant(a)
    report("reductions.sum1", ev(K.sum(t, axis=1)), rule="close", **TOLB)
    report("reductions.mean_keep", ev(K.mean(t, axis=-1, keepdims=True)), rule="close", **TOLB)
    report("reductions.max", ev(K.max(t, axis=(1, 2))), rule="close", **TOLB)
    report("reductions.min", ev(K.min(t)), rule="close", **TOLB)
    report("reductions.std", ev(K.std(t, axis=0)), rule="close", **TOLB)
    report("reductions.var", ev(K.var(t, axis=2)), rule="close", **TOLB)
    report("reductions.prod", ev(K.prod(t, axis=2)), rule="close", **TOLB)
    report("reductions.argmax", ev(K.argmax(t, axis=-1)))
    report("reductions.argmin", ev(K.argmin(t, axis=1)))
    report("reductions.any", ev(K.any(K.greater(t, 0.9), axis=-1)))
    report("reductions.all", ev(K.all(K.greater(t, -0.99), axis=-1)))
    report("reductions.cumsum", ev(K.cumsum(t, axis=1)), rule="close", **TOLB)


@sub("elementwise")
def _():
    t, u = K.constant(a), K.constant(b)
    for name in ("abs", "square", "exp", "sign", "round", "sigmoid", "hard_sigmoid", "tanh",
                 "softplus", "softsign", "relu"):
        report("elementwise." + name, ev(getattr(K, name)(t)), rule="close", **TOLB)
    report("elementwise.sqrt", ev(K.sqrt(K.abs(t))), rule="close", **TOLB)
    report("elementwise.log", ev(K.log(K.abs(t) + 1.0)), rule="close", **TOLB)
    report("elementwise.pow", ev(K.pow(K.abs(t), 1.5)), rule="close", **TOLB)
    report("elementwise.clip", ev(K.clip(t, -0.3, 0.4)), rule="close", **TOLB)
    report("elementwise.maximum", ev(K.maximum(t, u)), rule="close", **TOLB)
    report("elementwise.minimum", ev(K.minimum(t, u)), rule="close", **TOLB)
    report("elementwise.equal", ev(K.equal(K.round(t), K.round(u))))
    report("elementwise.not_equal", ev(K.not_equal(K.round(t), K.round(u))))
    report("elementwise.less_equal", ev(K.less_equal(t, u)))
    report("elementwise.relu_alpha", ev(K.relu(t, alpha=0.1, max_value=0.5)), rule="close", **TOLB)
    report("elementwise.elu", ev(K.elu(t, alpha=0.5)), rule="close", **TOLB)
    report("elementwise.softmax", ev(K.softmax(t)), rule="close", **TOLB)
    report("elementwise.l2_normalize", ev(K.l2_normalize(t, axis=-1)), rule="close", **TOLB)
    report("elementwise.switch", ev(K.switch(K.greater(t, 0), t, u)), rule="close", **TOLB)
    report("elementwise.cast", K.dtype(K.cast(t, "int32")))


@sub("shapes")
def _():
    t = K.constant(a)
    report("shapes.reshape", ev(K.reshape(t, (2, 12))).shape)
    report("shapes.permute", ev(K.permute_dimensions(t, (2, 0, 1))), rule="close", **TOLB)
    report("shapes.expand", ev(K.expand_dims(t, 1)).shape)
    report("shapes.squeeze", ev(K.squeeze(K.expand_dims(t, 1), 1)).shape)
    report("shapes.concat", ev(K.concatenate([t, t], axis=-1)).shape)
    report("shapes.stack", ev(K.stack([t, t], axis=1)).shape)
    report("shapes.flatten", ev(K.flatten(t)).shape)
    report("shapes.batch_flatten", ev(K.batch_flatten(t)).shape)
    report("shapes.repeat", ev(K.repeat(K.constant(a[:, 0]), 3)), rule="close", **TOLB)
    report("shapes.repeat_elements", ev(K.repeat_elements(t, 2, axis=1)), rule="close", **TOLB)
    report("shapes.tile", ev(K.tile(t, (1, 2, 1))).shape)
    report("shapes.transpose", ev(K.transpose(K.constant(a[0]))), rule="close", **TOLB)
    report("shapes.gather", ev(K.gather(K.constant(a[0]), [2, 0])), rule="close", **TOLB)
    report("shapes.one_hot", ev(K.one_hot(K.constant([0, 2, 1], dtype="int32"), 3)), rule="close", **TOLB)
    report("shapes.shape", [int(s) for s in ev(K.shape(t))])
    report("shapes.reverse", ev(K.reverse(t, axes=1)), rule="close", **TOLB)
    report("shapes.spatial_2d_padding", ev(K.spatial_2d_padding(K.constant(a[..., None]))).shape)
    report("shapes.temporal_padding", ev(K.temporal_padding(t, (1, 2))).shape)


@sub("linalg")
def _():
    m1 = K.constant(a[0])
    m2 = K.constant(b[0].T)
    report("linalg.dot", ev(K.dot(m1, m2)), rule="close", **TOLB)
    report("linalg.batch_dot", ev(K.batch_dot(K.constant(a), K.constant(b), axes=(2, 2))), rule="close", **TOLB)
    report("linalg.batch_dot_1", ev(K.batch_dot(K.constant(a[:, 0]), K.constant(b[:, 0]), axes=1)), rule="close", **TOLB)
    report("linalg.dot_3d", ev(K.dot(K.constant(a), K.constant(b[0].T))).shape)


@sub("losses_metrics")
def _():
    p = K.softmax(K.constant(a[0]))
    yt = K.constant(np.eye(4, dtype="float32")[[0, 3, 1]])
    report("losses_metrics.cce", ev(K.categorical_crossentropy(yt, p)), rule="close", **TOLB)
    report("losses_metrics.cce_logits", ev(K.categorical_crossentropy(yt, K.constant(a[0]), from_logits=True)),
           rule="close", **TOLB)
    report("losses_metrics.bce", ev(K.binary_crossentropy(K.constant((a[0] > 0).astype("float32")), K.sigmoid(K.constant(b[0])))),
           rule="close", **TOLB)
    report("losses_metrics.scce", ev(K.sparse_categorical_crossentropy(K.constant([0, 3, 1]), p)),
           rule="close", **TOLB)
    report("losses_metrics.in_top_k", ev(K.in_top_k(p, K.constant([0, 3, 1], dtype="int32"), 2)))


@sub("config")
def _():
    report("config.epsilon", K.epsilon(), rule="close", rtol=1e-9)
    report("config.floatx", K.floatx())
    report("config.image_data_format", K.image_data_format())
    report("config.backend_is_str", isinstance(K.backend(), str))
    report("config.learning_phase", int(K.learning_phase()))
    report("config.cast_to_floatx", str(K.cast_to_floatx(np.array([1, 2])).dtype))


finish()
