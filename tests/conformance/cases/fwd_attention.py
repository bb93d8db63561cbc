"""Forward parity: Attention/AdditiveAttention (scores, masks, causal), Rescaling, Identity."""
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
v = data(2, (2, 5, 4))
k = data(3, (2, 5, 4))


def attn_case(key, make_layer, with_key=False, masked=False, **call_kwargs):
    @sub(key)
    def _():
        qi, vi = L.Input(shape=(3, 4)), L.Input(shape=(5, 4))
        ins = [qi, vi]
        qq, vv = qi, vi
        if masked:
            qq, vv = L.Masking(0.0)(qi), L.Masking(0.0)(vi)
        args = [qq, vv]
        if with_key:
            ki = L.Input(shape=(5, 4))
            ins.append(ki)
            args.append(ki)
        layer = make_layer()
        out = layer(args, **call_kwargs)
        model = Model(ins, out)
        seed_weights(model, 4)
        report(key + ".weights", [[w.name.split("/")[-1], [int(d) for d in w.shape]] for w in layer.weights],
               rule="exact")
        xq, xv = q.copy(), v.copy()
        if masked:
            xq[0, 2] = 0.0
            xv[0, 3:] = 0.0
            xv[1, 0] = 0.0
        feed = [xq, xv] + ([k] if with_key else [])
        report_outputs(key, model.predict(feed, verbose=0))


attn_case("dot", lambda: L.Attention())
attn_case("dot_scale", lambda: L.Attention(use_scale=True))
attn_case("concat", lambda: L.Attention(score_mode="concat", use_scale=True))
attn_case("dot_key", lambda: L.Attention(), with_key=True)
attn_case("dot_masked", lambda: L.Attention(), masked=True)
attn_case("dot_causal_scores", lambda: L.Attention(), use_causal_mask=True, return_attention_scores=True)
attn_case("additive", lambda: L.AdditiveAttention())
attn_case("additive_noscale_key", lambda: L.AdditiveAttention(use_scale=False), with_key=True)
attn_case("additive_masked_scores", lambda: L.AdditiveAttention(), masked=True, return_attention_scores=True)


@sub("configs")
def _():
    report("configs", [{k: v for k, v in l.get_config().items() if k != "name"} for l in
                       (L.Attention(use_scale=True), L.AdditiveAttention(dropout=0.1),
                        L.Rescaling(1.0 / 255, offset=-1.0), L.Identity())], rule="exact")


@sub("rescaling_identity")
def _():
    inp = L.Input(shape=(2, 3))
    out = L.Identity()(L.Rescaling(1.0 / 127.5, offset=-1)(inp))
    model = Model(inp, out)
    report("rescaling_identity", model.predict(np.arange(12, dtype="float32").reshape(2, 2, 3) * 20, verbose=0),
           rule="close", **TOL)


finish()
