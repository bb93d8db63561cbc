"""``keras.applications.mobilenet_v3``: MobileNetV3 Small and Large (Howard et al., 2019),
Keras's layer names and weight files. Inputs are raw [0, 255] pixels: with
``include_preprocessing=True`` (default) a ``Rescaling`` layer maps them to [-1, 1], so
``preprocess_input`` is the identity."""
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..layers.advanced_activations import ReLU
from ..layers.convolutional import Conv2D, DepthwiseConv2D, ZeroPadding2D
from ..layers.core import Activation, Dropout, Flatten, Rescaling
from ..layers.merge import Add, Multiply
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D
from . import imagenet_utils

BASE_WEIGHT_PATH = imagenet_utils.WEIGHTS_BASE + "mobilenet_v3/"
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def relu(x):
    return ReLU()(x)


def hard_sigmoid(x):
    return ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return Multiply()([x, hard_sigmoid(x)])


def _depth(v: float, divisor: int = 8, min_value: Optional[int] = None) -> int:
    """``v`` rounded to a multiple of ``divisor``, never more than 10% below ``v``."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _batch_norm(x, name: str):
    return BatchNormalization(axis=_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _se_block(inputs, filters: int, se_ratio: float, prefix: str):
    x = GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite/AvgPool")(inputs)
    x = Conv2D(_depth(filters * se_ratio), 1, padding="same",
               name=prefix + "squeeze_excite/Conv")(x)
    x = ReLU(name=prefix + "squeeze_excite/Relu")(x)
    x = Conv2D(filters, 1, padding="same", name=prefix + "squeeze_excite/Conv_1")(x)
    x = hard_sigmoid(x)
    return Multiply(name=prefix + "squeeze_excite/Mul")([inputs, x])


def _inverted_res_block(x, expansion: float, filters: int, kernel_size: int, stride: int,
                        se_ratio: Optional[float], activation, block_id: int):
    """Expansion (not in block 0), depthwise conv, optional squeeze-excitation, projection,
    and a residual add when the shape is kept; layers named ``expanded_conv[_<id>]/...``."""
    shortcut = x
    prefix = "expanded_conv/"
    infilters = x.shape[_axis()]
    if block_id:
        prefix = f"expanded_conv_{block_id}/"
        x = Conv2D(_depth(infilters * expansion), 1, padding="same", use_bias=False,
                   name=prefix + "expand")(x)
        x = activation(_batch_norm(x, prefix + "expand/BatchNorm"))
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=prefix + "depthwise/pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                        use_bias=False, name=prefix + "depthwise")(x)
    x = activation(_batch_norm(x, prefix + "depthwise/BatchNorm"))
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = Conv2D(filters, 1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = _batch_norm(x, prefix + "project/BatchNorm")
    if stride == 1 and infilters == filters:
        x = Add(name=prefix + "Add")([shortcut, x])
    return x


def MobileNetV3(stack_fn, last_point_ch: int, input_shape=None, alpha: float = 1.0,
                model_type: str = "large", minimalistic: bool = False, include_top: bool = True,
                weights="imagenet", input_tensor=None, classes: int = 1000, pooling=None,
                dropout_rate: float = 0.2, classifier_activation="softmax",
                include_preprocessing: bool = True):
    """The MobileNetV3 stem, ``stack_fn``'s blocks, the last 1x1 convs and the top."""
    imagenet_utils.validate_weights(weights, include_top, classes)
    if input_tensor is not None and input_shape is None:
        input_shape = tuple(input_tensor.shape[1:])
    if input_shape is None:
        input_shape = (None, None, 3) if config.image_data_format() == "channels_last" else (3, None, None)
    rows, cols = (input_shape[0], input_shape[1]) if config.image_data_format() == "channels_last" \
        else (input_shape[1], input_shape[2])
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError("Input size must be at least 32x32; Received `input_shape="
                         f"{input_shape}`")
    if weights == "imagenet" and ((not minimalistic and alpha not in (0.75, 1.0))
                                  or (minimalistic and alpha != 1.0)):
        raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, "
                         f"`1.0` for non minimalistic or `1.0` for minimalistic only. Received: alpha={alpha}")
    img_input = imagenet_utils.input_layer(input_tensor, tuple(input_shape))

    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25

    x = img_input
    if include_preprocessing:
        x = Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="Conv")(x)
    x = activation(_batch_norm(x, "Conv/BatchNorm"))
    x = stack_fn(x, kernel, activation, se_ratio)
    last_conv_ch = _depth(x.shape[_axis()] * 6)
    if alpha > 1.0:  # the classifier's width grows with alpha, never shrinks
        last_point_ch = _depth(last_point_ch * alpha)
    x = Conv2D(last_conv_ch, 1, padding="same", use_bias=False, name="Conv_1")(x)
    x = activation(_batch_norm(x, "Conv_1/BatchNorm"))
    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Conv2D(last_point_ch, 1, padding="same", use_bias=True, name="Conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate)(x)
        x = Conv2D(classes, 1, padding="same", name="Logits")(x)
        x = Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Activation(classifier_activation, name="Predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling, avg_name="avg_pool", max_name="max_pool")

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x,
                  name="MobilenetV3" + model_type)
    key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    fname = f"weights_mobilenet_v3_{key}{'' if include_top else '_no_top_v2'}.h5"
    hashes = WEIGHTS_HASHES.get(key, (None, None))
    imagenet_utils.load_weights(model, weights, BASE_WEIGHT_PATH + fname, fname,
                                hashes[0 if include_top else 1])
    return model


def MobileNetV3Small(input_shape: Optional[Sequence[int]] = None, alpha: float = 1.0,
                     minimalistic: bool = False, include_top: bool = True,
                     weights: Optional[str] = "imagenet", input_tensor=None, classes: int = 1000,
                     pooling: Optional[str] = None, dropout_rate: float = 0.2,
                     classifier_activation="softmax", include_preprocessing: bool = True):
    """MobileNetV3Small: 11 inverted residual blocks, 1024-wide classifier conv.
    Returns a ``Model`` named ``MobilenetV3small``."""
    def stack_fn(x, kernel, activation, se_ratio):
        def depth(d):
            return _depth(d * alpha)
        x = _inverted_res_block(x, 1, depth(16), 3, 2, se_ratio, relu, 0)
        x = _inverted_res_block(x, 72.0 / 16, depth(24), 3, 2, None, relu, 1)
        x = _inverted_res_block(x, 88.0 / 24, depth(24), 3, 1, None, relu, 2)
        for block_id, (expansion, filters, stride) in enumerate(
                [(4, 40, 2), (6, 40, 1), (6, 40, 1), (3, 48, 1), (3, 48, 1), (6, 96, 2),
                 (6, 96, 1), (6, 96, 1)], 3):
            x = _inverted_res_block(x, expansion, depth(filters), kernel, stride, se_ratio,
                                    activation, block_id)
        return x

    return MobileNetV3(stack_fn, 1024, input_shape, alpha, "small", minimalistic, include_top,
                       weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing)


def MobileNetV3Large(input_shape: Optional[Sequence[int]] = None, alpha: float = 1.0,
                     minimalistic: bool = False, include_top: bool = True,
                     weights: Optional[str] = "imagenet", input_tensor=None, classes: int = 1000,
                     pooling: Optional[str] = None, dropout_rate: float = 0.2,
                     classifier_activation="softmax", include_preprocessing: bool = True):
    """MobileNetV3Large: 15 inverted residual blocks, 1280-wide classifier conv.
    Returns a ``Model`` named ``MobilenetV3large``."""
    def stack_fn(x, kernel, activation, se_ratio):
        def depth(d):
            return _depth(d * alpha)
        # (expansion, filters, kernel, stride, squeeze-excite?, activation) per block
        plan = [(1, 16, 3, 1, False, relu), (4, 24, 3, 2, False, relu), (3, 24, 3, 1, False, relu),
                (3, 40, kernel, 2, True, relu), (3, 40, kernel, 1, True, relu),
                (3, 40, kernel, 1, True, relu), (6, 80, 3, 2, False, activation),
                (2.5, 80, 3, 1, False, activation), (2.3, 80, 3, 1, False, activation),
                (2.3, 80, 3, 1, False, activation), (6, 112, 3, 1, True, activation),
                (6, 112, 3, 1, True, activation), (6, 160, kernel, 2, True, activation),
                (6, 160, kernel, 1, True, activation), (6, 160, kernel, 1, True, activation)]
        for block_id, (expansion, filters, k, stride, se, act) in enumerate(plan):
            x = _inverted_res_block(x, expansion, depth(filters), k, stride,
                                    se_ratio if se else None, act, block_id)
        return x

    return MobileNetV3(stack_fn, 1280, input_shape, alpha, "large", minimalistic, include_top,
                       weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing)


def preprocess_input(x, data_format: Optional[str] = None):
    """The identity: MobileNetV3 models rescale inside (kept for API parity)."""
    return x


decode_predictions = imagenet_utils.decode_predictions
