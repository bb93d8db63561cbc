"""``keras.applications.xception``: Xception (Chollet, 2016)."""
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.convolutional import Conv2D, SeparableConv2D
from ..layers.core import Activation, Dense
from ..layers.merge import Add
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D, MaxPooling2D
from . import imagenet_utils

TF_WEIGHTS_PATH = (imagenet_utils.WEIGHTS_BASE +
                   "xception/xception_weights_tf_dim_ordering_tf_kernels.h5")
TF_WEIGHTS_PATH_NO_TOP = (imagenet_utils.WEIGHTS_BASE +
                          "xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5")
HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def _sepconv_bn(x, filters: int, name: str):
    """SeparableConv2D 3x3 'same' without bias, then BatchNormalization ``name_bn``."""
    x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return BatchNormalization(axis=_axis(), name=name + "_bn")(x)


def _residual(x, filters: int):
    """The strided 1x1 projection of the shortcut (unnamed in Keras) with its BN."""
    residual = Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return BatchNormalization(axis=_axis())(residual)


def _entry_block(x, filters: int, block: int, first_relu: bool = True, filters2=None):
    """[ReLU] sepconv [ReLU] sepconv, 3x3/2 max pool, plus the projected shortcut."""
    residual = _residual(x, filters2 or filters)
    if first_relu:
        x = Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sepconv_bn(x, filters, f"block{block}_sepconv1")
    x = Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sepconv_bn(x, filters2 or filters, f"block{block}_sepconv2")
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return Add()([x, residual])


def Xception(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
             input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
             classes: int = 1000, classifier_activation="softmax"):
    """Xception on 299x299 inputs (each side at least 71): entry flow, 8 middle blocks, exit.

    Args: as :func:`..vgg16.VGG16`. Returns a functional ``Model`` named ``xception``.
    """
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = BatchNormalization(axis=_axis(), name="block1_conv1_bn")(x)
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = BatchNormalization(axis=_axis(), name="block1_conv2_bn")(x)
    x = Activation("relu", name="block1_conv2_act")(x)

    x = _entry_block(x, 128, 2, first_relu=False)
    x = _entry_block(x, 256, 3)
    x = _entry_block(x, 728, 4)

    for block in range(5, 13):  # middle flow: three ReLU-sepconv-BN with an identity shortcut
        residual = x
        for i in (1, 2, 3):
            x = Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{i}")
        x = Add()([x, residual])

    x = _entry_block(x, 728, 13, filters2=1024)

    x = _sepconv_bn(x, 1536, "block14_sepconv1")
    x = Activation("relu", name="block14_sepconv1_act")(x)
    x = _sepconv_bn(x, 2048, "block14_sepconv2")
    x = Activation("relu", name="block14_sepconv2_act")(x)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x, name="xception")
    url, file_hash = ((TF_WEIGHTS_PATH, HASHES[0]) if include_top
                      else (TF_WEIGHTS_PATH_NO_TOP, HASHES[1]))
    imagenet_utils.load_weights(model, weights, url, url.rsplit("/", 1)[1], file_hash)
    return model


def preprocess_input(x, data_format: Optional[str] = None):
    """TensorFlow-style: scale 0-255 pixels to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
