"""``keras.layers.experimental.preprocessing``: the preprocessing layers under their TF 2.2-2.5
path (the same classes as ``keras.layers``)."""
from ..core import Rescaling
from ..lookup import CategoryEncoding, Discretization, IntegerLookup, StringLookup, TextVectorization
from ..preprocessing import (CenterCrop, Normalization, RandomContrast, RandomCrop, RandomFlip, RandomHeight,
                             RandomRotation, RandomTranslation, RandomWidth, RandomZoom, Resizing)

__all__ = ["CategoryEncoding", "Discretization", "Hashing", "IntegerLookup", "StringLookup", "TextVectorization",
           "CenterCrop", "Normalization", "RandomContrast", "RandomCrop", "RandomFlip", "RandomHeight", "RandomWidth", "RandomRotation",
           "RandomTranslation", "RandomZoom", "Rescaling", "Resizing"]
