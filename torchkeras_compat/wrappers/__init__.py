"""``keras.wrappers``: scikit-learn estimators around Keras models (``keras.wrappers.scikit_learn``)."""
from . import scikit_learn  # noqa: F401  (imports no scikit-learn itself)
