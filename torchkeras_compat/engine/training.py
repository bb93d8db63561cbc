"""``Model``: a Layer that can be compiled, trained, evaluated, used for prediction and saved.

The loops follow tf.keras 2: ``fit`` runs epochs of train steps over batches from the one data
adapter path, tracks the loss and metrics as running means on the device, and hands them to the
callbacks; ``evaluate`` and ``predict`` reuse the same batching.
"""
import contextlib
import copy
import math
import os
import warnings
from typing import Optional

import numpy as np
import torch

from .. import legacy
from ..utils import unpack_x_y_sample_weight
from ..backend import config
from . import data_adapter
from .base_layer import CALL_CONTEXT, Layer, building_call, unique_name
from .compile_utils import LossesContainer, MetricsContainer, metric_name


class Model(Layer):
    """Groups layers into an object with training and inference features.

    ``Model(inputs, outputs)`` builds a functional model; subclass ``Model`` and define ``call``
    for a model written imperatively. Keras 1's ``Model(input=, output=)`` works too.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "input" in kwargs):
            from .functional import Functional
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        legacy.translate("Model", kwargs)
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", args[2] if len(args) > 2 else None)
        trainable = kwargs.pop("trainable", True)
        default = "model" if inputs is not None else _snake(type(self).__name__)
        super().__init__(name=name or unique_name(default), trainable=trainable,
                         **{k: v for k, v in kwargs.items() if k in ("dtype",)})
        # inputs/outputs: None until a graph defines them (a subclassed model keeps None, as tf.keras)
        self._init_set(_is_graph_network=False, inputs=None, outputs=None, optimizer=None, compiled_loss=None,
                       compiled_metrics=None, stop_training=False, history=None,
                       _is_compiled=False, _train_prepared=False, _regularized=[], _loss_fns_added=[],
                       _constrained=[], _policy=None, _loss_scaled=False)
        if inputs is not None:
            if outputs is None:
                raise ValueError("A functional Model needs both `inputs` and `outputs`.")
            self._init_graph_network(inputs, outputs)

    def _init_graph_network(self, inputs, outputs):
        raise NotImplementedError

    # ------------------------------------------------------------ structure
    @property
    def layers(self) -> list:
        return [m for m in self._sublayers() if isinstance(m, Layer)]

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Layer:
        """A layer by its name or its index in ``model.layers``."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index, not both.")
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(layers)} layers.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in layers]}.")

    @property
    def weights(self) -> list:
        """Layer by layer, each layer's trainable then non-trainable weights, as tf.keras orders a
        model's weights (so lists from Keras's ``model.get_weights()`` fit ``set_weights``)."""
        from .base_layer import _dedup
        per_layer = [w for layer in self._sublayers() for w in self._child_weights(layer)]
        return _dedup(per_layer + self._own_weight_handles())

    @property
    def metrics_names(self) -> list:
        # As tf.keras 2: empty until the first train/test step has built the metrics.
        return [metric_name(m) for m in self.metrics]

    @property
    def metrics(self) -> list:
        # As tf.keras 2: the compiled ones (once a train/test step built them), then those that
        # layers made with add_metric()
        return self._compiled_metric_objects() + self._metrics_added_in_calls()

    def _compiled_metric_objects(self) -> list:
        # As tf.keras 2: empty until the first train/test step has built the metrics.
        if self.compiled_loss is None or self.compiled_metrics is None:
            return []
        return (list(self.compiled_loss.trackers) if self.compiled_loss.built else []) + \
            (self.compiled_metrics.metrics if self.compiled_metrics.built else [])

    @property
    def state_updates(self):
        return []

    def reset_states(self) -> None:
        for layer in self._flatten_layers():
            if hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
                layer.reset_states()

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        if print_fn is None and not _is_chief():
            return  # data parallel: only rank 0 prints
        from ..utils import layer_utils
        layer_utils.print_summary(self, line_length=line_length, positions=positions,
                                  print_fn=print_fn, expand_nested=expand_nested,
                                  show_trainable=show_trainable)

    def _device(self) -> torch.device:
        return self._weight_device()

    def build(self, input_shape=None) -> None:
        """Build a subclassed model for inputs of ``input_shape`` (a shape tuple, a list of them or
        a dict): call it once on zeros of that shape (None sizes taken as 1), as tf.keras builds
        it on placeholders, so that every sublayer creates its weights."""
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        self._build_input_shape = input_shape
        self.built = True  # the trial call below must not build again
        device, was_training = self._device(), self.training
        zeros = _zeros_for_shape(input_shape, device)
        try:
            with torch.no_grad(), building_call():
                self(zeros, training=False)
        except Exception:
            self.built = False
            raise
        finally:
            self.train(was_training)

    def _maybe_build(self, input_shapes) -> None:
        if not self.built and not self._is_graph_network and type(self).build is Model.build:
            self.built = True  # a subclassed model's sublayers build during this very call
            return
        super()._maybe_build(input_shapes)

    # ------------------------------------------------------------ compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, run_eagerly=None,
                steps_per_execution=None, jit_compile=None, target_tensors=None, **kwargs) -> None:
        """Configure training: the optimizer, the loss(es) per output and the metrics."""
        from .. import optimizers
        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) in `compile()`: {tuple(kwargs)}. "
                            "Valid keyword arguments include \"cloning\", \"experimental_run_tf_function\", "
                            "\"distribute\", \"target_tensors\", or \"sample_weight_mode\".")
        if target_tensors is not None:
            raise NotImplementedError("compile(target_tensors=...) is not supported: pass the targets to fit().")
        from .. import mixed_precision
        self._ensure_built_for("compile")
        self._policy = mixed_precision.global_policy()
        self.optimizer = mixed_precision.wrap_for_policy(optimizers.get(optimizer), self._policy)
        self._loss_scaled = isinstance(self.optimizer, mixed_precision.LossScaleOptimizer)
        self.loss = loss
        output_names = self._output_names()
        loss, loss_weights, metrics, weighted_metrics = (
            self._by_output_name(v) for v in (loss, loss_weights, metrics, weighted_metrics))
        self.compiled_loss = LossesContainer(loss, loss_weights, output_names)
        self.compiled_metrics = MetricsContainer(metrics, weighted_metrics, output_names,
                                                 self.compiled_loss.loss_fns)
        self.sample_weight_mode = sample_weight_mode
        self._jit_compile = bool(jit_compile)
        self._run_eagerly = run_eagerly
        self._is_compiled = True
        self._train_prepared = False

    def _output_names(self) -> list:
        names = getattr(self, "output_names", None)
        return list(names) if names else ["output_1"]

    def _ensure_built_for(self, what: str) -> None:
        """Subclassed and deferred models may compile before they are built; that is fine."""

    def _assert_compiled(self, what: str) -> None:
        """``what`` ('training it', ...) is for the reader; the message is tf.keras's, word for word."""
        if not self._is_compiled:
            raise RuntimeError("You must compile your model before training/testing. "
                               "Use `model.compile(optimizer, loss)`.")

    # ------------------------------------------------------------ data preparation
    def _standardize(self, x, y=None, sample_weight=None, class_weight=None, check_targets=True):
        """Arrays as tensors in the model's input/output order, with Keras's shape checks."""
        x_list = self._inputs_as_list(x)
        x_list = [data_adapter.to_tensor(a, "x") for a in x_list]
        self._maybe_build_from_data(x_list)
        x_list = self._conform_input_ranks(x_list)
        self._check_input_shapes(x_list)
        y_list = None if y is None else [None if a is None else data_adapter.to_tensor(a, "y")
                                          for a in self._outputs_as_list(y)]
        sw_list = self._sample_weights(y_list, sample_weight, class_weight)
        return x_list, y_list, sw_list

    def _input_keys(self) -> list:
        """The keys that name the inputs in a dict of data: a dict-of-Inputs model's own keys,
        else the input layers' names."""
        nested = getattr(self, "_nested_inputs", None)
        if isinstance(nested, dict):
            return list(nested)
        return list(getattr(self, "input_names", None) or [])

    def _output_key_names(self) -> dict:
        """For a model whose outputs are a dict: {dict key: output layer name}, else {}."""
        nested = getattr(self, "_nested_outputs", None)
        if not isinstance(nested, dict):
            return {}
        return dict(zip(nested, self._output_names()))

    def _by_output_name(self, value):
        """A dict keyed by the model's output dict keys, re-keyed by output names (what compile,
        fit's targets and weights accept, as tf.keras); other values unchanged."""
        key_names = self._output_key_names()
        if not key_names or not isinstance(value, dict):
            return value
        return {key_names.get(k, k): v for k, v in value.items()}

    def _pack_outputs(self, outputs: list):
        """Per-output results in the structure of the model's outputs (a dict for dict outputs)."""
        nested = getattr(self, "_nested_outputs", None)
        if isinstance(nested, dict):
            return dict(zip(nested, outputs))
        if isinstance(nested, (list, tuple)) and any(isinstance(o, (list, tuple)) for o in nested):
            from .functional import _nest_like  # nested outputs come back nested, as in Keras
            return _nest_like(nested, iter(outputs))
        return outputs[0] if len(outputs) == 1 else outputs

    def _inputs_as_list(self, x) -> list:
        names = getattr(self, "input_names", None)
        if isinstance(x, dict):
            if not names:
                return list(x.values())
            keys = self._input_keys()
            if not all(k in x for k in keys) and all(n in x for n in names):
                keys = names
            missing = [k for k in keys if k not in x]
            if missing:
                raise ValueError(f"No data provided for \"{missing[0]}\". Need data for each key in: {keys}")
            return [x[k] for k in keys]
        if isinstance(x, (list, tuple)) and names is not None and len(names) > 1:
            if len(x) != len(names):
                raise ValueError(f"Error when checking model input: the list of Numpy arrays that you "
                                 f"are passing to your model is not the size the model expected. Expected "
                                 f"to see {len(names)} array(s), but instead got {len(x)} arrays.")
            return list(x)
        if isinstance(x, (list, tuple)) and x and all(hasattr(a, "shape") for a in x) \
                and names is not None and len(names) == 1 and len(x) == 1:
            return [x[0]]
        return [x]

    def _outputs_as_list(self, y) -> list:
        names = self._output_names()
        y = self._by_output_name(y)
        if isinstance(y, dict):
            unknown = [k for k in y if k not in names]
            if unknown:
                raise ValueError(f"Found unexpected keys that do not correspond to any Model output: "
                                 f"{unknown}. Expected: {names}")
            return [y.get(n) for n in names]
        if isinstance(y, (list, tuple)) and len(names) > 1:
            if len(y) != len(names):
                raise ValueError(f"Error when checking model target: the list of Numpy arrays that you "
                                 f"are passing to your model is not the size the model expected. Expected "
                                 f"to see {len(names)} array(s), but instead got {len(y)} arrays.")
            return list(y)
        if isinstance(y, (list, tuple)) and len(y) == 1 and hasattr(y[0], "shape"):
            return [y[0]]
        return [y]

    def _sample_weights(self, y_list, sample_weight, class_weight) -> list:
        n_out = len(self._output_names())
        sample_weight, class_weight = self._by_output_name(sample_weight), self._by_output_name(class_weight)
        if sample_weight is None:
            sws = [None] * n_out
        elif isinstance(sample_weight, dict):
            sws = [sample_weight.get(n) for n in self._output_names()]
        elif isinstance(sample_weight, (list, tuple)) and n_out > 1:
            sws = list(sample_weight)
        else:
            sws = [sample_weight] * n_out
        sws = [None if s is None else data_adapter.to_tensor(np.asarray(s, dtype=config.floatx()), "sample_weight")
               for s in sws]
        if class_weight is not None and y_list is not None:
            cws = class_weight if isinstance(class_weight, dict) and all(
                k in self._output_names() for k in class_weight) and n_out > 1 else None
            for i, yt in enumerate(y_list):
                cw = cws.get(self._output_names()[i]) if cws is not None else class_weight
                if cw is None or yt is None:
                    continue
                classes = yt.argmax(-1) if yt.ndim > 1 and yt.shape[-1] > 1 else yt.reshape(len(yt), -1)[:, 0].round().long()
                table = torch.zeros(int(max(max(cw.keys()), int(classes.max())) + 1))
                table[:] = 1.0
                for k, v in cw.items():
                    table[int(k)] = float(v)
                weights = table[classes.long()].to(config.torch_dtype())
                sws[i] = weights if sws[i] is None else sws[i] * weights
        return sws

    def _maybe_build_from_data(self, x_list) -> None:
        """Deferred-build models (Sequential without input shape, subclassed) build on first data."""

    def _conform_input_ranks(self, x_list) -> list:
        """As tf.keras, an array with one axis too many whose last size is 1 is squeezed, and one
        with an axis too few is given a last axis of 1 when the model's input ends in size 1."""
        inputs = getattr(self, "inputs", None)
        if not inputs or len(inputs) != len(x_list):
            return x_list
        out = []
        for t, a in zip(inputs, x_list):
            rank = len(t.shape)
            if a.ndim == rank + 1 and a.shape[-1] == 1:
                a = a.squeeze(-1)
            elif a.ndim == rank - 1 and rank > 1 and t.shape[-1] == 1:
                a = a.unsqueeze(-1)
            out.append(a)
        return out

    def _check_input_shapes(self, x_list) -> None:
        inputs = getattr(self, "inputs", None)
        if not inputs:
            return
        for t, a, name in zip(inputs, x_list, self.input_names):
            expected = t.shape[1:]
            got = tuple(a.shape[1:])
            if len(expected) != len(got):
                raise ValueError(f"Error when checking input: expected {name} to have {len(t.shape)} "
                                 f"dimensions, but got array with shape {tuple(a.shape)}")
            if any(e is not None and e != g for e, g in zip(expected, got)):
                raise ValueError(f"Error when checking input: expected {name} to have shape "
                                 f"{_fmt_shape(expected)} but got array with shape {_fmt_shape(got)}")

    # ------------------------------------------------------------ one step
    def _forward(self, x_list, training: bool):
        cache = self.__dict__.get("_step_cache")
        if cache is None or "input_list" not in cache:
            takes_list = self._takes_input_list()
            if cache is not None:
                cache["input_list"] = takes_list
        else:
            takes_list = cache["input_list"]
        x = x_list[0] if len(x_list) == 1 and not takes_list else x_list
        return self(x, training=training)

    def _takes_input_list(self) -> bool:
        inputs = getattr(self, "_nested_inputs", None)
        return isinstance(inputs, (list, tuple)) or (inputs is None and False)

    def _as_output_list(self, y_pred) -> list:
        if isinstance(y_pred, dict):
            keys = self._output_key_names() or self._output_names()
            return [y_pred[k] for k in keys]
        if isinstance(y_pred, (list, tuple)):  # nested outputs (stacked RNN states) flatten in order
            return [t for y in y_pred for t in self._as_output_list(y)]
        return [y_pred]

    def _regularization_losses(self, call_losses) -> list:
        reg = [w.regularizer(w.value()) for w in self._regularized]
        # add_loss(fn) terms (e.g. a penalty on a kernel added to the model) are re-evaluated each step
        reg += [fn() for fn in self._loss_fns_added]
        return reg + call_losses

    def _prepare_training(self, x_list=None) -> None:
        if x_list is not None and not self._is_graph_network:
            # a subclassed model creates its sublayers' weights on first call
            with torch.no_grad(), building_call():
                self._forward(x_list, training=False)
        params = [w.param for w in self.trainable_weights if w.param.requires_grad]
        self.optimizer.build(params)
        all_weights = self._all_weights()
        self._regularized = [w for w in all_weights if w.regularizer is not None]
        self._loss_fns_added = self._added_loss_fns()
        self._constrained = [w for w in all_weights if w.constraint is not None and w.trainable]
        self._prepare_step_cache()
        self._train_prepared = True

    def _added_loss_fns(self) -> list:
        """The zero-argument callables given to add_loss() on this model and its layers."""
        return [fn for layer in [self, *self._flatten_layers()]
                for fn in getattr(layer, "_call_losses", ()) if callable(fn)]

    def _prepare_eval(self) -> None:
        all_weights = self._all_weights()
        self._regularized = [w for w in all_weights if w.regularizer is not None]
        self._loss_fns_added = self._added_loss_fns()
        self._prepare_step_cache()

    def _prepare_step_cache(self) -> None:
        """Look up once per fit/evaluate what every step would otherwise look up again: the
        device and the batch-size tensors that the loss trackers weigh each batch by."""
        self._step_cache = {"device": self._device()}

    def _train_step_lists(self, x_list, y_list, sw_list):
        """One optimisation step on a batch of lists (inputs, targets, sample weights in the
        model's input/output order); returns the total loss (a 0-d tensor)."""
        if not self._train_prepared:
            self._prepare_training(x_list)
        if self._jit_compile:
            total, per_output, y_pred = self._jit_train_forward_backward(x_list, y_list, sw_list)
        else:
            total, per_output, y_pred = self._train_forward_backward(x_list, y_list, sw_list)
        replicas = self.__dict__.get("_replicas")
        if replicas is not None:  # data parallel: average the gradients over the ranks
            replicas.sync_gradients(self.optimizer, int(y_pred[0].shape[0]))
        self.optimizer.step()
        if self._constrained:
            with torch.no_grad():
                for w in self._constrained:
                    w.assign(w.constraint(w.value()))
        self._update_metrics(total, per_output, y_list, y_pred, sw_list)
        return total

    def _forward_loss(self, x_list, y_list, sw_list, training: bool):
        """The model's outputs and the compiled loss on one batch (what jit_compile compiles)."""
        CALL_CONTEXT.losses = call_losses = []
        try:
            with self._autocast():
                y_pred = self._as_output_list(self._forward(x_list, training=training))
                total, per_output = self.compiled_loss.compute(y_list, y_pred, sw_list,
                                                       self._regularization_losses(call_losses))
        finally:
            CALL_CONTEXT.losses = None
        return total, per_output, y_pred

    def _train_forward_backward(self, x_list, y_list, sw_list, forward=None):
        total, per_output, y_pred = (forward or self._forward_loss)(x_list, y_list, sw_list, True)
        self.optimizer.zero_grad(set_to_none=True)
        (self.optimizer.get_scaled_loss(total) if self._loss_scaled else total).backward()
        return total, per_output, y_pred

    def _jit_train_forward_backward(self, x_list, y_list, sw_list):
        """compile(jit_compile=True): forward and loss run through ``torch.compile`` (backward
        follows the compiled graph). If compiling fails on the first step, warn and run eagerly."""
        compiled = self.__dict__.get("_compiled_forward_loss")
        if compiled is None:
            compiled = self._compiled_forward_loss = torch.compile(self._forward_loss)
        if self.__dict__.get("_jit_verified"):
            return self._train_forward_backward(x_list, y_list, sw_list, compiled)
        try:
            out = self._train_forward_backward(x_list, y_list, sw_list, compiled)
        except Exception as e:  # noqa: BLE001 - any compiler failure: fall back, say why
            warnings.warn(f"compile(jit_compile=True): torch.compile could not compile the train "
                          f"step of model {self.name} ({type(e).__name__}: {str(e)[:300]}); "
                          "training continues without it.", RuntimeWarning)
            self._jit_compile = False
            self._compiled_forward_loss = None
            return self._train_forward_backward(x_list, y_list, sw_list)
        self._jit_verified = True
        return out

    def _autocast(self):
        """torch.autocast under a mixed-precision policy ('mixed_float16'/'mixed_bfloat16')."""
        if self._policy is None or not self._policy.is_mixed:
            return _NO_AUTOCAST  # nothing to enter per step under float32/float64 policies
        from .. import mixed_precision
        return mixed_precision.autocast(self._step_device().type, self._policy)

    def _step_device(self) -> torch.device:
        cache = self.__dict__.get("_step_cache")
        return cache["device"] if cache is not None else self._device()

    def _test_step_lists(self, x_list, y_list, sw_list):
        """Loss and metrics of one batch of lists, without training; returns the total loss."""
        with torch.no_grad(), self._autocast():
            CALL_CONTEXT.losses = call_losses = []
            try:
                y_pred = self._as_output_list(self._forward(x_list, training=False))
            finally:
                CALL_CONTEXT.losses = None
            total, per_output = self.compiled_loss.compute(y_list, y_pred, sw_list,
                                                   self._regularization_losses(call_losses))
            self._update_metrics(total, per_output, y_list, y_pred, sw_list)
        return total

    def _update_metrics(self, total, per_output, y_list, y_pred, sw_list) -> None:
        with torch.no_grad():
            # a Python int weight: the trackers add it as a kernel scalar, no tensor per step
            self.compiled_loss.update_trackers(total, per_output, int(y_pred[0].shape[0]))
            if not self.compiled_metrics.built:
                self.compiled_metrics.build(y_list, y_pred)
            self.compiled_metrics.update(y_list, [p.detach() for p in y_pred], sw_list)

    def _logs(self) -> dict:
        return {metric_name(m): m.result() for m in self.metrics}

    # ------------------------------------------------------------ tf.keras 2.2+ step API
    # ``fit``/``evaluate``/``predict`` call these only when a subclass overrides them; the built-in
    # steps run the list-based ``_train_step_lists``/``_test_step_lists`` directly.
    def train_step(self, data) -> dict:
        """One training step on ``data`` = ``(x, y)`` or ``(x, y, sample_weight)``; returns the
        logs ``{metric name: value}``. Override it to customise training (call ``self(x,
        training=True)``, ``self.compute_loss(...)``, ``loss.backward()``, ``self.optimizer.step()``)."""
        x_list, y_list, sw_list = self._step_lists(data)
        if not self._train_prepared:
            self._prepare_training(x_list)
        self._train_step_lists(x_list, y_list, sw_list)
        return self.get_metrics_result()

    def test_step(self, data) -> dict:
        """Loss and metrics of one batch ``data`` = ``(x, y)`` or ``(x, y, sample_weight)``."""
        self._test_step_lists(*self._step_lists(data))
        return self.get_metrics_result()

    def predict_step(self, data):
        """The model's outputs for one batch: ``data`` is ``x`` (or ``(x,)``)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _step_lists(self, data):
        x, y, sw = unpack_x_y_sample_weight(data)
        x_list, y_list, sw_list = self._standardize(x, y, sw)
        return self._to_device((x_list, y_list, sw_list))

    def _overrides(self, step: str) -> bool:
        """Whether a subclass defines its own ``train_step``/``test_step``/``predict_step``."""
        return getattr(type(self), step) is not getattr(Model, step)

    def _step_data(self, x_list, y_list=None, sw_list=None):
        """A batch of lists in the structure a user's step receives: ``x`` (a tensor, or a list for
        several inputs), then ``y`` and the sample weights likewise, as tf.keras packs them."""
        def one(values):
            return values[0] if len(values) == 1 else list(values)
        x = one(x_list) if len(x_list) == 1 and not self._takes_input_list() else list(x_list)
        if y_list is None:
            return x if torch.is_tensor(x) else (x,)
        if sw_list is None or all(w is None for w in sw_list):
            return x, one(y_list)
        return x, one(y_list), one(sw_list)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """The compiled loss of a batch plus the model's added and regularization losses
        (tf.keras 2.11+); updates the loss trackers as ``compiled_loss`` does."""
        del x  # the signature is Keras's; the compiled loss needs only targets and predictions
        return self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)

    def compute_metrics(self, x, y, y_pred, sample_weight) -> dict:
        """Update the compiled metrics with a batch; returns ``get_metrics_result()``."""
        del x
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """Every metric's current result (the loss tracker included) as ``{name: value}``."""
        return {metric_name(m): m.result() for m in self.metrics}

    def _to_device(self, batch):
        device = self._step_device()

        def move(t):
            if not torch.is_tensor(t):
                t = data_adapter.to_tensor(t)
            if t.device == device:
                return t
            return data_adapter.to_device(t, device)
        return data_adapter.map_structure(move, batch)

    # ------------------------------------------------------------ fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, max_queue_size=10, workers=1,
            use_multiprocessing=False, **kwargs):
        """Train for ``epochs`` epochs; returns a ``History`` with ``history.history``."""
        from .training_loop import run_fit
        legacy.translate("fit", kwargs)
        epochs = kwargs.pop("epochs", epochs)
        if kwargs:
            raise TypeError(f"fit() got an unexpected keyword argument {sorted(kwargs)[0]!r}")
        self._assert_compiled("training it")
        return run_fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split,
                       validation_data, shuffle, class_weight, sample_weight, initial_epoch,
                       steps_per_epoch, validation_steps, validation_batch_size, validation_freq,
                       max_queue_size, workers, use_multiprocessing)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                 return_dict=False, **kwargs):
        """Loss and metrics on the given data: a scalar when there is only the loss, else a list."""
        from .training_loop import run_evaluate
        if kwargs:
            raise TypeError(f"evaluate() got an unexpected keyword argument {sorted(kwargs)[0]!r}")
        self._assert_compiled("evaluating it")
        return run_evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks,
                            max_queue_size, workers, use_multiprocessing, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, max_queue_size=10,
                workers=1, use_multiprocessing=False):
        """Outputs for the inputs ``x`` as numpy arrays (a list for several outputs)."""
        from .training_loop import run_predict
        return run_predict(self, x, batch_size, verbose, steps, callbacks, max_queue_size, workers,
                           use_multiprocessing)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):
        from .training_loop import run_on_batch
        self._assert_compiled("training it")
        return run_on_batch(self, x, y, sample_weight, class_weight, reset_metrics, return_dict, train=True)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        from .training_loop import run_on_batch
        self._assert_compiled("evaluating it")
        return run_on_batch(self, x, y, sample_weight, None, reset_metrics, return_dict, train=False)

    def predict_on_batch(self, x):
        x_list, _, _ = self._standardize(x)
        self._prepare_step_cache()
        self.eval()
        with torch.no_grad():
            out = self._as_output_list(self._forward(self._to_device(x_list), training=False))
        return self._pack_outputs([o.detach().cpu().numpy() for o in out])

    # ------------------------------------------------------------ Keras 1/2.0 spellings
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1,
                      class_weight=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                      shuffle=True, initial_epoch=0, **kwargs):
        """Deprecated in Keras 2.4: ``fit`` takes generators. Kept for old scripts."""
        if "samples_per_epoch" in kwargs:  # Keras 1 counted samples; Keras 2.2 divided by batch size
            samples = kwargs.pop("samples_per_epoch")
            legacy._warn_once("fit_generator", "samples_per_epoch", "steps_per_epoch")
            bs = getattr(generator, "batch_size", None)
            steps_per_epoch = samples // bs if bs else samples
        args = _generator_args("fit_generator", kwargs, dict(
            steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose, callbacks=callbacks,
            validation_data=validation_data, validation_steps=validation_steps,
            validation_freq=validation_freq, class_weight=class_weight, max_queue_size=max_queue_size,
            workers=workers, use_multiprocessing=use_multiprocessing, shuffle=shuffle,
            initial_epoch=initial_epoch))
        return self.fit(generator, **args)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0, **kwargs):
        return self.evaluate(generator, **_generator_args("evaluate_generator", kwargs, dict(
            steps=steps, callbacks=callbacks, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, verbose=verbose)))

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0, **kwargs):
        return self.predict(generator, **_generator_args("predict_generator", kwargs, dict(
            steps=steps, callbacks=callbacks, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, verbose=verbose)))

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 1/2.0 Sequential method: the predicted probabilities (a warning if not in [0, 1])."""
        preds = self.predict(x, batch_size=batch_size, verbose=verbose)
        if preds.min() < 0.0 or preds.max() > 1.0:
            warnings.warn("Network returning invalid probability values. The last layer might not "
                          "normalize predictions into probabilities (like softmax or sigmoid would).")
        return preds

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 1/2.0 Sequential method: argmax for several classes, a 0.5 threshold for one."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    # ------------------------------------------------------------ saving
    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None,
             signatures=None, options=None, save_traces=True, **kwargs):
        if not _is_chief():
            return  # data parallel: rank 0 writes the file, the other ranks hold the same weights
        from ..saving import save_model
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer,
                   save_format=save_format, **kwargs)

    def save_weights(self, filepath, overwrite=True, save_format=None, options=None):
        if not _is_chief():
            return
        from ..saving import save_weights
        save_weights(self, filepath, overwrite=overwrite, save_format=save_format)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, options=None):
        from ..saving import load_weights
        return load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs) -> str:
        from ..saving import model_config
        return model_config.to_json(self, **kwargs)

    def to_yaml(self, **kwargs):
        raise RuntimeError("Method `model.to_yaml()` has been removed due to security risk of "
                           "arbitrary code execution. Please use `model.to_json()` instead.")

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A functional config (with 'layers' and 'input_layers') rebuilds a functional model."""
        if "layers" in config and "input_layers" in config:
            from ..saving import model_config
            from .functional import Functional
            return model_config.functional_from_config(Functional, config, custom_objects)
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(
            f"Model {self.name} is a subclassed model: its structure lives in Python code, not in a "
            "config. Implement get_config() on your subclass to save it, or save weights only.")


