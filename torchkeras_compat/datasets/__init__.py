"""``keras.datasets``: the small benchmark datasets, loaded from the same cache files Keras uses
(``~/.keras/datasets`` or ``$KERAS_HOME/datasets``) and downloaded with ``get_file`` when missing."""
from torchkeras_compat.datasets import (boston_housing, cifar10, cifar100, fashion_mnist, imdb,  # noqa: F401
                                        mnist, reuters)

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
