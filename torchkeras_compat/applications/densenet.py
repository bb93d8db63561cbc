"""``keras.applications.densenet``: DenseNet121 (Huang et al., 2016)."""
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.convolutional import Conv2D, ZeroPadding2D
from ..layers.core import Activation, Dense
from ..layers.merge import Concatenate
from ..layers.normalization import BatchNormalization
from ..layers.pooling import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D
from . import imagenet_utils

BASE_WEIGHTS_PATH = imagenet_utils.WEIGHTS_BASE + "densenet/"
DENSENET121_HASHES = ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738")
DENSENET169_HASHES = ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b")
DENSENET201_HASHES = ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1")
BN_EPSILON = 1.001e-5


def _axis() -> int:
    return 3 if config.image_data_format() == "channels_last" else 1


def _bn_relu(x, name: str):
    x = BatchNormalization(axis=_axis(), epsilon=BN_EPSILON, name=name + "_bn")(x)
    return Activation("relu", name=name + "_relu")(x)


def conv_block(x, growth_rate: int, name: str):
    """BN-ReLU-1x1 conv (4 * growth_rate), BN-ReLU-3x3 conv (growth_rate), concatenated to x."""
    x1 = _bn_relu(x, name + "_0")
    x1 = Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = _bn_relu(x1, name + "_1")
    x1 = Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(x1)
    return Concatenate(axis=_axis(), name=name + "_concat")([x, x1])


def dense_block(x, blocks: int, name: str):
    """``blocks`` conv blocks, each adding 32 channels."""
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction: float, name: str):
    """BN-ReLU, a 1x1 conv shrinking the channels by ``reduction``, 2x2 average pooling."""
    x = _bn_relu(x, name)
    channels = tuple(x.shape)[_axis()]
    x = Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def DenseNet(blocks: Sequence[int], include_top: bool = True, weights="imagenet",
             input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
             classifier_activation="softmax", model_name: Optional[str] = None,
             hashes: Optional[Sequence[str]] = None):
    """A DenseNet with four dense blocks of ``blocks`` conv blocks and three transitions."""
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = BatchNormalization(axis=_axis(), epsilon=BN_EPSILON, name="conv1/bn")(x)
    x = Activation("relu", name="conv1/relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = MaxPooling2D(3, strides=2, name="pool1")(x)

    for stage, n in enumerate(blocks[:-1], 2):
        x = dense_block(x, n, name=f"conv{stage}")
        x = transition_block(x, 0.5, name=f"pool{stage}")
    x = dense_block(x, blocks[-1], name=f"conv{len(blocks) + 1}")
    x = BatchNormalization(axis=_axis(), epsilon=BN_EPSILON, name="bn")(x)
    x = Activation("relu", name="relu")(x)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling, avg_name="avg_pool", max_name="max_pool")

    name = model_name or "densenet"
    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x, name=name)
    fname = f"{name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    file_hash = hashes[0 if include_top else 1] if hashes else None
    imagenet_utils.load_weights(model, weights, BASE_WEIGHTS_PATH + fname, fname, file_hash)
    return model


def DenseNet121(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
                classes: int = 1000, classifier_activation="softmax"):
    """DenseNet121: dense blocks of 6, 12, 24 and 16 conv blocks (growth rate 32).

    Args: as :func:`..vgg16.VGG16` (sides at least 32). Returns a ``Model`` named
    ``densenet121``.
    """
    return DenseNet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, "densenet121", DENSENET121_HASHES)


def DenseNet169(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
                classes: int = 1000, classifier_activation="softmax"):
    """DenseNet169: dense blocks of 6, 12, 32 and 32 conv blocks. Args as :func:`DenseNet121`."""
    return DenseNet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, "densenet169", DENSENET169_HASHES)


def DenseNet201(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
                classes: int = 1000, classifier_activation="softmax"):
    """DenseNet201: dense blocks of 6, 12, 48 and 32 conv blocks. Args as :func:`DenseNet121`."""
    return DenseNet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, "densenet201", DENSENET201_HASHES)


def preprocess_input(x, data_format: Optional[str] = None):
    """PyTorch-style: scale to [0, 1], subtract the ImageNet mean, divide by its std."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


decode_predictions = imagenet_utils.decode_predictions
