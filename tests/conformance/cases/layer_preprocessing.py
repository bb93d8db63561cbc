"""Preprocessing layers inside models: Resizing, CenterCrop, RandomFlip, Normalization (adapt, constants, invert)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model, Sequential

img = data(1, (2, 6, 8, 3), 0.0, 255.0)


def image_case(key, layer, x=img):
    @sub(key)
    def _():
        inp = L.Input(shape=x.shape[1:])
        model = Model(inp, layer(inp))
        report(key + ".shape", list(model.output_shape), rule="exact")
        report(key, model.predict(x, verbose=0), rule="close", rtol=1e-4, atol=1e-3)


image_case("resize_up_bilinear", L.Resizing(9, 11))
image_case("resize_down_bilinear", L.Resizing(3, 5))
image_case("resize_nearest", L.Resizing(4, 12, interpolation="nearest"))
image_case("resize_crop_aspect", L.Resizing(4, 4, crop_to_aspect_ratio=True))
image_case("center_crop", L.CenterCrop(4, 5))
image_case("random_flip_inference", L.RandomFlip("horizontal"))


@sub("normalization_adapt")
def _():
    x = data(2, (20, 4), -3.0, 5.0) * np.array([1, 10, 100, 0.1], "float32")
    norm = L.Normalization()
    norm.adapt(x)
    model = Sequential([L.Input(shape=(4,)), norm, L.Dense(2)])
    seed_weights(model, 3)
    norm.adapt(x)
    report("normalization_adapt.weights", norm.get_weights()[:2], rule="close", rtol=1e-5, atol=1e-5)
    report("normalization_adapt.count", int(norm.get_weights()[2]), rule="exact")
    report("normalization_adapt.predict", model.predict(x[:5], verbose=0), rule="close", **TOL)
    normed = Model(model.input, model.layers[0].output).predict(x, verbose=0)
    report("normalization_adapt.moments", [normed.mean(0), normed.std(0)], rule="close", rtol=1e-3, atol=1e-4)


@sub("normalization_constant_invert")
def _():
    x = data(3, (3, 2, 3))
    inp = L.Input(shape=(2, 3))
    out = L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])(inp)
    back = L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=True)(out)
    model = Model(inp, [out, back])
    report_outputs("normalization_constant_invert", model.predict(x, verbose=0))


@sub("normalization_axis_image")
def _():
    norm = L.Normalization(axis=-1)
    norm.adapt(img)
    report("normalization_axis_image.mean", norm.get_weights()[0], rule="close", rtol=1e-4, atol=1e-3)
    report("normalization_axis_image.var", norm.get_weights()[1], rule="close", rtol=1e-4, atol=1e-2)
    report("normalization_axis_image.out", norm(img[:1]), rule="close", rtol=1e-4, atol=1e-4)


@sub("augment_pipeline")
def _():
    aug = Sequential([L.RandomFlip("horizontal", input_shape=(6, 8, 3)), L.Rescaling(1.0 / 255)])
    # an explicit Input: nesting a built Sequential as the first layer does not start the graph here yet
    model = Sequential([L.Input(shape=(6, 8, 3)), aug, L.Conv2D(2, 3), L.GlobalAveragePooling2D(), L.Dense(1)])
    seed_weights(model, 5)
    report("augment_pipeline.predict", model.predict(img, verbose=0), rule="close", **TOL)
    report("augment_pipeline.configs", [{k: v for k, v in l.get_config().items() if k not in ("name", "batch_input_shape")}
                                        for l in (L.RandomFlip("vertical", seed=3), L.Resizing(2, 3),
                                                  L.CenterCrop(2, 2), L.Normalization(mean=1.0, variance=2.0))],
           rule="exact")
    y = aug(img[:2], training=True)
    flipped_or_not = [bool(np.allclose(num(y)[i], img[i] / 255, atol=1e-5) or
                           np.allclose(num(y)[i], img[i, :, ::-1] / 255, atol=1e-5)) for i in range(2)]
    report("augment_pipeline.training_flip", flipped_or_not, rule="exact")


@sub("augmentation_block")
def _():
    aug = Sequential([L.RandomFlip("horizontal"), L.RandomRotation(0.1), L.RandomZoom(0.1),
                      L.RandomTranslation(0.1, 0.1), L.RandomContrast(0.2)])
    inp = L.Input(shape=(6, 8, 3))
    h = L.Rescaling(1.0 / 255)(aug(inp))
    out = L.Dense(1)(L.GlobalAveragePooling2D()(L.Conv2D(2, 3)(L.RandomCrop(5, 5)(h))))
    model = Model(inp, out)
    seed_weights(model, 5)
    report("augmentation_block.predict", model.predict(img, verbose=0), rule="close", **TOL)
    report("augmentation_block.train_shape", list(num(aug(img, training=True)).shape), rule="exact")
    report("augmentation_block.configs", [{k: v for k, v in l.get_config().items() if k != "name"} for l in aug.layers],
           rule="exact")
    model.compile("adam", "mse")
    hist = model.fit(img, np.zeros((2, 1), "float32"), epochs=2, verbose=0)
    report("augmentation_block.fit_epochs", len(hist.history["loss"]), rule="exact")


finish()
