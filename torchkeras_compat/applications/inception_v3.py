"""``keras.applications.inception_v3``: Inception v3 (Szegedy et al., 2015)."""
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.convolutional import Conv2D
from ..layers.core import Activation, Dense
from ..layers.merge import Concatenate
from ..layers.normalization import BatchNormalization
from ..layers.pooling import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D
from . import imagenet_utils

WEIGHTS_PATH = (imagenet_utils.WEIGHTS_BASE +
                "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = (imagenet_utils.WEIGHTS_BASE +
                       "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")
HASHES = ("9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63")


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters: int, num_row: int, num_col: int, padding: str = "same",
              strides=(1, 1), name: Optional[str] = None):
    """Conv2D without bias, BatchNormalization without scale (``scale=False``), ReLU.

    Named ``name_conv``/``name_bn``/``name`` when ``name`` is given, auto-named otherwise
    (as in Keras, where Inception's blocks are unnamed).
    """
    conv_name, bn_name = (name + "_conv", name + "_bn") if name else (None, None)
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
               name=conv_name)(x)
    x = BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    return Activation("relu", name=name)(x)


def _avg_pool_branch(x, filters: int):
    branch = AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(branch, filters, 1, 1)


def _block_35(x, pool_filters: int, name: str):
    """35x35 module: 1x1 | 1x1 -> 5x5 | 1x1 -> 3x3 -> 3x3 | avg pool -> 1x1."""
    branch1x1 = conv2d_bn(x, 64, 1, 1)
    branch5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    branch3x3dbl = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    branch_pool = _avg_pool_branch(x, pool_filters)
    return Concatenate(axis=_axis(), name=name)([branch1x1, branch5x5, branch3x3dbl, branch_pool])


def _block_17(x, width: int, name: str):
    """17x17 module with factorised 7x7 convolutions of ``width`` inner channels."""
    branch1x1 = conv2d_bn(x, 192, 1, 1)
    branch7x7 = conv2d_bn(x, width, 1, 1)
    branch7x7 = conv2d_bn(branch7x7, width, 1, 7)
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = conv2d_bn(x, width, 1, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7)
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
    branch_pool = _avg_pool_branch(x, 192)
    return Concatenate(axis=_axis(), name=name)([branch1x1, branch7x7, branch7x7dbl, branch_pool])


def _block_8(x, index: int):
    """8x8 module with split 1x3/3x1 branches (``mixed9``/``mixed10``)."""
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = Concatenate(axis=_axis(), name=f"mixed9_{index}")(
        [conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)])
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    branch3x3dbl = Concatenate(axis=_axis())(
        [conv2d_bn(branch3x3dbl, 384, 1, 3), conv2d_bn(branch3x3dbl, 384, 3, 1)])
    branch_pool = _avg_pool_branch(x, 192)
    return Concatenate(axis=_axis(), name=f"mixed{9 + index}")(
        [branch1x1, branch3x3, branch3x3dbl, branch_pool])


def InceptionV3(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
                classes: int = 1000, classifier_activation="softmax"):
    """Inception v3 on 299x299 inputs (each side at least 75).

    Args: as :func:`..vgg16.VGG16`. Returns a functional ``Model`` named ``inception_v3``.
    """
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)

    x = _block_35(x, 32, "mixed0")
    x = _block_35(x, 64, "mixed1")
    x = _block_35(x, 64, "mixed2")

    # mixed3: reduction to 17x17
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = Concatenate(axis=_axis(), name="mixed3")([branch3x3, branch3x3dbl, branch_pool])

    x = _block_17(x, 128, "mixed4")
    x = _block_17(x, 160, "mixed5")
    x = _block_17(x, 160, "mixed6")
    x = _block_17(x, 192, "mixed7")

    # mixed8: reduction to 8x8
    branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = Concatenate(axis=_axis(), name="mixed8")([branch3x3, branch7x7x3, branch_pool])

    x = _block_8(x, 0)
    x = _block_8(x, 1)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x, name="inception_v3")
    url, file_hash = (WEIGHTS_PATH, HASHES[0]) if include_top else (WEIGHTS_PATH_NO_TOP, HASHES[1])
    imagenet_utils.load_weights(model, weights, url, url.rsplit("/", 1)[1], file_hash)
    return model


def preprocess_input(x, data_format: Optional[str] = None):
    """TensorFlow-style: scale 0-255 pixels to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
