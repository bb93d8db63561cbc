"""What old scripts read off a model: layers, get_layer by name/index, inputs/outputs shapes,
input_shape/output_shape, layer.input/output, count_params, trainable/non-trainable weight counts
after freezing layers (before and after compile), weight names, pop(), and the errors for a wrong
layer name or index."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.layers import Dense, Input, LSTM, BatchNormalization, Embedding, concatenate, Dropout
from keras.models import Model, Sequential


def shp(s):
    if isinstance(s, list):
        return [shp(t) for t in s]
    return None if s is None else [None if d is None else int(d) for d in s]


@sub("sequential")
def _():
    m = Sequential()
    m.add(Dense(16, input_shape=(10,), activation="relu", name="h1"))
    m.add(BatchNormalization(name="bn"))
    m.add(Dropout(0.2))
    m.add(Dense(3, activation="softmax", name="out"))
    report("seq.layer_names", [l.name for l in m.layers])
    report("seq.layer_types", [type(l).__name__ for l in m.layers])
    report("seq.input_shape", shp(m.input_shape))
    report("seq.output_shape", shp(m.output_shape))
    report("seq.inputs", [shp(K.int_shape(t)) for t in m.inputs])
    report("seq.outputs", [shp(K.int_shape(t)) for t in m.outputs])
    report("seq.count_params", m.count_params())
    report("seq.n_weights", [len(m.weights), len(m.trainable_weights), len(m.non_trainable_weights)])
    report("seq.weight_names", [w.name for w in m.weights])
    report("seq.get_layer_index", m.get_layer(index=1).name)
    report("seq.get_layer_name", type(m.get_layer("out")).__name__)
    report("seq.layer0_io", [shp(m.layers[0].input_shape), shp(m.layers[0].output_shape)])
    report("seq.layer_input_is_model_input", m.layers[0].input is m.input)
    report("seq.get_weights_shapes", [list(w.shape) for w in m.get_weights()])
    m.layers[0].trainable = False
    report("seq.frozen_counts", [len(m.trainable_weights), len(m.non_trainable_weights)])
    m.compile("adam", "categorical_crossentropy")
    report("seq.frozen_after_compile", [len(m.trainable_weights), len(m.non_trainable_weights)])
    m.trainable = False
    report("seq.model_frozen", [len(m.trainable_weights), len(m.non_trainable_weights)])
    m.trainable = True
    report("seq.unfrozen", [len(m.trainable_weights), len(m.non_trainable_weights)])
    m.pop()
    report("seq.after_pop", [[l.name for l in m.layers], shp(m.output_shape), len(m.outputs)])
    for bad in (dict(name="nope"), dict(index=10)):
        try:
            m.get_layer(**bad)
            report(f"seq.get_layer_error.{list(bad)[0]}", None)
        except ValueError as e:
            report(f"seq.get_layer_error.{list(bad)[0]}", type(e).__name__)


@sub("functional")
def _():
    a = Input(shape=(5,), name="num")
    b = Input(shape=(7,), dtype="int32", name="tok")
    e = Embedding(20, 4, name="emb")(b)
    r = LSTM(3, name="lstm")(e)
    h = concatenate([a, r], name="cat")
    o1 = Dense(1, activation="sigmoid", name="p")(h)
    o2 = Dense(2, name="q")(h)
    m = Model(inputs=[a, b], outputs=[o1, o2], name="two")
    report("func.layer_names", [l.name for l in m.layers])
    report("func.input_names", m.input_names)
    report("func.output_names", m.output_names)
    report("func.input_shape", shp(m.input_shape))
    report("func.output_shape", shp(m.output_shape))
    report("func.n_inputs_outputs", [len(m.inputs), len(m.outputs)])
    report("func.count_params", m.count_params())
    report("func.layer_counts", [l.count_params() for l in m.layers])
    report("func.weight_names", [w.name for w in m.weights])
    report("func.cat_input_shape", shp(m.get_layer("cat").input_shape))
    report("func.lstm_dtype", [m.get_layer("tok").dtype if hasattr(m.get_layer("tok"), "dtype") else None])
    report("func.input_dtypes", [K.dtype(t) for t in m.inputs])
    m.get_layer("lstm").trainable = False
    report("func.frozen_counts", [len(m.trainable_weights), len(m.non_trainable_weights)])
    sub_model = Model(m.input, m.get_layer("cat").output)
    report("func.sub_model", [shp(sub_model.output_shape), len(sub_model.layers), sub_model.count_params()])


@sub("shared_layer_nodes")
def _():
    shared = Dense(4, name="shared")
    x1, x2 = Input(shape=(3,)), Input(shape=(3,))
    y1, y2 = shared(x1), shared(x2)
    m = Model([x1, x2], [y1, y2])
    report("shared.inbound_nodes", len(shared._inbound_nodes) if hasattr(shared, "_inbound_nodes") else None)
    report("shared.output_at", [shp(K.int_shape(shared.get_output_at(0))), shp(K.int_shape(shared.get_output_at(1)))])
    report("shared.input_shape_at", shp(shared.get_input_shape_at(1)))
    try:
        shared.output
        report("shared.output_error", None)
    except AttributeError as e:
        report("shared.output_error", type(e).__name__)
    report("shared.count", m.count_params())
    report("shared.n_weights", len(m.weights))


@sub("layer_weights_api")
def _():
    layer = Dense(2, input_dim=3, name="d")
    m = Sequential([layer])
    ws = layer.get_weights()
    report("weights.kernel_bias_shapes", [list(w.shape) for w in ws])
    layer.set_weights([np.ones((3, 2), "float32"), np.arange(2, dtype="float32")])
    report("weights.predict", m.predict(np.ones((1, 3), "float32"), verbose=0), rule="close", rtol=1e-6)
    report("weights.handle_names", [w.name for w in layer.weights])
    m.set_weights([w * 2 for w in m.get_weights()])
    report("weights.model_set", [num(w) for w in m.get_weights()], rule="close", rtol=1e-6)
    try:
        layer.set_weights([np.ones((2, 2), "float32"), np.zeros(2, "float32")])
        report("weights.bad_shape_error", None)
    except ValueError as e:
        report("weights.bad_shape_error", type(e).__name__)


@sub("single_element_lists")
def _():
    # Model(inp, [out]) / Model([inp], out): a list of one tensor is the tensor itself
    i = Input(shape=(3,))
    m = Model(i, [Dense(2, kernel_initializer="ones")(i)])
    ones = np.ones((4, 3), "float32")
    report("single.predict_type", type(m.predict(ones, verbose=0)).__name__)
    report("single.output_shape", shp(m.output_shape))
    report("single.call_is_list", isinstance(m(ones), (list, tuple)))
    m.compile("sgd", "mse")
    report("single.evaluate", [m.evaluate(ones, np.zeros((4, 2)), verbose=0), m.evaluate(ones, [np.zeros((4, 2))], verbose=0)])
    m2 = Model([i], Dense(1, kernel_initializer="ones")(i))
    report("single.input_shape", shp(m2.input_shape))
    report("single.predict_list", list(m2.predict([ones], verbose=0).shape))
    report("single.config_io", [m2.get_config()["input_layers"], m.get_config()["output_layers"]])


finish()
