"""keras.utils.image_dataset_from_directory (messages, class names, file order, label modes,
splits, resizing, colour modes) and timeseries_dataset_from_array; both datasets fed to fit."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import contextlib  # noqa: E402
import io  # noqa: E402

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Flatten, Rescaling, LSTM
from keras.models import Sequential

rng = np.random.RandomState(0)
for cls, n in (("cats", 3), ("dogs", 4), ("zebra", 3)):
    os.makedirs(os.path.join("imgs", cls), exist_ok=True)
    for i in range(n):
        keras.utils.save_img(os.path.join("imgs", cls, f"img{i}.png"), rng.randint(0, 255, (10 + i, 14, 3)).astype("float32"),
                             scale=False)
os.makedirs(os.path.join("imgs", "dogs", "sub"))
keras.utils.save_img(os.path.join("imgs", "dogs", "sub", "deep.png"), rng.randint(0, 255, (8, 8, 3)).astype("float32"), scale=False)
with open(os.path.join("imgs", "cats", "notes.txt"), "w") as f:
    f.write("not an image")


def quiet(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        out = fn()
    return out, [line for line in buf.getvalue().splitlines() if line.strip()]


def rel(paths):
    return [os.path.relpath(p, "imgs").replace(os.sep, "/") for p in paths]


@sub("images")
def _():
    ds, lines = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", image_size=(6, 8), batch_size=4, shuffle=False))
    report("images.lines", lines)
    report("images.class_names", ds.class_names)
    report("images.file_paths", rel(ds.file_paths))
    batches = list(ds)
    report("images.n_batches", len(batches))
    report("images.shapes", [[list(b[0].shape), list(b[1].shape)] for b in batches])
    report("images.dtypes", [str(np.asarray(batches[0][0]).dtype), str(np.asarray(batches[0][1]).dtype)])
    report("images.labels", np.concatenate([np.asarray(b[1]) for b in batches]).tolist())
    report("images.first_batch", np.asarray(batches[0][0]), rule="close", rtol=1e-4, atol=1e-3)
    report("images.take", [list(np.asarray(x).shape) for x, _ in ds.take(1)])
    report("images.cardinality", int(np.asarray(ds.cardinality())))


@sub("modes")
def _():
    cat, _ = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", label_mode="categorical", image_size=(4, 4),
                                                                    batch_size=20, shuffle=False))
    x, y = next(iter(cat))
    report("modes.categorical", np.asarray(y).tolist())
    none, lines = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", labels=None, image_size=(4, 4), batch_size=20,
                                                                         shuffle=False))
    report("modes.none_lines", lines)
    report("modes.none_shape", list(np.asarray(next(iter(none))).shape))
    gray, _ = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", color_mode="grayscale", image_size=(5, 7),
                                                                     batch_size=2, shuffle=False, interpolation="nearest"))
    report("modes.gray_nearest", np.asarray(next(iter(gray))[0]), rule="close", rtol=1e-4, atol=1e-3)
    crop, _ = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", image_size=(4, 4), batch_size=3, shuffle=False,
                                                                     crop_to_aspect_ratio=True))
    report("modes.crop", np.asarray(next(iter(crop))[0]), rule="close", rtol=1e-4, atol=1e-3)
    listed, lines = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", labels=[0, 1] * 5 + [1], label_mode="binary",
                                                                           image_size=(4, 4), batch_size=20, shuffle=False))
    report("modes.list_labels", [lines, np.asarray(next(iter(listed))[1]).ravel().tolist(), listed.class_names])
    try:
        keras.utils.image_dataset_from_directory("imgs", validation_split=0.2, subset="training")
        report("modes.no_seed", None)
    except ValueError:
        report("modes.no_seed", "ValueError")


@sub("splits")
def _():
    (tr, va), lines = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", validation_split=0.3, subset="both", seed=1337,
                                                                             image_size=(4, 4), batch_size=2))
    report("splits.lines", lines)
    report("splits.train_files", rel(tr.file_paths))
    report("splits.val_files", rel(va.file_paths))
    report("splits.val_labels", np.concatenate([np.asarray(y) for _, y in va]).tolist())
    report("splits.train_label_counts", np.bincount(np.concatenate([np.asarray(y) for _, y in tr]), minlength=3).tolist())
    va2, lines2 = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", validation_split=0.3, subset="validation",
                                                                         seed=1337, image_size=(4, 4)))
    report("splits.validation_only", [lines2, rel(va2.file_paths)])


@sub("fit")
def _():
    ds, _ = quiet(lambda: keras.utils.image_dataset_from_directory("imgs", image_size=(6, 6), batch_size=4, shuffle=False))
    m = Sequential([Rescaling(1.0 / 255, input_shape=(6, 6, 3)), Flatten(), Dense(3, activation="softmax")])
    seed_weights(m, 3)
    m.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    h = m.fit(ds, epochs=2, verbose=0, validation_data=ds)
    report("fit.history", h.history, rule="close", rtol=1e-4, atol=1e-5)
    report("fit.predict_shape", list(m.predict(ds.map(lambda x, y: x), verbose=0).shape))
    report("fit.unbatch", sum(1 for _ in ds.unbatch()))


@sub("timeseries")
def _():
    series = np.arange(40, dtype="float32").reshape(20, 2)
    ds = keras.utils.timeseries_dataset_from_array(series, np.arange(20) * 10, sequence_length=5, sequence_stride=2,
                                                   sampling_rate=2, batch_size=3)
    batches = list(ds)
    report("timeseries.n", len(batches))
    report("timeseries.first", [np.asarray(batches[0][0]).tolist(), np.asarray(batches[0][1]).tolist()])
    report("timeseries.targets", np.concatenate([np.asarray(b[1]) for b in batches]).tolist())
    report("timeseries.dtypes", [str(np.asarray(batches[0][0]).dtype), str(np.asarray(batches[0][1]).dtype)])
    only = keras.utils.timeseries_dataset_from_array(series[:, 0], None, sequence_length=4, start_index=3, end_index=15,
                                                     batch_size=5)
    report("timeseries.inputs_only", [np.asarray(b).tolist() for b in only])
    shuf = keras.utils.timeseries_dataset_from_array(series, np.arange(20), sequence_length=3, shuffle=True, seed=7, batch_size=100)
    report("timeseries.shuffled_targets", sorted(np.asarray(next(iter(shuf))[1]).tolist()))
    try:
        keras.utils.timeseries_dataset_from_array(series, None, sequence_length=3, end_index=20)
        report("timeseries.end_index_error", None)
    except ValueError:
        report("timeseries.end_index_error", "ValueError")
    m = Sequential([LSTM(3, input_shape=(5, 2)), Dense(1)])
    seed_weights(m, 4)
    m.compile("adam", "mse")
    h = m.fit(keras.utils.timeseries_dataset_from_array(series / 40.0, np.arange(20, dtype="float32") / 20, sequence_length=5,
                                                        batch_size=4), epochs=2, verbose=0)
    report("timeseries.fit_loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-6)


@sub("split")
def _():
    xs, ys = np.arange(20, dtype="float32").reshape(10, 2), np.arange(10)
    left, right = keras.utils.split_dataset((xs, ys), left_size=0.7, shuffle=True, seed=3)
    report("split.tuple", [[np.asarray(e).tolist() for e in el] for el in left] + [len(list(right))])
    left, right = keras.utils.split_dataset(xs, right_size=3)
    report("split.array", [np.asarray(e).tolist() for e in right])
    ts = keras.utils.timeseries_dataset_from_array(xs, ys, sequence_length=2, batch_size=3)
    left, right = keras.utils.split_dataset(ts, left_size=5)
    report("split.batched", [[list(np.asarray(b[0]).shape) for b in left], [list(np.asarray(b[0]).shape) for b in right]])
    try:
        keras.utils.split_dataset(xs, left_size=0.6, right_size=0.6)
        report("split.too_big", None)
    except ValueError:
        report("split.too_big", "ValueError")


finish()
