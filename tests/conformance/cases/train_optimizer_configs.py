"""Optimizer get_config() as old code prints or saves it: hyperparameters as passed until the
optimizer has stepped (or its lr was read), then their float32 values; by-name optimizers."""
import json

import numpy as np

import keras
from keras import optimizers


def cfg(opt):
    return json.loads(json.dumps(opt.get_config(), default=float))


def tiny_fit(opt):
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(opt, 'mse')
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    return model


for name, opt in [("adam", optimizers.Adam(lr=0.01, beta_1=0.85, decay=1e-6)),
                  ("sgd", optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
                  ("rmsprop", optimizers.RMSprop(0.01, rho=0.8)),
                  ("adagrad", optimizers.Adagrad(0.01)),
                  ("adadelta", optimizers.Adadelta(1.0, rho=0.9)),
                  ("adamax", optimizers.Adamax(0.002)),
                  ("nadam", optimizers.Nadam(0.002))]:
    report(name + ".before_fit", cfg(opt))
    tiny_fit(opt)
    report(name + ".after_fit", cfg(opt))

opt = optimizers.Adam(0.01)
keras.backend.get_value(opt.lr)
report("adam.after_reading_lr", cfg(opt))
report("adam_by_name.after_fit", cfg(tiny_fit('adam').optimizer))
report("sgd_by_name.after_fit", cfg(tiny_fit('sgd').optimizer))
