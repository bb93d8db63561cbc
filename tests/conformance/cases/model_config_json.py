"""Model structure round trips: get_config()/from_config, to_json()/model_from_json, clone_model,
Sequential.from_config of an old-style list config, custom layers through custom_objects; the
rebuilt models give the same predictions once weights are copied, and their configs say what
Keras writes (class names, layer names, inbound node structure, input layers)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Input, Dropout, LSTM, Embedding, concatenate, Layer
from keras.models import Model, Sequential, model_from_json, clone_model

x = data(1, (4, 6))


class Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones", trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config


def seq():
    m = Sequential([Dense(5, input_shape=(6,), activation="relu", name="h"), Dropout(0.1, name="dr"),
                    Dense(2, activation="softmax", name="o")], name="seqm")
    seed_weights(m, 1)
    return m


@sub("sequential_config")
def _():
    m = seq()
    cfg = m.get_config()
    report("seq.config_keys", sorted(cfg))
    report("seq.config_name", cfg["name"])
    report("seq.layer_classes", [l["class_name"] for l in cfg["layers"]])
    report("seq.layer0_config_keys", sorted(cfg["layers"][1]["config"]))
    m2 = Sequential.from_config(cfg)
    m2.set_weights(m.get_weights())
    report("seq.from_config_names", [l.name for l in m2.layers])
    report("seq.from_config_predict", m2.predict(x, verbose=0), rule="close", **TOL)
    j = json.loads(m.to_json())
    report("seq.json_top_keys", sorted(j))
    report("seq.json_class", j["class_name"])
    m3 = model_from_json(m.to_json())
    m3.set_weights(m.get_weights())
    report("seq.json_predict", m3.predict(x, verbose=0), rule="close", **TOL)
    report("seq.json_type", type(m3).__name__)


@sub("functional_config")
def _():
    a = Input(shape=(6,), name="a")
    t = Input(shape=(3,), dtype="int32", name="t")
    e = LSTM(2, name="l")(Embedding(10, 3, name="e")(t))
    h = concatenate([Dense(4, name="d")(a), e], name="c")
    out = Dense(1, name="out")(h)
    m = Model([a, t], out, name="fm")
    seed_weights(m, 2)
    cfg = m.get_config()
    report("func.config_keys", sorted(cfg))
    report("func.input_layers", cfg["input_layers"])
    report("func.output_layers", cfg["output_layers"])
    report("func.layer_names", [l["name"] for l in cfg["layers"]])
    report("func.concat_inbound", cfg["layers"][-2]["inbound_nodes"])
    m2 = Model.from_config(cfg)
    m2.set_weights(m.get_weights())
    xt = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, 2]], dtype="int32")
    report("func.from_config_predict", m2.predict([x, xt], verbose=0), rule="close", **TOL)
    m3 = model_from_json(m.to_json())
    m3.set_weights(m.get_weights())
    report("func.json_predict", m3.predict([x, xt], verbose=0), rule="close", **TOL)
    report("func.json_io_names", [m3.input_names, m3.output_names])
    m4 = clone_model(m)
    report("func.clone_names", [l.name for l in m4.layers])
    report("func.clone_weights_differ", bool(any(not np.allclose(u, v) for u, v in zip(m.get_weights(), m4.get_weights()))))


@sub("custom_layer")
def _():
    m = Sequential([Dense(3, input_shape=(6,), name="d"), Scale(3.0, name="scale")])
    seed_weights(m, 3)
    cfg = m.get_config()
    report("custom.layer_config", {k: v for k, v in cfg["layers"][-1]["config"].items() if k in ("name", "factor", "trainable", "dtype")})
    m2 = model_from_json(m.to_json(), custom_objects={"Scale": Scale})
    m2.set_weights(m.get_weights())
    report("custom.predict", m2.predict(x, verbose=0), rule="close", **TOL)
    try:
        model_from_json(m.to_json())
        report("custom.missing_error", None)
    except (ValueError, TypeError) as e:  # Keras 2.0-2.x: ValueError "Unknown layer"; tf.keras 2.13+: TypeError
        report("custom.missing_error", "Scale" in str(e))
    report("custom.weights", [w.name for w in m.weights])


@sub("layer_from_config")
def _():
    d = Dense(4, activation="tanh", kernel_initializer="he_normal", name="dd", use_bias=False)
    cfg = d.get_config()
    d2 = Dense.from_config(cfg)
    report("layer.roundtrip", d2.get_config() == cfg)
    s = keras.layers.serialize(d)
    report("layer.serialize_class", s["class_name"])
    d3 = keras.layers.deserialize(s)
    report("layer.deserialize", [type(d3).__name__, d3.units, d3.use_bias, d3.name])


finish()
