"""``keras.layers.experimental``: where TF 2.2-2.5 kept the preprocessing layers."""
from . import preprocessing  # noqa: F401
