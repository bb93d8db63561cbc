"""File interop: functional models that apply backend/arithmetic operations directly to symbolic
tensors (x / 255., x * 2 + 1, 1. - x, K.concatenate, K.mean, K.maximum, K.expand_dims, slicing), as
tf.keras records them (TFOpLambda / SlicingOpLambda layers): layer names and classes, their configs
and inbound nodes in to_json(), predictions, save/load round trip; and a tf_keras 2.21 file holding
tf.* operations (tf.concat, tf.nn.relu, tf.reduce_*, tf.stack, tf.transpose, tf.matmul...) loaded."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import json  # noqa: E402

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from keras.layers import Dense, Input  # noqa: E402
from keras.models import Model, load_model, model_from_json  # noqa: E402


def build():
    inp = Input(shape=(4,), name="pixels")
    a = inp / 255.0
    b = a * 2 + 1
    c = K.concatenate([a, b], axis=1)
    d = K.maximum(c - 0.5, 0.0)
    h = Dense(3, name="dense")(d)
    e = h[:, 0]
    r = K.mean(h, axis=1, keepdims=True)
    s = K.expand_dims(e, -1) + (1.0 - r)
    t = K.square(h[..., ::2]) * K.exp(-K.abs(h[:, 1:2]))
    u = K.sum(K.reshape(h, (-1, 3, 1)), axis=2) + K.max(d, axis=-1, keepdims=True)
    model = Model(inp, [s, t, u])
    seed_weights(model, 3)
    return model


x = data(4, (5, 4), 0.0, 255.0)
model = build()


@sub("built")
def _():
    report("built.layers", [[layer.name, type(layer).__name__] for layer in model.layers])
    report("built.output_shapes", model.output_shape)
    report_outputs("built", model.predict(x, verbose=0))
    cfg = json.loads(model.to_json())["config"]
    ops = [l for l in cfg["layers"] if l["class_name"] in ("TFOpLambda", "SlicingOpLambda")]
    report("built.config.functions", [[l["name"], l["config"]["function"]] for l in ops])
    report("built.config.keys", [sorted(l["config"]) for l in ops])
    report("built.config.nodes", [l["inbound_nodes"] for l in ops])


@sub("round_trip")
def _():
    model.save("ops.h5")
    loaded = load_model("ops.h5")
    report_outputs("round_trip.h5", loaded.predict(x, verbose=0))
    report("round_trip.h5.layers", [layer.name for layer in loaded.layers])
    again = model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    report_outputs("round_trip.json", again.predict(x, verbose=0))


@sub("tf_file")
def _():
    xs = np.load(fixture("interop_tf_ops_in0.npy"))
    loaded = load_model(fixture("interop_tf_ops.h5"))
    report_outputs("tf_file", loaded.predict(xs, verbose=0))
    report("tf_file.layers", [[layer.name, type(layer).__name__] for layer in loaded.layers])
    with open(fixture("interop_tf_ops.json")) as f:
        rebuilt = model_from_json(f.read())
    rebuilt.load_weights(fixture("interop_tf_ops_weights.h5"))
    report_outputs("tf_file.json_weights", rebuilt.predict(xs, verbose=0))

finish()
