"""Forward parity: MultiHeadAttention (projections, value_dim/output_shape, masks, causal, scores, a small transformer block saved to h5)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model

q = data(1, (2, 3, 4))
v = data(2, (2, 5, 6))
k = data(3, (2, 5, 6))


def mha_case(key, make_layer, with_key=False, masked=False, explicit_mask=False, **call_kwargs):
    @sub(key)
    def _():
        qi, vi = L.Input(shape=(3, 4)), L.Input(shape=(5, 6))
        ins = [qi, vi]
        qq, vv = qi, vi
        if masked:
            qq, vv = L.Masking(0.0)(qi), L.Masking(0.0)(vi)
        kwargs = dict(call_kwargs)
        if with_key:
            ki = L.Input(shape=(5, 6))
            ins.append(ki)
            kwargs["key"] = ki
        if explicit_mask:
            mi = L.Input(shape=(3, 5), dtype="bool")
            ins.append(mi)
            kwargs["attention_mask"] = mi
        layer = make_layer()
        out = layer(qq, vv, **kwargs)
        model = Model(ins, out)
        seed_weights(model, 4)
        report(key + ".weights", [[w.name.split("/", 1)[-1], [int(d) for d in w.shape]] for w in layer.weights],
               rule="exact")
        xq, xv = q.copy(), v.copy()
        if masked:
            xq[0, 2] = 0.0
            xv[0, 3:] = 0.0
            xv[1, 0] = 0.0
        feed = [xq, xv] + ([k] if with_key else [])
        if explicit_mask:
            feed.append(np.random.RandomState(5).rand(2, 3, 5) > 0.3)
        report_outputs(key, model.predict(feed, verbose=0))


mha_case("basic", lambda: L.MultiHeadAttention(num_heads=2, key_dim=3))
mha_case("value_dim_output_shape", lambda: L.MultiHeadAttention(2, 3, value_dim=2, output_shape=5))
mha_case("key_no_bias", lambda: L.MultiHeadAttention(3, 2, use_bias=False), with_key=True)
mha_case("masked", lambda: L.MultiHeadAttention(2, 3), masked=True)
mha_case("explicit_mask_scores", lambda: L.MultiHeadAttention(2, 2), explicit_mask=True, return_attention_scores=True)


@sub("self_attention_causal")
def _():
    inp = L.Input(shape=(4, 4))
    layer = L.MultiHeadAttention(2, 2)
    out, scores = layer(inp, inp, use_causal_mask=True, return_attention_scores=True)
    model = Model(inp, [out, scores])
    seed_weights(model, 6)
    report_outputs("self_attention_causal", model.predict(data(7, (2, 4, 4)), verbose=0))


@sub("transformer_block")
def _():
    inp = L.Input(shape=(5,))
    x = L.Embedding(10, 8, mask_zero=True)(inp)
    att = L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, att]))
    ff = L.Dense(8)(L.Dense(16, activation="relu")(x))
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, ff]))
    out = L.Dense(2, activation="softmax")(L.GlobalAveragePooling1D()(x))
    model = Model(inp, out)
    seed_weights(model, 8)
    ids = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    report("transformer_block", model.predict(ids, verbose=0), rule="close", **TOL)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.save("tb.h5")
    report("transformer_block.reloaded", keras.models.load_model("tb.h5").predict(ids, verbose=0), rule="close", **TOL)


@sub("config")
def _():
    layer = L.MultiHeadAttention(2, 3, dropout=0.1)
    layer(L.Input(shape=(3, 4)), L.Input(shape=(5, 6)))
    cfg = layer.get_config()
    report("config", {k: v for k, v in cfg.items() if k != "name"}, rule="exact")


finish()