def _is_chief() -> bool:
    """False only in a torchrun process of rank > 0 (which must not write files)."""
    if os.environ.get("RANK", "0") == "0":
        return True
    from ..distribute import is_chief
    return is_chief()


_NO_AUTOCAST = contextlib.nullcontext()  # reusable: entering it does nothing


def _generator_args(method: str, legacy_kwargs: dict, args: dict) -> dict:
    """The ``*_generator`` methods' arguments with Keras 1 spellings (nb_epoch, nb_val_samples,
    max_q_size, pickle_safe, ...) translated by the legacy table and laid over the named ones."""
    legacy.translate(method, legacy_kwargs)
    unknown = sorted(k for k in legacy_kwargs if k not in args)
    if unknown:
        raise TypeError(f"{method}() got an unexpected keyword argument {unknown[0]!r}")
    return {**args, **legacy_kwargs}


def _snake(name: str) -> str:
    from .base_layer import to_snake_case
    return to_snake_case(name)


def _fmt_shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _zeros_for_shape(shape, device):
    """Zeros of a shape (None -> 1), a list of shapes or a dict of them, for building a model."""
    if isinstance(shape, dict):
        return {k: _zeros_for_shape(v, device) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)) or \
            hasattr(shape, "__len__") and shape and hasattr(shape[0], "as_list"):
        return [_zeros_for_shape(s, device) for s in shape]
    dims = [1 if d is None else int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape)]
    return torch.zeros(dims, dtype=config.torch_dtype(), device=device)
