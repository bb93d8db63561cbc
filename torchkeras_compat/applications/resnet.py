"""``keras.applications.resnet``: ResNet50/101/152 (He et al., 2015), Keras's v1 layout and
names. The stem and top are shared with ``resnet_v2`` (``preact=True``)."""
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.convolutional import Conv2D, ZeroPadding2D
from ..layers.core import Activation, Dense
from ..layers.merge import Add
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D, MaxPooling2D
from . import imagenet_utils

BASE_WEIGHTS_PATH = imagenet_utils.WEIGHTS_BASE + "resnet/"
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
BN_EPSILON = 1.001e-5  # what the converted Caffe weights were trained with


def _bn_axis() -> int:
    return 3 if config.image_data_format() == "channels_last" else 1


def _conv_bn(x, filters: int, kernel_size, name: str, strides=1, padding="valid", relu=True):
    """Conv2D ``name_conv``, BatchNormalization ``name_bn``, and ReLU ``name_relu`` if asked."""
    x = Conv2D(filters, kernel_size, strides=strides, padding=padding, name=name + "_conv")(x)
    x = BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name=name + "_bn")(x)
    return Activation("relu", name=name + "_relu")(x) if relu else x


def block1(x, filters: int, kernel_size=3, stride: int = 1, conv_shortcut: bool = True,
           name: Optional[str] = None):
    """A bottleneck residual block: 1x1 (filters), kxk (filters), 1x1 (4 * filters) + shortcut.

    ``conv_shortcut`` projects the shortcut with a strided 1x1 convolution (first block of a
    stack); otherwise the input is added unchanged.
    """
    if conv_shortcut:
        shortcut = _conv_bn(x, 4 * filters, 1, name + "_0", strides=stride, relu=False)
    else:
        shortcut = x
    x = _conv_bn(x, filters, 1, name + "_1", strides=stride)
    x = _conv_bn(x, filters, kernel_size, name + "_2", padding="same")
    x = _conv_bn(x, 4 * filters, 1, name + "_3", relu=False)
    x = Add(name=name + "_add")([shortcut, x])
    return Activation("relu", name=name + "_out")(x)


def stack1(x, filters: int, blocks: int, stride1: int = 2, name: Optional[str] = None):
    """``blocks`` bottleneck blocks; the first one strides by ``stride1`` and projects."""
    x = block1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = block1(x, filters, conv_shortcut=False, name=name + "_block" + str(i))
    return x


def ResNet(stack_fn, model_name: str, include_top: bool = True, weights="imagenet",
           input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
           classifier_activation="softmax", preact: bool = False):
    """The ResNet stem (7x7/2 conv, 3x3/2 max pool), ``stack_fn``'s stages and the top.

    ``preact=False`` (v1): batch norm + ReLU right after the stem convolution.
    ``preact=True`` (v2): the blocks normalise their own inputs, so the stem convolution is
    bare and a final ``post_bn``/``post_relu`` closes the network.
    """
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preact:
        x = BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name="conv1_bn")(x)
        x = Activation("relu", name="conv1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name="post_bn")(x)
        x = Activation("relu", name="post_relu")(x)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling, avg_name="avg_pool", max_name="max_pool")

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x, name=model_name)
    if weights == "imagenet" and model_name in WEIGHTS_HASHES:
        suffix = "" if include_top else "_notop"
        fname = f"{model_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        file_hash = WEIGHTS_HASHES[model_name][0 if include_top else 1]
        imagenet_utils.load_weights(model, weights, BASE_WEIGHTS_PATH + fname, fname, file_hash)
    else:
        imagenet_utils.load_weights(model, weights, "", "")
    return model


def ResNet50(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
             input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
             classes: int = 1000, classifier_activation="softmax"):
    """ResNet50: stages of 3, 4, 6 and 3 bottleneck blocks (64, 128, 256, 512 filters).

    Args: as :func:`..vgg16.VGG16` (input sides at least 32; (224, 224, 3) with the ImageNet
    top). Returns a functional ``Model`` named ``resnet50``.
    """
    def stack_fn(x):
        x = stack1(x, 64, 3, stride1=1, name="conv2")
        x = stack1(x, 128, 4, name="conv3")
        x = stack1(x, 256, 6, name="conv4")
        return stack1(x, 512, 3, name="conv5")

    return ResNet(stack_fn, "resnet50", include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation)


def ResNet101(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
              input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
              classes: int = 1000, classifier_activation="softmax"):
    """ResNet101: stages of 3, 4, 23 and 3 bottleneck blocks. Args as :func:`ResNet50`."""
    def stack_fn(x):
        x = stack1(x, 64, 3, stride1=1, name="conv2")
        x = stack1(x, 128, 4, name="conv3")
        x = stack1(x, 256, 23, name="conv4")
        return stack1(x, 512, 3, name="conv5")

    return ResNet(stack_fn, "resnet101", include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation)


def ResNet152(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
              input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
              classes: int = 1000, classifier_activation="softmax"):
    """ResNet152: stages of 3, 8, 36 and 3 bottleneck blocks. Args as :func:`ResNet50`."""
    def stack_fn(x):
        x = stack1(x, 64, 3, stride1=1, name="conv2")
        x = stack1(x, 128, 8, name="conv3")
        x = stack1(x, 256, 36, name="conv4")
        return stack1(x, 512, 3, name="conv5")

    return ResNet(stack_fn, "resnet152", include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation)


def preprocess_input(x, data_format: Optional[str] = None):
    """Caffe-style: RGB to BGR, then subtract the ImageNet channel means (no scaling)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
