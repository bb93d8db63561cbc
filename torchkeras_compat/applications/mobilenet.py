"""``keras.applications.mobilenet``: MobileNet v1 (Howard et al., 2017) with width ``alpha``."""
import warnings
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.advanced_activations import ReLU
from ..layers.convolutional import Conv2D, DepthwiseConv2D, ZeroPadding2D
from ..layers.core import Activation, Dropout, Reshape
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D
from . import imagenet_utils

BASE_WEIGHT_PATH = imagenet_utils.WEIGHTS_BASE + "mobilenet/"
# (pointwise filters, stride) of depthwise-separable blocks 1..13
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
          (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _channel_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def _conv_block(inputs, filters: int, alpha: float, kernel=(3, 3), strides=(1, 1)):
    """The stem: a 'same' convolution with ``int(filters * alpha)`` filters, BN and ReLU6."""
    x = Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False, strides=strides,
               name="conv1")(inputs)
    x = BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters: int, alpha: float,
                          depth_multiplier: int = 1, strides=(1, 1), block_id: int = 1):
    """3x3 depthwise conv + BN + ReLU6, then 1x1 pointwise conv + BN + ReLU6.

    A stride-2 block pads bottom/right by one and convolves 'valid' (TensorFlow's 'same').
    """
    x = inputs
    if strides != (1, 1):
        x = ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                        depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                        name=f"conv_dw_{block_id}")(x)
    x = BatchNormalization(axis=_channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = Conv2D(int(pointwise_conv_filters * alpha), (1, 1), padding="same", use_bias=False,
               strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = BatchNormalization(axis=_channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _default_rows(input_shape, input_tensor) -> Optional[int]:
    shape = input_shape
    if shape is None and input_tensor is not None:
        shape = tuple(input_tensor.shape)[1:]
    if shape is None or len(shape) != 3:
        return None
    rows, cols = (shape[1], shape[2]) if config.image_data_format() == "channels_first" else shape[:2]
    return rows if rows == cols and rows in (128, 160, 192, 224) else None


def MobileNet(input_shape: Optional[Sequence[int]] = None, alpha: float = 1.0,
              depth_multiplier: int = 1, dropout: float = 1e-3, include_top: bool = True,
              weights: Optional[str] = "imagenet", input_tensor=None,
              pooling: Optional[str] = None, classes: int = 1000,
              classifier_activation="softmax", **kwargs):
    """MobileNet v1: a 3x3 stem and 13 depthwise-separable blocks, all ``alpha`` wide.

    Args:
        input_shape: (rows, cols, channels), sides at least 32; ImageNet weights exist for
            square 128, 160, 192 or 224 inputs.
        alpha: width multiplier (ImageNet weights for 0.25, 0.50, 0.75, 1.0).
        depth_multiplier: depthwise multiplier (1 with ImageNet weights).
        dropout: dropout rate before the 1x1 convolution classifier.
        include_top, weights, input_tensor, pooling, classes, classifier_activation: as for
            :func:`..vgg16.VGG16`.

    Returns:
        A functional ``Model`` named ``mobilenet_<alpha>_<rows>``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    imagenet_utils.validate_weights(weights, include_top, classes)
    default_size = _default_rows(input_shape, input_tensor) or 224
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)
    first = config.image_data_format() == "channels_first"
    rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.25`, "
                             f"`0.50`, `0.75` or `1.0` only.  Received alpha={alpha}")
        if rows != cols or rows not in (128, 160, 192, 224):
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)

    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                  strides=(stride, stride), block_id=block_id)

    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Dropout(dropout, name="dropout")(x)
        x = Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = Reshape((classes,), name="reshape_2")(x)
        x = Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x,
                  name="mobilenet_%0.2f_%s" % (alpha, rows))
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}.get(alpha, "")
    fname = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    imagenet_utils.load_weights(model, weights, BASE_WEIGHT_PATH + fname, fname)
    return model


def preprocess_input(x, data_format: Optional[str] = None):
    """TensorFlow-style: scale 0-255 pixels to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
