"""File interop: keras.models.load_model() on full-model HDF5 files written by tf_keras 2.21 with many
layer types and options (strided/dilated/causal/separable/depthwise/transposed convolutions in 1-3D,
padding/cropping/upsampling/pooling, LocallyConnected1D/2D, Attention/AdditiveAttention/
MultiHeadAttention/LayerNormalization, a Functional and a Sequential model nested in a Sequential);
predictions, layer names and output shapes. (Recurrent layer files: interop_h5_stateful_rnn.)"""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.models import load_model  # noqa: E402

NAMES = ["conv1d_variants", "conv2d_variants", "conv3d_variants", "locally_connected", "attention_layers",
         "nested_in_sequential"]


def inputs(name):
    found, i = [], 0
    while os.path.exists(fixture(f"interop_{name}_in{i}.npy")):
        found.append(np.load(fixture(f"interop_{name}_in{i}.npy")))
        i += 1
    return found


for name in NAMES:
    @sub(name)
    def _():
        model = load_model(fixture(f"interop_{name}.h5"), compile=False)
        x = inputs(name)
        feed = x if len(x) > 1 else x[0]
        report_outputs(name, model.predict(feed, batch_size=len(x[0]), verbose=0))
        report(name + ".layer_names", [layer.name for layer in model.layers])
        report(name + ".output_shape", model.output_shape)

finish()
