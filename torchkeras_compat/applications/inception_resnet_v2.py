"""``keras.applications.inception_resnet_v2``: Inception-ResNet v2 (Szegedy et al., 2016),
Keras's layer names and weight files."""
from typing import Optional, Sequence


from ..backend import config
from ..engine import registry
from ..engine.base_layer import Layer
from ..engine.training import Model
from ..layers.convolutional import Conv2D
from ..layers.core import Activation, Dense
from ..layers.merge import Concatenate
from ..layers.normalization import BatchNormalization
from ..layers.pooling import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D
from . import imagenet_utils

BASE_WEIGHT_URL = imagenet_utils.WEIGHTS_BASE + "inception_resnet_v2/"
HASHES = ("e693bd0210a403b3192acc6073ad2e96", "d19885ff4a710c122648d3b5c3b684e4")


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else 3


@registry.register("layer")
class CustomScaleLayer(Layer):
    """The residual sum of an Inception-ResNet block: ``inputs[0] + inputs[1] * scale``.

    Input: a list of two tensors of one shape; output: that shape.
    """

    def __init__(self, scale: float, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": self.scale})
        return config

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


def conv2d_bn(x, filters: int, kernel_size, strides=1, padding: str = "same",
              activation: Optional[str] = "relu", use_bias: bool = False,
              name: Optional[str] = None):
    """Conv2D, then (without bias) BatchNormalization with ``scale=False``, then ``activation``.

    Named ``name``/``name_bn``/``name_ac`` when ``name`` is given, auto-named otherwise.
    """
    x = Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias,
               name=name)(x)
    if not use_bias:
        x = BatchNormalization(axis=_axis(), scale=False,
                               name=name + "_bn" if name else None)(x)
    if activation is not None:
        x = Activation(activation, name=name + "_ac" if name else None)(x)
    return x


def _branches(x, block_type: str) -> list:
    if block_type == "block35":
        b0 = conv2d_bn(x, 32, 1)
        b1 = conv2d_bn(conv2d_bn(x, 32, 1), 32, 3)
        b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)
        return [b0, b1, b2]
    if block_type == "block17":
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])
        return [b0, b1]
    if block_type == "block8":
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])
        return [b0, b1]
    raise ValueError("Unknown Inception-ResNet block type. Expects 'block35', 'block17' or "
                     f"'block8', but got: {block_type}")


def inception_resnet_block(x, scale: float, block_type: str, block_idx: int,
                           activation: Optional[str] = "relu"):
    """One Inception-ResNet block (A: 'block35', B: 'block17', C: 'block8'): the branches are
    concatenated, projected back to the input width by a 1x1 conv, scaled by ``scale`` and
    added to the input; its layers are named ``<block_type>_<block_idx>_*``."""
    block_name = f"{block_type}_{block_idx}"
    mixed = Concatenate(axis=_axis(), name=block_name + "_mixed")(_branches(x, block_type))
    up = conv2d_bn(mixed, x.shape[_axis()], 1, activation=None, use_bias=True,
                   name=block_name + "_conv")
    x = CustomScaleLayer(scale)([x, up])  # unnamed, as tf.keras 2.x builds it
    if activation is not None:
        x = Activation(activation, name=block_name + "_ac")(x)
    return x


def _stem(x):
    x = conv2d_bn(x, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = MaxPooling2D(3, strides=2)(x)
    # mixed 5b (Inception-A)
    b0 = conv2d_bn(x, 96, 1)
    b1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    bp = conv2d_bn(AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    return Concatenate(axis=_axis(), name="mixed_5b")([b0, b1, b2, bp])


def _reduction_a(x):  # mixed 6a: 35x35 -> 17x17
    b0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    bp = MaxPooling2D(3, strides=2, padding="valid")(x)
    return Concatenate(axis=_axis(), name="mixed_6a")([b0, b1, bp])


def _reduction_b(x):  # mixed 7a: 17x17 -> 8x8
    b0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    bp = MaxPooling2D(3, strides=2, padding="valid")(x)
    return Concatenate(axis=_axis(), name="mixed_7a")([b0, b1, b2, bp])


def InceptionResNetV2(include_top: bool = True, weights: Optional[str] = "imagenet",
                      input_tensor=None, input_shape: Optional[Sequence[int]] = None,
                      pooling: Optional[str] = None, classes: int = 1000,
                      classifier_activation="softmax", **kwargs):
    """Inception-ResNet v2: stem, 10 A blocks, reduction, 20 B blocks, reduction, 10 C blocks.

    Args: as :func:`..vgg16.VGG16` (sides at least 75; (299, 299, 3) with the ImageNet top).
    Returns a functional ``Model`` named ``inception_resnet_v2``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = _stem(img_input)
    for idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=idx)
    x = _reduction_a(x)
    for idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=idx)
    x = _reduction_b(x)
    for idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x,
                  name="inception_resnet_v2")
    suffix = "" if include_top else "_notop"
    fname = f"inception_resnet_v2_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    imagenet_utils.load_weights(model, weights, BASE_WEIGHT_URL + fname, fname,
                                HASHES[0 if include_top else 1])
    return model


def preprocess_input(x, data_format: Optional[str] = None):
    """Inception-style: scale pixels from [0, 255] to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
