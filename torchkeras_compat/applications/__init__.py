"""``keras.applications``: ImageNet architectures with Keras's layer names and weight files.

``weights=None`` builds a randomly initialised model; ``weights='imagenet'`` downloads Keras's
weight file through ``keras.utils.get_file`` (cached in ``~/.keras/models``); any other value
is the path of a Keras .h5 weights file to load.
"""
from . import (densenet, efficientnet, imagenet_utils, inception_resnet_v2, inception_v3,  # noqa: F401
               mobilenet, mobilenet_v2, mobilenet_v3, resnet, resnet50, resnet_v2, vgg16,
               vgg19, xception)
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                           EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .inception_resnet_v2 import InceptionResNetV2
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .vgg16 import VGG16
from .vgg19 import VGG19
from .xception import Xception

__all__ = ["VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
           "ResNet152V2", "MobileNet", "MobileNetV2", "MobileNetV3Small",
           "MobileNetV3Large", "InceptionV3", "InceptionResNetV2",
           "Xception", "DenseNet121", "DenseNet169", "DenseNet201", "EfficientNetB0",
           "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4",
           "EfficientNetB5", "EfficientNetB6", "EfficientNetB7"]
