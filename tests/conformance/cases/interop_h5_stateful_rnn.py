"""File interop: a tf_keras 2.21 HDF5 file of a stateful LSTM+GRU Sequential (batch_input_shape fixed):
it loads with the batch size and stateful flags, predicts as Keras, carries its state from one predict
call to the next, and reset_states() brings the first result back."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.models import load_model  # noqa: E402

x = np.load(fixture("interop_stateful_rnn_in0.npy"))
model = load_model(fixture("interop_stateful_rnn.h5"), compile=False)
report("batch_input_shape", model.input_shape)
report("stateful", [getattr(layer, "stateful", None) for layer in model.layers])
report_outputs("first", model.predict(x, batch_size=2, verbose=0))
report_outputs("second", model.predict(x, batch_size=2, verbose=0))
model.reset_states()
report_outputs("after_reset", model.predict(x, batch_size=2, verbose=0))
finish()
