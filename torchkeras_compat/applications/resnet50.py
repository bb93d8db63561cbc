"""``keras.applications.resnet50``: the Keras 2.0-2.3 module path of ResNet50."""
from .resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401
