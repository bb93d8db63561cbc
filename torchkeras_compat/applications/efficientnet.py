"""``keras.applications.efficientnet``: EfficientNetB0-B7 (Tan & Le, 2019), Keras's layer names
and weight files. The models take raw [0, 255] pixels: rescaling and normalisation are layers
inside the model, so ``preprocess_input`` is the identity."""
import copy
import math
from typing import Optional, Sequence

from ..backend import config
from ..engine.training import Model
from ..initializers import VarianceScaling
from ..layers.convolutional import Conv2D, DepthwiseConv2D, ZeroPadding2D
from ..layers.core import Activation, Dense, Dropout, Rescaling, Reshape
from ..layers.merge import Add, Multiply
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D
from ..layers.preprocessing import Normalization
from . import imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]

# (kernel_size, repeats, filters_in, filters_out, expand_ratio, strides) of the seven stages
# of EfficientNetB0; every stage uses squeeze-excitation (ratio 0.25) and identity skips.
DEFAULT_BLOCKS_ARGS = [
    dict(kernel_size=k, repeats=r, filters_in=i, filters_out=o, expand_ratio=e, id_skip=True,
         strides=s, se_ratio=0.25)
    for k, r, i, o, e, s in [(3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2),
                             (3, 3, 40, 80, 6, 2), (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2),
                             (3, 1, 192, 320, 6, 1)]
]


def _conv_init():
    return VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")


def _dense_init():
    return VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")


def _axis() -> int:
    return 3 if config.image_data_format() == "channels_last" else 1


def block(inputs, activation="swish", drop_rate: float = 0.0, name: str = "",
          filters_in: int = 32, filters_out: int = 16, kernel_size: int = 3, strides: int = 1,
          expand_ratio: int = 1, se_ratio: float = 0.0, id_skip: bool = True):
    """An inverted residual (MBConv) block: 1x1 expansion, depthwise conv, squeeze-excitation,
    1x1 projection, and (same shape) a dropped-path identity skip. Layers are named
    ``name + 'expand_conv'``, ``'dwconv'``, ``'se_reduce'``, ``'project_conv'``, ``'add'``, ..."""
    axis = _axis()
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=_conv_init(),
                   name=name + "expand_conv")(x)
        x = BatchNormalization(axis=axis, name=name + "expand_bn")(x)
        x = Activation(activation, name=name + "expand_activation")(x)
    if strides == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=name + "dwconv_pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                        use_bias=False, depthwise_initializer=_conv_init(),
                        name=name + "dwconv")(x)
    x = BatchNormalization(axis=axis, name=name + "bn")(x)
    x = Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        filters_se = max(1, int(filters_in * se_ratio))
        se = GlobalAveragePooling2D(name=name + "se_squeeze")(x)
        se_shape = (filters, 1, 1) if axis == 1 else (1, 1, filters)
        se = Reshape(se_shape, name=name + "se_reshape")(se)
        se = Conv2D(filters_se, 1, padding="same", activation=activation,
                    kernel_initializer=_conv_init(), name=name + "se_reduce")(se)
        se = Conv2D(filters, 1, padding="same", activation="sigmoid",
                    kernel_initializer=_conv_init(), name=name + "se_expand")(se)
        x = Multiply(name=name + "se_excite")([x, se])
    x = Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=_conv_init(),
               name=name + "project_conv")(x)
    x = BatchNormalization(axis=axis, name=name + "project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            # drop the whole residual branch per sample (stochastic depth)
            x = Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = Add(name=name + "add")([x, inputs])
    return x


def EfficientNet(width_coefficient: float, depth_coefficient: float, default_size: int,
                 dropout_rate: float = 0.2, drop_connect_rate: float = 0.2,
                 depth_divisor: int = 8, activation="swish", blocks_args="default",
                 model_name: str = "efficientnet", include_top: bool = True, weights="imagenet",
                 input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
                 classifier_activation="softmax"):
    """EfficientNet scaled by ``width_coefficient`` (filters) and ``depth_coefficient``
    (block repeats); ``default_size`` is the ImageNet input side."""
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    imagenet_utils.validate_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.input_layer(input_tensor, input_shape)
    axis = _axis()

    def round_filters(filters: float) -> int:
        filters *= width_coefficient
        new_filters = max(depth_divisor, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor)
        if new_filters < 0.9 * filters:  # never round down by more than 10%
            new_filters += depth_divisor
        return int(new_filters)

    def round_repeats(repeats: int) -> int:
        return int(math.ceil(depth_coefficient * repeats))

    x = Rescaling(1.0 / 255.0)(img_input)
    x = Normalization(axis=axis)(x)
    if weights == "imagenet":
        # the ImageNet weights expect the variance-normalised input divided once more by sqrt(std)
        x = Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
               kernel_initializer=_conv_init(), name="stem_conv")(x)
    x = BatchNormalization(axis=axis, name="stem_bn")(x)
    x = Activation(activation, name="stem_activation")(x)

    blocks_args = copy.deepcopy(blocks_args)
    done = 0
    total = float(sum(round_repeats(args["repeats"]) for args in blocks_args))
    for i, args in enumerate(blocks_args):
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"))):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, activation, drop_connect_rate * done / total,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            done += 1

    x = Conv2D(round_filters(1280), 1, padding="same", use_bias=False,
               kernel_initializer=_conv_init(), name="top_conv")(x)
    x = BatchNormalization(axis=axis, name="top_bn")(x)
    x = Activation(activation, name="top_activation")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, kernel_initializer=_dense_init(),
                  name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling, avg_name="avg_pool", max_name="max_pool")

    model = Model(imagenet_utils.source_inputs(input_tensor, img_input), x, name=model_name)
    fname = model_name + (".h5" if include_top else "_notop.h5")
    file_hash = WEIGHTS_HASHES.get(model_name[-2:], (None, None))[0 if include_top else 1]
    imagenet_utils.load_weights(model, weights, BASE_WEIGHTS_PATH + fname, fname, file_hash)
    return model


