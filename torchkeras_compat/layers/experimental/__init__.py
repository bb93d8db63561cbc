"""``keras.layers.experimental``: where TF 2.2-2.5 kept the preprocessing layers and EinsumDense."""
from . import preprocessing  # noqa: F401
from ..einsum_dense import EinsumDense  # noqa: F401
