"""File interop: tf_keras 2.21 HDF5 files with Lambda layers (stored Python lambdas: arithmetic,
slicing, `arguments=`, output_shape, and lambdas calling tf.* and K.* functions such as
tf.expand_dims, tf.reshape(x, (tf.shape(x)[0], ...)), tf.nn.relu, K.l2_normalize) loaded with
safe_mode=False: predictions, layer names and output shapes."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K  # noqa: E402,F401 - the stored lambdas call K.*, as the saving script did
from keras.models import load_model  # noqa: E402

for name in ["lambda_layers", "uses_tf_in_lambda"]:
    @sub(name)
    def _():
        model = load_model(fixture(f"interop_{name}.h5"), safe_mode=False)
        x = np.load(fixture(f"interop_{name}_in0.npy"))
        report_outputs(name, model.predict(x, verbose=0))
        report(name + ".layers", [[layer.name, type(layer).__name__] for layer in model.layers])
        report(name + ".output_shapes", [list(layer.output_shape) for layer in model.layers])

finish()
