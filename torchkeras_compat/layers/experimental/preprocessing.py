"""``keras.layers.experimental.preprocessing``: the preprocessing layers under their TF 2.2-2.5
path (the same classes as ``keras.layers``)."""
from ..core import Rescaling
from ..preprocessing import (CenterCrop, Normalization, RandomContrast, RandomCrop, RandomFlip,
                             RandomRotation, RandomTranslation, RandomZoom, Resizing)

__all__ = ["CenterCrop", "Normalization", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
           "RandomTranslation", "RandomZoom", "Rescaling", "Resizing"]
