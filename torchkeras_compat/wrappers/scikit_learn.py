"""``keras.wrappers.scikit_learn``: ``KerasClassifier`` and ``KerasRegressor`` as Keras 2 had them.

``KerasClassifier(build_fn=make_model, epochs=10, batch_size=32)`` is a scikit-learn estimator:
``fit``/``predict``/``predict_proba``/``score`` and ``get_params``/``set_params``, so it works in
``cross_val_score``, ``GridSearchCV`` and ``Pipeline``. ``build_fn`` builds and compiles a fresh
model on every ``fit``; the other keyword arguments (``sk_params``) go to ``build_fn``, ``fit``,
``predict`` and ``evaluate`` by matching their argument names. scikit-learn itself is imported
only when scikit-learn asks for the estimator's tags.
"""
import copy
import inspect
import types
from typing import Any, Callable, Dict, Optional

import numpy as np

from .. import legacy
from ..engine.sequential import Sequential
from ..utils.np_utils import to_categorical


def has_arg(fn: Callable, name: str) -> bool:
    """Whether ``fn`` has a parameter called ``name`` (not counting ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    param = params.get(name)
    return param is not None and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY)


class BaseWrapper:
    """What both wrappers share: parameter checking, building the model and fitting it.

    Args:
        build_fn: a function (or a callable object) returning a compiled Keras model; when None,
            the subclass's ``__call__`` builds the model.
        **sk_params: arguments for ``build_fn`` and for the model's ``fit``, ``predict``,
            ``predict_proba`` and ``evaluate``, dispatched by name.
    """

    _estimator_type: Optional[str] = None

    def __init__(self, build_fn: Optional[Callable] = None, **sk_params: Any):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    # -- parameters -------------------------------------------------------------------------
    def _build_callable(self) -> Callable:
        if self.build_fn is None:
            return self.__call__
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        return self.build_fn.__call__

    def check_params(self, params: Dict[str, Any]) -> None:
        """Raise ValueError for a parameter no fit/predict/evaluate/build_fn argument takes."""
        legal = [Sequential.fit, Sequential.predict, Sequential.predict_classes,
                 Sequential.evaluate, self._build_callable()]
        old_names = {old for old, _ in legacy.LEGACY_ARGS.get("fit", ())}
        for name in params:
            if name in old_names:  # Keras 1 spelling (nb_epoch): translated, with a warning, in fit
                continue
            if not any(has_arg(fn, name) for fn in legal):
                raise ValueError(f"{name} is not a legal parameter")

    def get_params(self, **params: Any) -> Dict[str, Any]:
        """The estimator's parameters: ``sk_params`` plus ``build_fn`` (``deep`` is ignored)."""
        res = dict(self.sk_params)
        res.update({"build_fn": self.build_fn})
        return res

    def set_params(self, **params: Any) -> "BaseWrapper":
        """Update ``sk_params`` (after checking the names); returns self."""
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn: Callable, override: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """The ``sk_params`` that ``fn`` takes, updated with ``override``."""
        res = {name: value for name, value in self.sk_params.items() if has_arg(fn, name)}
        res.update(override or {})
        return res

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, x, y, **kwargs):
        """Build a fresh model with ``build_fn`` and fit it on ``(x, y)``; returns the History."""
        self.model = self._build_callable()(**self.filter_sk_params(self._build_callable()))
        if _loss_name(self.model) == "categorical_crossentropy" and len(np.shape(y)) != 2:
            y = to_categorical(y)
        sk = dict(self.sk_params)
        legacy.translate("fit", sk)  # nb_epoch=... from Keras 1 era tutorials
        fit_args = {name: value for name, value in sk.items() if has_arg(Sequential.fit, name)}
        fit_args = copy.deepcopy(fit_args)
        fit_args.update(kwargs)
        return self.model.fit(x, y, **fit_args)

    def __sklearn_tags__(self):
        # scikit-learn >= 1.6 asks estimators for their tags; imported only when sklearn asks.
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags
        return Tags(estimator_type=self._estimator_type, target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags() if self._estimator_type == "classifier" else None,
                    regressor_tags=RegressorTags() if self._estimator_type == "regressor" else None)


def _loss_name(model) -> Any:
    loss = getattr(model, "loss", None)
    return getattr(loss, "__name__", loss)


class KerasClassifier(BaseWrapper):
    """A scikit-learn classifier around a Keras model built by ``build_fn``.

    Labels may be any sortable values (``classes_`` keeps them); a 2-D one-hot ``y`` is accepted
    too. With a ``categorical_crossentropy`` loss, integer labels are one-hot encoded for you.
    """

    _estimator_type = "classifier"

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Fit on ``x`` and labels ``y`` of shape (n,), (n, 1) or one-hot (n, classes)."""
        y = np.array(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (y.ndim == 2 and y.shape[1] == 1) or y.ndim == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError("Invalid shape for y: " + str(y.shape))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs) -> np.ndarray:
        """Class labels (values from ``classes_``), shape (n,) or (n, 1) as the model gives."""
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        proba = self.model.predict(x, **kwargs)
        classes = proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32")
        return self.classes_[classes]

    def predict_proba(self, x, **kwargs) -> np.ndarray:
        """Class probabilities, shape (n, n_classes); a one-unit sigmoid gives ``[1 - p, p]``."""
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probs = self.model.predict(x, **kwargs)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs) -> float:
        """The model's accuracy on ``(x, y)`` (compile it with ``metrics=['accuracy']``)."""
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if _loss_name(self.model) == "categorical_crossentropy" and len(y.shape) != 2:
            y = to_categorical(y)
        outputs = self.model.evaluate(x, y, **kwargs)
        if not isinstance(outputs, list):
            outputs = [outputs]
        for name, output in zip(self.model.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return output
        raise ValueError("The model is not configured to compute accuracy. You should pass "
                         "`metrics=[\"accuracy\"]` to the `model.compile()` method.")


class KerasRegressor(BaseWrapper):
    """A scikit-learn regressor around a Keras model built by ``build_fn``.

    ``score`` is the negated loss, so that greater is better as scikit-learn expects.
    """

    _estimator_type = "regressor"

    def predict(self, x, **kwargs) -> np.ndarray:
        """Predictions with single-unit axes squeezed: shape (n,) for a one-output model."""
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(self.model.predict(x, **kwargs))

    def score(self, x, y, **kwargs) -> float:
        """Minus the model's loss on ``(x, y)``."""
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss
