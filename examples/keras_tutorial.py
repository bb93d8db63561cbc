# An old Keras 2 tutorial, unchanged: build an MLP, train, evaluate, save to HDF5, reload, predict.
# Run it on PyTorch with:  python -m torchkeras_compat examples/keras_tutorial.py
# (the first seed post's tutorial, with Keras 1/2.0 spellings that old scripts use)
from keras.models import Sequential, load_model
from keras.layers import Dense, Activation, Dropout
from keras.optimizers import Adam
import numpy as np

np.random.seed(7)

# data: 1000 training and 500 test samples with 3 features; the label says whether they sum past 1.5
train_data, test_data = np.random.random((1000, 3)), np.random.random((500, 3))
labels = (train_data.sum(axis=1) > 1.5).astype("int32").reshape(-1, 1)
test_labels = (test_data.sum(axis=1) > 1.5).astype("int32").reshape(-1, 1)

model = Sequential()
model.add(Dense(output_dim=16, input_dim=3, init="glorot_uniform"))
model.add(Activation("relu"))
model.add(Dropout(p=0.1))
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.summary()

model.compile(optimizer=Adam(lr=0.01, decay=1e-4), loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(train_data, labels, batch_size=32, nb_epoch=20, validation_split=0.1, verbose=2)

loss, acc = model.evaluate(test_data, test_labels, verbose=0)
print("test loss: %.4f, test accuracy: %.4f" % (loss, acc))
print("history keys:", sorted(history.history.keys()))

model.save("keras_tutorial_model.h5")
restored = load_model("keras_tutorial_model.h5")
same = np.allclose(model.predict(test_data), restored.predict(test_data), atol=1e-6)
print("reloaded model predicts the same:", same)
print("first predicted classes:", model.predict_classes(test_data[:10]).ravel())
assert acc > 0.8 and same
