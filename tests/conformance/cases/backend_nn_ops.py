"""keras.backend image/sequence ops: padding, bias_add, conv, pooling, resizing, in_top_k, loops, CTC."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K

TOLB = dict(rtol=1e-4, atol=1e-5)
img = data(1, (2, 7, 6, 3))
seq = data(2, (2, 9, 3))
vol = data(3, (1, 4, 5, 3, 2))


def ev(t):
    return num(K.eval(t))


@sub("padding")
def _():
    report("padding.temporal", ev(K.temporal_padding(K.constant(seq), (2, 1))), rule="close", **TOLB)
    report("padding.spatial2d", ev(K.spatial_2d_padding(K.constant(img), ((1, 0), (2, 1)))), rule="close", **TOLB)
    report("padding.spatial2d_cf", ev(K.spatial_2d_padding(K.constant(img), ((1, 2), (0, 1)),
                                                           data_format="channels_first")).shape)
    report("padding.spatial3d", ev(K.spatial_3d_padding(K.constant(vol))).shape)
    report("padding.bias_add", ev(K.bias_add(K.constant(img), K.constant([1.0, 2.0, 3.0]))), rule="close", **TOLB)
    report("padding.bias_add_cf", ev(K.bias_add(K.constant(img), K.constant(np.arange(7.0)), data_format="channels_first")),
           rule="close", **TOLB)


@sub("conv")
def _():
    k2 = data(4, (3, 2, 3, 4))
    for pad in ("valid", "same"):
        for strides in ((1, 1), (2, 2), (2, 3)):
            report(f"conv.conv2d_{pad}_{strides[0]}{strides[1]}",
                   ev(K.conv2d(K.constant(img), K.constant(k2), strides=strides, padding=pad)), rule="close", **TOLB)
    report("conv.conv2d_dilated", ev(K.conv2d(K.constant(img), K.constant(k2), padding="same", dilation_rate=(2, 2))),
           rule="close", **TOLB)
    k1 = data(5, (3, 3, 5))
    for pad in ("valid", "same", "causal"):
        report("conv.conv1d_" + pad, ev(K.conv1d(K.constant(seq), K.constant(k1), padding=pad)), rule="close", **TOLB)
    report("conv.conv1d_stride2", ev(K.conv1d(K.constant(seq), K.constant(k1), strides=2, padding="same")),
           rule="close", **TOLB)
    dk = data(6, (3, 3, 3, 2))
    report("conv.depthwise", ev(K.depthwise_conv2d(K.constant(img), K.constant(dk), padding="same")), rule="close", **TOLB)
    pk = data(7, (1, 1, 6, 4))
    report("conv.separable", ev(K.separable_conv2d(K.constant(img), K.constant(dk), K.constant(pk), strides=(2, 2))),
           rule="close", **TOLB)
    kt = data(8, (3, 3, 5, 3))
    report("conv.transpose_same", ev(K.conv2d_transpose(K.constant(img), K.constant(kt), (2, 14, 12, 5),
                                                         strides=(2, 2), padding="same")), rule="close", **TOLB)
    report("conv.transpose_valid", ev(K.conv2d_transpose(K.constant(img), K.constant(kt), (2, 15, 13, 5),
                                                          strides=(2, 2), padding="valid")), rule="close", **TOLB)
    report("conv.conv3d", ev(K.conv3d(K.constant(vol), K.constant(data(9, (2, 2, 2, 2, 3))), padding="same")),
           rule="close", **TOLB)


@sub("pool")
def _():
    for mode in ("max", "avg"):
        for pad in ("valid", "same"):
            report(f"pool.{mode}_{pad}", ev(K.pool2d(K.constant(img), (2, 2), strides=(2, 2), padding=pad, pool_mode=mode)),
                   rule="close", **TOLB)
        report(f"pool.{mode}_3x3s1_same", ev(K.pool2d(K.constant(img), (3, 3), padding="same", pool_mode=mode)),
               rule="close", **TOLB)
    report("pool.pool3d", ev(K.pool3d(K.constant(vol), (2, 2, 2), strides=(2, 2, 2), pool_mode="avg")), rule="close", **TOLB)
    report("pool.resize_nearest", ev(K.resize_images(K.constant(img), 2, 3, "channels_last")), rule="close", **TOLB)
    report("pool.resize_volumes", ev(K.resize_volumes(K.constant(vol), 2, 1, 2, "channels_last")).shape)


@sub("misc")
def _():
    p = K.constant([[0.1, 0.5, 0.5, 0.2], [0.9, 0.05, 0.03, 0.02], [0.3, 0.3, 0.3, 0.1]])
    report("misc.in_top_k_1", ev(K.in_top_k(p, K.constant([2, 0, 3], dtype="int32"), 1)))
    report("misc.in_top_k_2", ev(K.in_top_k(p, K.constant([3, 1, 0], dtype="int32"), 2)))
    report("misc.map_fn", ev(K.map_fn(lambda r: K.sum(r * r), K.constant(seq[0]))), rule="close", **TOLB)
    report("misc.foldl", ev(K.foldl(lambda a, r: a + 2.0 * r, K.constant(seq[0]))), rule="close", **TOLB)
    report("misc.foldr", ev(K.foldr(lambda a, r: a * 0.5 + r, K.constant(seq[0]), K.zeros((3,)))), rule="close", **TOLB)
    with K.name_scope("block"):
        report("misc.name_scope_ok", True)


@sub("ctc")
def _():
    rng = np.random.RandomState(10)
    logits = rng.normal(size=(3, 8, 5)).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [0, 0, 0, 0]], dtype="float32")
    in_len = np.array([[8], [6], [7]])
    lab_len = np.array([[3], [2], [1]])
    cost = ev(K.ctc_batch_cost(K.constant(labels), K.constant(probs), K.constant(in_len), K.constant(lab_len)))
    report("ctc.cost", cost, rule="close", **TOLB)
    dec, logp = K.ctc_decode(K.constant(probs), np.array([8, 6, 7]), greedy=True)
    report("ctc.decoded", ev(dec[0]))
    report("ctc.log_prob", ev(logp), rule="close", **TOLB)


@sub("rnn")
def _():
    w = K.constant(data(12, (3, 4)))
    u = K.constant(data(13, (4, 4)))

    def step(x_t, states):
        h = K.tanh(K.dot(x_t, w) + K.dot(states[0], u))
        return h, [h]

    h0 = K.zeros((2, 4))
    msk = K.constant(np.array([[1, 1, 0, 1, 1, 0, 0, 1, 1], [1, 0, 1, 1, 1, 1, 1, 0, 0]], dtype=bool))
    for key, kw in (("plain", {}), ("backwards", {"go_backwards": True}), ("masked", {"mask": msk}),
                    ("masked_zero", {"mask": msk, "zero_output_for_mask": True}),
                    ("masked_back", {"mask": msk, "go_backwards": True})):
        last, outs, states = K.rnn(step, K.constant(seq), [h0], **kw)
        report(f"rnn.{key}.last", ev(last), rule="close", **TOLB)
        report(f"rnn.{key}.outputs", ev(outs), rule="close", **TOLB)
        report(f"rnn.{key}.state", ev(states[0]), rule="close", **TOLB)


finish()