def _variant(width: float, depth: float, size: int, dropout: float, name: str):
    def build(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
              input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
              classes: int = 1000, classifier_activation="softmax", **kwargs):
        return EfficientNet(width, depth, size, dropout, model_name=name.lower(),
                            include_top=include_top, weights=weights, input_tensor=input_tensor,
                            input_shape=input_shape, pooling=pooling, classes=classes,
                            classifier_activation=classifier_activation, **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = (f"{name}: width x{width}, depth x{depth}, ImageNet input {size}x{size}. "
                     "Args as :func:`..vgg16.VGG16` (sides at least 32); inputs are raw "
                     f"[0, 255] pixels. Returns a ``Model`` named ``{name.lower()}``.")
    return build


EfficientNetB0 = _variant(1.0, 1.0, 224, 0.2, "EfficientNetB0")
EfficientNetB1 = _variant(1.0, 1.1, 240, 0.2, "EfficientNetB1")
EfficientNetB2 = _variant(1.1, 1.2, 260, 0.3, "EfficientNetB2")
EfficientNetB3 = _variant(1.2, 1.4, 300, 0.3, "EfficientNetB3")
EfficientNetB4 = _variant(1.4, 1.8, 380, 0.4, "EfficientNetB4")
EfficientNetB5 = _variant(1.6, 2.2, 456, 0.4, "EfficientNetB5")
EfficientNetB6 = _variant(1.8, 2.6, 528, 0.5, "EfficientNetB6")
EfficientNetB7 = _variant(2.0, 3.1, 600, 0.5, "EfficientNetB7")


def preprocess_input(x, data_format: Optional[str] = None):
    """The identity: EfficientNet models rescale and normalise inside (kept for API parity)."""
    return x


decode_predictions = imagenet_utils.decode_predictions
