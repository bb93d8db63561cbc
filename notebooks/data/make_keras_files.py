"""Write the small files notebook 06 loads: a model saved by real Keras (tf_keras 2.21).

Run with the reference venv:  /work/refvenv/bin/python notebooks/data/make_keras_files.py
Produces keras_iris_mlp.h5 (full model, Keras 2 HDF5) and keras_iris_mlp.npz (inputs and the
predictions real Keras made on them).
"""
import os

import numpy as np
import tf_keras as keras

HERE = os.path.dirname(os.path.abspath(__file__))

keras.utils.set_random_seed(0)
rng = np.random.RandomState(0)
x = rng.normal(size=(150, 4)).astype("float32")
y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int32") + (x[:, 2] > 1).astype("int32")

model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,), name="hidden"),
                          keras.layers.Dense(3, activation="softmax", name="output")],
                         name="iris_like_mlp")
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x, y, epochs=20, verbose=0)
model.save(os.path.join(HERE, "keras_iris_mlp.h5"))
np.savez(os.path.join(HERE, "keras_iris_mlp.npz"), x=x[:5], y=model.predict(x[:5], verbose=0))
