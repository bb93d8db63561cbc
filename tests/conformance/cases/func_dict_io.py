"""Functional models whose inputs and outputs are dicts (tf.keras 2 style): input_names/output_names
ordered by key, predict/predict_on_batch/calling the model returning dicts, compile/fit keyed by
the output dict's keys, history keys named after the output layers, config round trip."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Input, concatenate
from keras.models import Model

TOLD = dict(rtol=1e-4, atol=1e-5)
xa, xb = data(1, (5, 3)), data(2, (5, 2))
yz, ya = data(3, (5, 1)), data(4, (5, 2))


def build():
    a = Input(shape=(3,), name="feat_a")
    b = Input(shape=(2,), name="feat_b")
    h = Dense(4, activation="tanh", name="h")(concatenate([a, b]))
    outs = {"zeta": Dense(1, name="z_layer")(h), "alpha": Dense(2, name="a_layer")(h)}
    m = Model(inputs={"b_in": b, "a_in": a}, outputs=outs)
    seed_weights(m, 5)
    return m


@sub("structure")
def _():
    m = build()
    report("structure.output_names", m.output_names)
    report("structure.input_names", m.input_names)
    report("structure.output_shape", sorted(m.output_shape.items()))
    report("structure.input_shape", sorted(m.input_shape.items()))
    p = m.predict({"a_in": xa, "b_in": xb}, verbose=0)
    report("structure.predict_type", type(p).__name__)
    report("structure.predict_alpha", p["alpha"], rule="close", **TOLD)
    report("structure.predict_zeta", p["zeta"], rule="close", **TOLD)
    report("structure.call_keys", sorted(m({"a_in": xa, "b_in": xb})))
    report("structure.predict_on_batch_keys", sorted(m.predict_on_batch({"a_in": xa, "b_in": xb})))
    cfg = m.get_config()
    report("structure.cfg_out", cfg["output_layers"])
    report("structure.cfg_in", cfg["input_layers"])
    m2 = Model.from_config(cfg)
    m2.set_weights(m.get_weights())
    report("structure.rebuilt_names", [m2.input_names, m2.output_names])
    report("structure.rebuilt_predict", m2.predict({"a_in": xa, "b_in": xb}, verbose=0)["zeta"], rule="close", **TOLD)


@sub("training")
def _():
    m = build()
    m.compile(keras.optimizers.SGD(0.1), {"zeta": "mse", "alpha": "mae"}, metrics={"zeta": "mae"},
              loss_weights={"zeta": 2.0, "alpha": 1.0})
    h = m.fit({"a_in": xa, "b_in": xb}, {"zeta": yz, "alpha": ya}, epochs=2, verbose=0, batch_size=5)
    report("training.keys", sorted(h.history))
    report("training.metrics_names", m.metrics_names)
    report("training.loss", h.history["loss"], rule="close", **TOLD)
    report("training.eval", m.evaluate({"a_in": xa, "b_in": xb}, {"zeta": yz, "alpha": ya}, verbose=0), rule="close", **TOLD)
    report("training.train_on_batch", m.train_on_batch({"a_in": xa, "b_in": xb}, {"zeta": yz, "alpha": ya}), rule="close", **TOLD)
    report("training.sample_weight_dict", m.evaluate({"a_in": xa, "b_in": xb}, {"zeta": yz, "alpha": ya}, verbose=0,
                                                     sample_weight={"zeta": np.arange(5.0), "alpha": np.ones(5)}), rule="close", **TOLD)


finish()
