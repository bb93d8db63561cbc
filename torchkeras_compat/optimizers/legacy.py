"""``keras.optimizers.legacy``: in tf.keras 2 the old optimizers; here the same classes, which
already follow the legacy formulas."""
from ._algorithms import SGD, Adadelta, Adagrad, Adam, Adamax, Ftrl, Nadam, RMSprop  # noqa: F401
from ._base import Optimizer  # noqa: F401
