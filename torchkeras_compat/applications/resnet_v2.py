"""``keras.applications.resnet_v2``: ResNet50V2/101V2/152V2 (He et al., 2016, "Identity
Mappings in Deep Residual Networks"): pre-activation bottleneck blocks, Keras's layer names."""
from typing import Optional, Sequence

from ..layers.convolutional import Conv2D, ZeroPadding2D
from ..layers.core import Activation
from ..layers.merge import Add
from ..layers.normalization import BatchNormalization
from ..layers.pooling import MaxPooling2D
from . import imagenet_utils
from .resnet import BN_EPSILON, ResNet, _bn_axis


def block2(x, filters: int, kernel_size=3, stride: int = 1, conv_shortcut: bool = False,
           name: Optional[str] = None):
    """A pre-activation bottleneck block: BN+ReLU, 1x1 (filters), kxk/stride (filters),
    1x1 (4 * filters), plus the shortcut.

    The shortcut is a 1x1 projection of the activated input when ``conv_shortcut``, otherwise
    the raw input, subsampled by a 1x1 max pool when the block strides.
    """
    preact = BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name=name + "_preact_bn")(x)
    preact = Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    elif stride > 1:
        shortcut = MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name=name + "_1_bn")(x)
    x = Activation("relu", name=name + "_1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name=name + "_2_bn")(x)
    x = Activation("relu", name=name + "_2_relu")(x)
    x = Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return Add(name=name + "_out")([shortcut, x])


def stack2(x, filters: int, blocks: int, stride1: int = 2, name: Optional[str] = None):
    """``blocks`` pre-activation blocks; the first projects, the last strides by ``stride1``."""
    x = block2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = block2(x, filters, name=name + "_block" + str(i))
    return block2(x, filters, stride=stride1, name=name + "_block" + str(blocks))


def _resnet_v2(depths: Sequence[int], model_name: str, include_top, weights, input_tensor,
               input_shape, pooling, classes, classifier_activation):
    def stack_fn(x):
        x = stack2(x, 64, depths[0], name="conv2")
        x = stack2(x, 128, depths[1], name="conv3")
        x = stack2(x, 256, depths[2], name="conv4")
        return stack2(x, 512, depths[3], stride1=1, name="conv5")

    return ResNet(stack_fn, model_name, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, preact=True)


def ResNet50V2(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
               input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
               classes: int = 1000, classifier_activation="softmax"):
    """ResNet50V2: stages of 3, 4, 6 and 3 blocks. Args as :func:`..resnet.ResNet50`;
    returns a ``Model`` named ``resnet50v2``."""
    return _resnet_v2((3, 4, 6, 3), "resnet50v2", include_top, weights, input_tensor,
                      input_shape, pooling, classes, classifier_activation)


def ResNet101V2(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
                classes: int = 1000, classifier_activation="softmax"):
    """ResNet101V2: stages of 3, 4, 23 and 3 blocks. Args as :func:`ResNet50V2`."""
    return _resnet_v2((3, 4, 23, 3), "resnet101v2", include_top, weights, input_tensor,
                      input_shape, pooling, classes, classifier_activation)


def ResNet152V2(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
                classes: int = 1000, classifier_activation="softmax"):
    """ResNet152V2: stages of 3, 8, 36 and 3 blocks. Args as :func:`ResNet50V2`."""
    return _resnet_v2((3, 8, 36, 3), "resnet152v2", include_top, weights, input_tensor,
                      input_shape, pooling, classes, classifier_activation)


def preprocess_input(x, data_format: Optional[str] = None):
    """Inception-style: scale pixels from [0, 255] to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
