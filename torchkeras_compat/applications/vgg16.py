"""``keras.applications.vgg16``: VGG16 (Simonyan & Zisserman, 2014) with Keras's layer names."""
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.convolutional import Conv2D
from ..layers.core import Dense, Flatten
from ..layers.pooling import MaxPooling2D
from . import imagenet_utils

WEIGHTS_PATH = imagenet_utils.WEIGHTS_BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = (imagenet_utils.WEIGHTS_BASE +
                       "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
HASHES = ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc")  # top, no top


def build_vgg(model_name: str, convs_per_block: Sequence[int], urls: Sequence[str],
              hashes: Sequence[str], include_top: bool, weights, input_tensor, input_shape,
              pooling: Optional[str], classes: int, classifier_activation):
    """A VGG network: five blocks of 3x3 same-padded convolutions, each followed by 2x2 max pooling.

    Block widths are 64, 128, 256, 512, 512; ``convs_per_block`` says how many convolutions
    each block has (VGG16: 2, 2, 3, 3, 3; VGG19: 2, 2, 4, 4, 4). The top is Flatten, two
    4096-unit ReLU layers ``fc1``/``fc2`` and ``predictions``.
    """
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = img_input
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for i in range(1, convs + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{i}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)

    inputs = imagenet_utils.source_inputs(input_tensor, img_input)
    model = Model(inputs, x, name=model_name)
    url, file_hash = (urls[0], hashes[0]) if include_top else (urls[1], hashes[1])
    imagenet_utils.load_weights(model, weights, url, url.rsplit("/", 1)[1], file_hash)
    return model


def VGG16(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
          input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
          classes: int = 1000, classifier_activation="softmax"):
    """VGG16: 13 convolutions in five blocks, plus the 3-layer classifier top.

    Args:
        include_top: include ``flatten``, ``fc1``, ``fc2`` and ``predictions``.
        weights: None (random), ``'imagenet'`` (downloaded through ``utils.get_file``) or the
            path to a Keras weights file (.h5).
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: (height, width, channels); with the top and ImageNet weights it must be
            (224, 224, 3); each side at least 32.
        pooling: without the top: None (4-D output), ``'avg'`` or ``'max'`` (2-D output).
        classes: number of classes of the top (1000 with ImageNet weights).
        classifier_activation: activation of ``predictions``.

    Returns:
        A functional ``Model`` named ``vgg16``.
    """
    return build_vgg("vgg16", (2, 2, 3, 3, 3), (WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP), HASHES,
                     include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation)


def preprocess_input(x, data_format: Optional[str] = None):
    """Caffe-style: RGB to BGR, then subtract the ImageNet channel means (no scaling)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
