"""``keras.applications.mobilenet_v2``: MobileNetV2 (Sandler et al., 2018) with width ``alpha``."""
import warnings
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.advanced_activations import ReLU
from ..layers.convolutional import Conv2D, DepthwiseConv2D, ZeroPadding2D
from ..layers.core import Dense
from ..layers.merge import Add
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D
from . import imagenet_utils

BASE_WEIGHT_PATH = imagenet_utils.WEIGHTS_BASE + "mobilenet_v2/"
# (filters, stride, expansion) of inverted residual blocks 0..16
BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
          (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6),
          (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _channel_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def _bn(name: str) -> BatchNormalization:
    return BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _make_divisible(v: float, divisor: int, min_value: Optional[int] = None) -> int:
    """Round a channel count to a multiple of ``divisor``, never more than 10% below ``v``."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _inverted_res_block(inputs, expansion: int, stride: int, alpha: float, filters: int,
                        block_id: int):
    """1x1 expansion (not in block 0) + BN + ReLU6, 3x3 depthwise + BN + ReLU6, 1x1 linear
    projection + BN; a residual ``Add`` when the shape is unchanged."""
    in_channels = tuple(inputs.shape)[_channel_axis()]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                   activation=None, name=prefix + "expand")(x)
        x = _bn(prefix + "expand_BN")(x)
        x = ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=prefix + "pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding="same" if stride == 1 else "valid", name=prefix + "depthwise")(x)
    x = _bn(prefix + "depthwise_BN")(x)
    x = ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
               name=prefix + "project")(x)
    x = _bn(prefix + "project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=prefix + "add")([inputs, x])
    return x


def MobileNetV2(input_shape: Optional[Sequence[int]] = None, alpha: float = 1.0,
                include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation="softmax", **kwargs):
    """MobileNetV2: a 3x3 stem, 17 inverted residual blocks and a 1x1 convolution to 1280.

    Args:
        input_shape: (rows, cols, channels), sides at least 32; ImageNet weights exist for
            square 96, 128, 160, 192 or 224 inputs.
        alpha: width multiplier (ImageNet weights for 0.35, 0.50, 0.75, 1.0, 1.3, 1.4).
        include_top, weights, input_tensor, pooling, classes, classifier_activation: as for
            :func:`..vgg16.VGG16`.

    Returns:
        A functional ``Model`` named ``mobilenetv2_<alpha>_<rows>``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    imagenet_utils.validate_weights(weights, include_top, classes)
    shape = input_shape if input_shape is not None else (
        tuple(input_tensor.shape)[1:] if input_tensor is not None else None)
    first = config.image_data_format() == "channels_first"
    default_size = 224
    if shape is not None and len(shape) == 3:
        rows, cols = (shape[1], shape[2]) if first else (shape[0], shape[1])
        if rows == cols and rows in (96, 128, 160, 192, 224):
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)
    rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
    if weights == "imagenet":
        if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, "
                             f"`0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received alpha={alpha}")
        if rows != cols or rows not in (96, 128, 160, 192, 224):
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
               use_bias=False, name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(BLOCKS):
        x = _inverted_res_block(x, expansion=expansion, stride=stride, alpha=alpha,
                                filters=filters, block_id=block_id)
    last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = ReLU(6.0, name="out_relu")(x)

    if include_top:
        x = GlobalAveragePooling2D()(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x,
                  name="mobilenetv2_%0.2f_%s" % (alpha, rows))
    fname = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
             f"{'' if include_top else '_no_top'}.h5")
    imagenet_utils.load_weights(model, weights, BASE_WEIGHT_PATH + fname, fname)
    return model


def preprocess_input(x, data_format: Optional[str] = None):
    """TensorFlow-style: scale 0-255 pixels to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
