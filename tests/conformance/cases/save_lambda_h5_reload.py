"""A model with Lambda layers (Python lambdas, arguments, output_shape) saved to .h5 and loaded
back with load_model() and no extra arguments, as old scripts do; model_from_json refuses them."""
import numpy as np

import keras
from keras import backend as K
from keras.layers import Dense, Input, Lambda
from keras.models import Model, load_model, model_from_json

rng = np.random.RandomState(3)
x = rng.uniform(-1, 1, (4, 5)).astype("float32")

inp = Input(shape=(5,))
h = Lambda(lambda t: t * 2.0 + 1.0)(inp)
h = Dense(3, name="dense")(h)
h = Lambda(lambda t, k: K.square(t) * k, arguments={"k": 0.5})(h)
out = Lambda(lambda t: K.sum(t, axis=-1, keepdims=True), output_shape=(1,))(h)
model = Model(inp, out)
model.get_layer("dense").set_weights([rng.uniform(-0.5, 0.5, (5, 3)).astype("float32"),
                                      np.array([0.1, -0.2, 0.3], dtype="float32")])
before = model.predict(x, verbose=0)
model.save("lambda_model.h5")
loaded = load_model("lambda_model.h5")
report("predict_before", before, rule="close", rtol=1e-5, atol=1e-6)
report("predict_after_h5", loaded.predict(x, verbose=0), rule="close", rtol=1e-5, atol=1e-6)
report("layer_classes", [type(l).__name__ for l in loaded.layers])
try:
    model_from_json(model.to_json())
    report("json_default", "loaded")
except ValueError:
    report("json_default", "ValueError")
