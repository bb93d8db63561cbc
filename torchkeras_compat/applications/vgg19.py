"""``keras.applications.vgg19``: VGG19, the 16-convolution VGG."""
from typing import Optional, Sequence

from . import imagenet_utils
from .vgg16 import build_vgg, preprocess_input  # noqa: F401  (same preprocessing as VGG16)

WEIGHTS_PATH = imagenet_utils.WEIGHTS_BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = (imagenet_utils.WEIGHTS_BASE +
                       "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5")
HASHES = ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")


def VGG19(include_top: bool = True, weights: Optional[str] = "imagenet", input_tensor=None,
          input_shape: Optional[Sequence[int]] = None, pooling: Optional[str] = None,
          classes: int = 1000, classifier_activation="softmax"):
    """VGG19: blocks of 2, 2, 4, 4, 4 convolutions; arguments as :func:`..vgg16.VGG16`.

    Returns:
        A functional ``Model`` named ``vgg19``.
    """
    return build_vgg("vgg19", (2, 2, 4, 4, 4), (WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP), HASHES,
                     include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation)


decode_predictions = imagenet_utils.decode_predictions
