"""get_config (every key and value but the name) of layers not covered elsewhere, their output shapes (symbolic, compute_output_shape, output_shape) and parameter counts."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L

S1, S2, S3 = (7, 3), (6, 5, 3), (4, 5, 6, 2)
LAYERS = [
    ("conv1d_full", lambda: L.Conv1D(2, 3, strides=2, padding="same", dilation_rate=1, activation="relu",
                                     use_bias=False, kernel_regularizer=keras.regularizers.l1(0.01)), S1),
    ("conv3d", lambda: L.Conv3D(2, 2, data_format="channels_last", groups=1), S3),
    ("conv1dtranspose", lambda: L.Conv1DTranspose(2, 3, strides=2, output_padding=1), S1),
    ("conv3dtranspose", lambda: L.Conv3DTranspose(2, 2, padding="same"), S3),
    ("separable1d", lambda: L.SeparableConv1D(2, 3, depth_multiplier=2, depthwise_regularizer="l2"), S1),
    ("depthwise1d", lambda: L.DepthwiseConv1D(3, depth_multiplier=2), S1),
    ("lc2d", lambda: L.LocallyConnected2D(2, 2, implementation=2), S2),
    ("maxpool1d", lambda: L.MaxPooling1D(2, padding="same"), S1),
    ("avgpool3d", lambda: L.AveragePooling3D(2), S3),
    ("gmp1d_keepdims", lambda: L.GlobalMaxPooling1D(keepdims=True), S1),
    ("simplernn_cell_rnn", lambda: L.RNN(L.SimpleRNNCell(3, dropout=0.1), return_sequences=True), S1),
    ("stacked_rnn", lambda: L.RNN([L.GRUCell(2), L.LSTMCell(3)]), S1),
    ("lstm_full", lambda: L.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid", go_backwards=True,
                                 stateful=False, unroll=True, kernel_constraint="max_norm"), S1),
    ("bidir_gru_concat", lambda: L.Bidirectional(L.GRU(2, return_sequences=True)), S1),
    ("bidir_backward", lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2, go_backwards=True)), S1),
    ("convlstm1d", lambda: L.ConvLSTM1D(2, 2, return_sequences=True), (3, 5, 2)),
    ("timedistributed_conv", lambda: L.TimeDistributed(L.Conv1D(2, 2)), (3, 5, 2)),
    ("bn_axis1", lambda: L.BatchNormalization(axis=1, center=False, momentum=0.8, beta_regularizer="l2"), S2),
    ("bn_renorm", lambda: L.BatchNormalization(renorm=True, renorm_momentum=0.9,
                                               renorm_clipping={"rmax": 2.0, "dmax": 1.0}), S1),
    ("ln_axes", lambda: L.LayerNormalization(axis=[1, 2], epsilon=1e-6, scale=False), S2),
    ("embedding", lambda: L.Embedding(10, 3, embeddings_regularizer="l1", input_length=7), (7,)),
    ("spatial_dropout1d", lambda: L.SpatialDropout1D(0.2), S1),
    ("spatial_dropout3d", lambda: L.SpatialDropout3D(0.2), S3),
    ("gaussian_noise", lambda: L.GaussianNoise(0.1, seed=2), S1),
    ("gaussian_dropout", lambda: L.GaussianDropout(0.3), S1),
    ("alpha_dropout", lambda: L.AlphaDropout(0.3, noise_shape=None), S1),
    ("activity_reg", lambda: L.ActivityRegularization(l1=0.1, l2=0.2), S1),
    ("elu", lambda: L.ELU(alpha=0.5), S1),
    ("thresholded_relu", lambda: L.ThresholdedReLU(theta=0.2), S1),
    ("softmax", lambda: L.Softmax(axis=1), S1),
    ("relu_opts", lambda: L.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5), S1),
    ("prelu_init", lambda: L.PReLU(alpha_initializer="ones", shared_axes=[1, 2]), S2),
    ("permute", lambda: L.Permute((2, 1)), S1),
    ("reshape_minus1", lambda: L.Reshape((-1, 3, 3)), (6, 3)),
    ("flatten_cf", lambda: L.Flatten(data_format="channels_first"), S2),
    ("upsampling1d", lambda: L.UpSampling1D(3), S1),
    ("upsampling3d", lambda: L.UpSampling3D((1, 2, 1)), S3),
    ("zeropadding1d", lambda: L.ZeroPadding1D(2), S1),
    ("zeropadding3d", lambda: L.ZeroPadding3D(((1, 0), (0, 2), (1, 1))), S3),
    ("cropping2d", lambda: L.Cropping2D(((1, 0), (2, 1))), S2),
    ("cropping3d", lambda: L.Cropping3D(1), S3),
    ("lambda_fn_shape", lambda: L.Lambda(lambda t: t[:, :2], output_shape=(2, 3)), S1),
    ("dense_3d", lambda: L.Dense(4, use_bias=False, activity_regularizer="l2"), S1),
    ("activation_layer", lambda: L.Activation("selu"), S1),
]


@sub("configs")
def _():
    cfgs = {}
    for key, make, shape in LAYERS:
        layer = make()
        cfg = layer.get_config()
        cfg = {k: v for k, v in cfg.items() if k not in ("name", "function")}
        for k in ("layer", "backward_layer", "cell"):
            if isinstance(cfg.get(k), dict):
                inner = dict(cfg[k])
                inner["config"] = {kk: vv for kk, vv in inner["config"].items() if kk != "name"}
                cfg[k] = inner
        cfgs[key] = cfg
    report("configs", cfgs, rule="exact")


@sub("shapes")
def _():
    out = {}
    for key, make, shape in LAYERS:
        layer = make()
        inp = L.Input(shape=shape)
        y = layer(inp)
        cos = layer.compute_output_shape((None,) + shape)
        out[key] = [list(y.shape), [d if d is None else int(d) for d in cos], list(layer.output_shape),
                    list(layer.input_shape), layer.count_params(), len(layer.trainable_weights),
                    len(layer.non_trainable_weights)]
    report("shapes", out, rule="exact")


@sub("merge_shapes")
def _():
    a, b = L.Input(shape=(3, 4)), L.Input(shape=(3, 4))
    c = L.Input(shape=(4, 5))
    shapes = {}
    for key, layer, ins in [("add", L.Add(), [a, b]), ("concat1", L.Concatenate(axis=1), [a, b]),
                            ("dot", L.Dot(axes=(2, 1)), [a, c]), ("dot_norm", L.Dot(axes=2, normalize=True), [a, b]),
                            ("subtract", L.Subtract(), [a, b]), ("maximum", L.Maximum(), [a, b])]:
        y = layer(ins)
        shapes[key] = [list(y.shape), [list(s) if isinstance(s, tuple) else s for s in [layer.compute_output_shape([tuple(t.shape) for t in ins])]],
                       {k: v for k, v in layer.get_config().items() if k != "name"}]
    report("merge_shapes", shapes, rule="exact")


@sub("bn_renorm_training")
def _():
    inp = L.Input(shape=(3,))
    bn = L.BatchNormalization(renorm=True, momentum=0.8, renorm_momentum=0.7,
                              renorm_clipping={"rmin": 0.8, "rmax": 1.3, "dmax": 0.2})
    model = keras.models.Sequential([inp, L.Dense(3), bn, L.Dense(1)])
    seed_weights(model, 5)
    report("bn_renorm_training.names", [w.name.split("/")[-1] for w in bn.weights], rule="exact")
    x = data(6, (8, 3), -2.0, 3.0)
    report("bn_renorm_training.forward", model(x, training=True), rule="close", **TOL)
    model.compile(keras.optimizers.SGD(learning_rate=0.05), "mse")
    hist = model.fit(x, data(7, (8, 1)), batch_size=4, epochs=3, shuffle=False, verbose=0)
    report("bn_renorm_training.loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
    report("bn_renorm_training.bn_weights", bn.get_weights(), rule="close", rtol=1e-3, atol=1e-4)
    report("bn_renorm_training.predict", model.predict(x, verbose=0), rule="close", rtol=1e-3, atol=1e-4)


finish()
