"""The Keras optimizer base class, on torch tensors.

A Keras optimizer is made before the model has parameters (``Adam(lr=0.01)``, then
``model.compile(optimizer=...)``). The engine calls ``build(params)`` once the parameters exist,
and ``step()`` after each ``backward()``; ``step`` applies the gradients in ``p.grad`` with
tf.keras 2's *legacy* optimizer formulas (clipping, the ``decay=`` schedule, the update itself)
using torch's multi-tensor (``_foreach``) kernels, so it runs on CPU and CUDA alike without host
synchronisation.

The per-parameter state (slots: Adam's moments, SGD's momentum...) lives in the torch layout of
its parameter, so the update never converts anything. Keras's layout appears only at the
boundary, as for layer weights: ``variables()``/``weights``/``get_weights()``/``set_weights()``
show every slot in the Keras layout of its parameter (a conv kernel's moment as
``(rows, cols, in, out)``), through the converters of the parameter's Keras weight handle.

``lr``/``learning_rate`` is a 0-d CPU float32 tensor: ``K.get_value(opt.lr)`` reads it,
``K.set_value(opt.lr, 0.1)`` (or ``opt.lr = 0.1``) changes it, taking effect at the next step.
"""
import re
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch

from .. import legacy
from ..backend import config
from ..engine.base_layer import Weight
from . import schedules

Tensor = torch.Tensor


def _f32(value) -> float:
    """Round a Python number to float32, as TF computes the step's coefficients."""
    return float(np.float32(value))


class Hyperparameter:
    """A hyperparameter kept, like Keras's, in a 0-d float32 tensor (on the CPU), so that old
    code can read and change it with ``K.get_value(opt.momentum)``/``K.set_value(...)`` while
    training; assigning a number (``opt.momentum = 0.5``) also works. Read at every step."""

    def __set_name__(self, owner, name: str) -> None:
        self.attr = "_hyper_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        obj.__dict__["_hypers_created"] = True  # as reading a Keras hyperparameter creates them
        return obj.__dict__[self.attr]

    def __set__(self, obj, value) -> None:
        # the value as given, for get_config before the hyperparameters exist as variables
        obj.__dict__["_given" + self.attr] = float(value) if isinstance(value, Tensor) else value
        value = torch.as_tensor(np.asarray(value, dtype=np.float32))
        current = obj.__dict__.get(self.attr)
        if current is None:
            obj.__dict__[self.attr] = value.clone()
        else:
            with torch.no_grad():
                current.copy_(value)


class OptimizerVariable(Weight):
    """One optimizer variable as Keras shows it: ``name`` (``'Adam/conv2d/kernel/m:0'``), the
    Keras-layout ``shape``, ``numpy()``/``value()``/``assign()`` in that layout.

    ``param`` is the storage, in the torch layout of the parameter the slot belongs to;
    ``to_keras``/``from_keras`` are that parameter's converters (None: same layout).
    """

    def __init__(self, name: str, storage: Tensor, to_keras=None, from_keras=None):
        super().__init__(None, name, storage, False, to_keras=to_keras, from_keras=from_keras)

    @property
    def name(self) -> str:
        return self.short_name

    @property
    def trainable(self) -> bool:
        return False

    def __repr__(self):
        return f"<OptimizerVariable '{self.name}' shape={self.shape} dtype={self.dtype}>"


class _CallableList(list):
    """A list that gives itself back when called, as tf.keras's ``optimizer.variables``."""

    def __call__(self) -> list:
        return self


def _keras_handle(var):
    """The Keras weight handle of `var` (a handle itself, or a Parameter made by a layer), or None."""
    if isinstance(var, Weight):
        return var
    return getattr(var, "_keras_weight", None)


def _storage_pair(grad, var):
    """``(grad, var)`` -> the same pair for the Parameter that stores `var`: a Keras weight
    handle (``model.trainable_weights``) stands for its Parameter, and a gradient in the
    handle's Keras shape is turned into the Parameter's layout."""
    if not isinstance(var, Weight):
        return grad, var
    grad = torch.as_tensor(grad, dtype=var.param.dtype, device=var.param.device)
    if var.from_keras is not None and tuple(grad.shape) == var.shape:
        grad = var.from_keras(grad)
    return grad, var.param


class Optimizer:
    """Base class of the Keras optimizers.

    Args:
        name: the optimizer's name (its class name by default).
        learning_rate: a float, or a ``schedules.LearningRateSchedule``.
        decay: legacy per-step decay: ``lr / (1 + decay * iterations)``.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.

    Subclasses list their per-parameter state in ``_slot_names`` (Keras's order) and implement
    ``_create_slots`` and ``_apply(params, grads, lr)``.
    """

    _slot_names: Sequence[str] = ()
    # Optimizers that exist only among tf.keras 2.11+'s (AdamW, Adafactor, Lion) show their
    # variables as those do: ``iteration:0``, then the slots of each parameter in turn, named
    # ``<optimizer>/<slot>/<parameter>:0``; they are saved with those names and configs.
    _current_only = False
    decay = Hyperparameter()

    def __init__(self, name: Optional[str] = None, learning_rate=0.001, decay: float = 0.0,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, weight_decay: Optional[float] = None,
                 **kwargs):
        kwargs = legacy.translate("optimizer", dict(kwargs))
        learning_rate = kwargs.pop("learning_rate", learning_rate)
        # tf.keras 2.11+ optimizer arguments (found in their saved configs)
        kwargs.pop("jit_compile", None)  # meaningless here
        kwargs.pop("is_legacy_optimizer", None)
        kwargs.pop("ema_momentum", None)
        kwargs.pop("ema_overwrite_frequency", None)
        if kwargs.pop("use_ema", False):
            raise NotImplementedError(f"{type(self).__name__}(use_ema=True) is not supported yet.")
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) "
                            f"{sorted(kwargs)}. Allowed: learning_rate (lr), decay, clipnorm, "
                            "clipvalue, global_clipnorm and the optimizer's own arguments.")
        if decay < 0.0:
            raise ValueError(f"{type(self).__name__}: `decay` cannot be less than 0. Received: {decay}.")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(f"{type(self).__name__}: cannot accept both `clipnorm` and "
                             "`global_clipnorm`; pass only one.")
        self._name = name or type(self).__name__
        self._hypers_created = False
        self.decay = float(decay)
        self._initial_decay = float(decay)
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self._schedule = None
        self._lr = torch.zeros((), dtype=torch.float32)
        self.learning_rate = learning_rate
        self.iterations = torch.zeros((), dtype=torch.int64)
        self._params: List[torch.nn.Parameter] = []
        self._handles: List[Optional[Weight]] = []  # each parameter's Keras weight handle, if any
        self._slots: Dict[str, List[Tensor]] = {}
        self.weight_decay = None if weight_decay is None else float(weight_decay)
        self._exclude_ids = set()
        self._exclude_names: List[str] = []
        self._decays_cache: Dict[int, bool] = {}  # id(param) -> weight decay applies
        # Which tf.keras 2.21 optimizer's formulas to follow: the classes follow the legacy ones
        # (tf.keras.optimizers.legacy.*, which old code got); names given to compile() ('rmsprop')
        # and tf.keras 2.11+ configs give the current ones. RMSprop, Adagrad and Nadam differ.
        self._current_formulas = False

    # ---------------------------------------------------------------- learning rate
    @property
    def learning_rate(self):
        """The learning rate: a 0-d float32 tensor, or the schedule it was given."""
        self._hypers_created = True
        return self._schedule if self._schedule is not None else self._lr

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(value, schedules.LearningRateSchedule):
            self._schedule = value
            return
        if callable(value) and not isinstance(value, Tensor):
            raise TypeError(f"{type(self).__name__}: `learning_rate` must be a number, a tensor or "
                            f"a keras.optimizers.schedules.LearningRateSchedule; got {value!r}.")
        self._schedule = None
        self._given_lr = float(value) if isinstance(value, Tensor) else value
        with torch.no_grad():
            self._lr.copy_(torch.as_tensor(np.asarray(value, dtype=np.float32)))

    lr = learning_rate

    def _current_lr(self, step: int) -> float:
        """The rate for this step: the schedule's value (or the set rate), then the legacy decay."""
        if self._schedule is not None:
            lr = float(np.asarray(self._schedule(step)))
        else:
            lr = float(self._lr)
        if self._initial_decay > 0.0 and not self._current_formulas:
            lr = np.float32(lr) / (np.float32(1.0) + np.float32(self._initial_decay) * np.float32(step))
        return _f32(lr)

    # ---------------------------------------------------------------- state
    def build(self, var_list: Iterable) -> None:
        """Take the variables to train and make the per-parameter state (slots).

        `var_list` holds torch Parameters or Keras weight handles (``model.trainable_weights``);
        a Parameter made by a layer brings its handle along, whose Keras name and layout the
        optimizer's own variables then show. Building again with the same parameters keeps the
        state; with others, it starts afresh.
        """
        var_list = list(var_list)
        params = [v.param if isinstance(v, Weight) else v for v in var_list]
        if len(params) == len(self._params) and all(a is b for a, b in zip(params, self._params)):
            return
        self._params = params
        self._handles = [_keras_handle(v) for v in var_list]
        self._decays_cache = {}
        self._slots = {}
        with torch.no_grad():
            self._create_slots(params)

    @property
    def built(self) -> bool:
        return bool(self._params) or bool(self._slots)

    def _create_slots(self, params: List[Tensor]) -> None:
        for name in self._slot_names:
            self._slots[name] = [torch.zeros_like(p, memory_format=torch.preserve_format)
                                 for p in params]

    def _slot(self, name: str, indices: List[int]) -> List[Tensor]:
        slot = self._slots[name]
        return [slot[i] for i in indices]

    @property
    def _slot_groups(self) -> Sequence[Sequence[str]]:
        """The slots Keras creates together for one parameter before going on to the next:
        tf.keras's legacy optimizers make one slot for every parameter, then the next slot;
        the 2.11+ ones make all the slots of a parameter together."""
        if self._current_only:
            return (tuple(self._slot_names),)
        return tuple((name,) for name in self._slot_names)

    def _layout(self) -> List[tuple]:
        """The optimizer's variables in Keras's order, as ``(name, param index or None)``: the
        iteration count, then the slots group by group (see ``_slot_groups``). A parameter
        without some slot (``None`` in ``_slots``) is skipped for that slot."""
        out = [("iteration" if self._current_only else "iter", None)]
        for group in self._slot_groups:
            for i in range(len(self._params)):
                out.extend((name, i) for name in group
                           if name in self._slots and self._slots[name][i] is not None)
        return out

    def _variable(self, name: str, index: Optional[int]) -> Tensor:
        if index is None:
            return self.iterations if name in ("iter", "iteration") else getattr(self, name)
        return self._slots[name][index]

    def _param_names(self) -> List[str]:
        """Keras names of the built parameters (``'conv2d/kernel:0'``), from their weight handles."""
        names = []
        for i, (p, handle) in enumerate(zip(self._params, self._handles)):
            name = handle.name if handle is not None else getattr(p, "_keras_name", None)
            names.append(name or ("Variable:0" if i == 0 else f"Variable_{i}:0"))
        return names

    def _slot_is_param_shaped(self, name: str) -> bool:
        """Whether slot `name` has its parameter's shape (and so its storage layout)."""
        return True

    @property
    def variables(self) -> List[OptimizerVariable]:
        """The optimizer's variables in Keras's order (see ``_layout``), each slot in its
        parameter's Keras layout, named as tf.keras names them (``Adam/iter:0``,
        ``Adam/conv2d/kernel/m:0``...; the 2.11+-only optimizers ``AdamW/m/conv2d/kernel:0``).
        Both spellings work: ``opt.variables()`` (legacy optimizers) and ``opt.variables`` (2.11+)."""
        names = self.weight_names(self._param_names())
        out = []
        for name, (slot, i) in zip(names, self._layout()):
            handle = self._handles[i] if i is not None and self._slot_is_param_shaped(slot) else None
            to_k = handle.to_keras if handle is not None else None
            from_k = handle.from_keras if handle is not None else None
            out.append(OptimizerVariable(name, self._variable(slot, i), to_k, from_k))
        return _CallableList(out)

    def weight_names(self, param_names: Optional[Sequence[str]] = None) -> List[str]:
        """Keras's names of `variables()` (as in an h5 file's ``optimizer_weights``), given the
        Keras names of the parameters ``build`` got, e.g. ``'dense/kernel:0'`` (by default the
        names of their weight handles): ``['Adam/iter:0', 'Adam/dense/kernel/m:0', ...]``."""
        if param_names is None:
            param_names = self._param_names()
        if len(param_names) != len(self._params):
            raise ValueError(f"{type(self).__name__}.weight_names: got {len(param_names)} names for "
                             f"{len(self._params)} parameters.")
        bases = [n[:-2] if n.endswith(":0") else n for n in param_names]
        if self._current_only:  # tf.keras 2.11+: 'iteration:0', 'AdamW/m/dense/kernel:0'
            return [f"{name}:0" if i is None else f"{self._name}/{name}/{bases[i]}:0"
                    for name, i in self._layout()]
        return [f"{self._name}/{name}:0" if i is None else f"{self._name}/{bases[i]}/{name}:0"
                for name, i in self._layout()]

    @property
    def weights(self) -> List[OptimizerVariable]:
        return self.variables

    def get_weights(self) -> List[np.ndarray]:
        """The values of `variables()` as numpy arrays, slots in their parameters' Keras layout."""
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights: Sequence) -> None:
        """Load state in `get_weights`'s order and Keras layout (the optimizer must be built first)."""
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"{type(self).__name__}.set_weights: expected {len(variables)} arrays "
                             f"(iterations + slots of {len(self._params)} parameters), got "
                             f"{len(weights)}. Build the optimizer (compile and fit once) first.")
        values = [np.asarray(w) for w in weights]
        for var, value in zip(variables, values):
            if tuple(value.shape) != tuple(var.shape):
                raise ValueError(f"{type(self).__name__}.set_weights: shape {tuple(value.shape)} "
                                 f"does not match optimizer weight {var.name} of shape "
                                 f"{tuple(var.shape)}.")
        for var, value in zip(variables, values):
            var.assign(value)

    # ---------------------------------------------------------------- stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self._params:
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.detach_()
                p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        """Apply the gradients in ``p.grad`` of the built parameters, then count the step."""
        if not self._params:
            raise ValueError(f"{type(self).__name__}.step(): the optimizer has no parameters. "
                             "Call build(params) (model.compile does) before stepping.")
        self._hypers_created = True
        indices = [i for i, p in enumerate(self._params) if p.grad is not None]
        if indices:
            grads = self._transform_gradients([self._params[i].grad for i in indices])
            step = int(self.iterations)
            lr = self._current_lr(step)
            self._begin_step(step + 1)
            if self.weight_decay:
                self._apply_weight_decay([self._params[i] for i in indices], lr)
            for group in self._groups(indices):
                self._apply([indices[j] for j in group], [self._params[indices[j]] for j in group],
                            [grads[j] for j in group], lr, step + 1)
        self.iterations += 1

    def _apply_weight_decay(self, params: List[Tensor], lr: float) -> None:
        """Decoupled weight decay before the update, as tf.keras 2.11+: ``w -= w * wd * lr``."""
        decayed = [p for p in params if self._decays(p)]
        if decayed:
            torch._foreach_add_(decayed, torch._foreach_mul(decayed, self.weight_decay * lr),
                                alpha=-1.0)

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Skip weight decay for these variables (Parameters or weight handles), or for those
        whose Keras name (``'dense/bias:0'``) matches one of the regular expressions `var_names`."""
        self._exclude_ids |= {id(v) for v in (var_list or [])}
        self._exclude_names += list(var_names or [])
        self._decays_cache = {}

    def _decays(self, p: Tensor) -> bool:
        decays = self._decays_cache.get(id(p))
        if decays is None:  # decided once per parameter, not at every step
            handle = _keras_handle(p)
            name = (handle.name if handle is not None else None) or getattr(p, "_keras_name", None) or ""
            decays = not (id(p) in self._exclude_ids or id(handle) in self._exclude_ids
                          or any(re.search(pattern, name) for pattern in self._exclude_names))
            self._decays_cache[id(p)] = decays
        return decays

    def _groups(self, indices: List[int]) -> List[List[int]]:
        """Positions in `indices` to update together.

        On accelerators one multi-tensor launch for all parameters is fastest. On the CPU,
        updating one parameter at a time keeps it in cache across the several passes of an
        update (as torch.optim's per-tensor CPU path does), which is faster there.
        """
        if all(self._params[i].device.type == "cpu" for i in indices):
            return [[j] for j in range(len(indices))]
        return [list(range(len(indices)))]

    def _begin_step(self, t: int) -> None:
        """Hook for coefficients shared by all parameters in step `t` (1-based)."""

    def apply_gradients(self, grads_and_vars=None, **kwargs) -> None:
        """Keras's name for a step; with ``(grad, param)`` pairs, those gradients are applied."""
        if grads_and_vars is not None:
            pairs = [(g, v) for g, v in grads_and_vars if g is not None]
            if not self._params:
                self.build([v for _, v in pairs])
            pairs = [_storage_pair(g, v) for g, v in pairs]
            params = [v for _, v in pairs]
            known = {id(p) for p in self._params}
            missing = [v for v in params if id(v) not in known]
            if missing:
                raise ValueError(f"{type(self).__name__}.apply_gradients: {len(missing)} variable(s) "
                                 "were not in the parameters the optimizer was built with.")
            for p in self._params:
                p.grad = None
            for g, v in pairs:
                v.grad = torch.as_tensor(g, dtype=v.dtype, device=v.device)
        self.step()

    def minimize(self, loss, var_list, grad_loss=None, name=None, tape=None) -> None:
        """Keras's ``minimize``: differentiate ``loss`` (a tensor, or a callable returning one)
        with respect to ``var_list`` (parameters, or a callable returning them) and step."""
        params = list(var_list() if callable(var_list) else var_list)
        value = loss() if callable(loss) else loss
        grads = torch.autograd.grad(value, params, grad_outputs=grad_loss, allow_unused=True)
        self.apply_gradients(zip(grads, params))

    def _transform_gradients(self, grads: List[Tensor]) -> List[Tensor]:
        """Keras's order: clip by value, then by norm, then by global norm (without host syncs)."""
        if self.clipvalue is None and self.clipnorm is None and self.global_clipnorm is None:
            return grads
        grads = [g.clone() for g in grads]  # never change the user's .grad tensors in place
        if self.clipvalue is not None:
            torch._foreach_clamp_min_(grads, -float(self.clipvalue))
            torch._foreach_clamp_max_(grads, float(self.clipvalue))
        if self.clipnorm is not None:
            norms = torch._foreach_norm(grads)
            # g * clipnorm / max(norm, clipnorm), as tf.clip_by_norm
            scales = [float(self.clipnorm) / torch.clamp(n, min=float(self.clipnorm)) for n in norms]
            torch._foreach_mul_(grads, scales)
        if self.global_clipnorm is not None:
            norms = torch._foreach_norm(grads)
            total = torch.linalg.vector_norm(torch.stack([n.to(torch.float32) for n in norms]))
            # clip_norm * min(1 / global_norm, 1 / clip_norm), as tf.clip_by_global_norm
            scale = float(self.global_clipnorm) * torch.minimum(
                1.0 / total, torch.tensor(1.0 / float(self.global_clipnorm), device=total.device))
            torch._foreach_mul_(grads, [scale.to(g.dtype) for g in grads])
        return grads

    def _apply(self, indices: List[int], params: List[Tensor], grads: List[Tensor],
               lr: float, t: int) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _apply.")

    # ---------------------------------------------------------------- config
    def _lr_config(self):
        if self._schedule is not None:
            return schedules.serialize(self._schedule)
        if not self._current_formulas and not self._hypers_created:
            return self._given_lr
        return float(self._lr)  # a float32 variable's value: 0.0010000000474974513

    def _hyper_config(self, name: str):
        """A hyperparameter as Keras's get_config gives it: as passed until the legacy optimizer
        made its variables (first step, or a read of ``opt.lr``/``opt.beta_1``), then their
        float32 value; tf.keras 2.11+ optimizers always give it as passed."""
        if self._current_formulas or not self._hypers_created:
            return self.__dict__["_given_hyper_" + name]
        return float(self.__dict__["_hyper_" + name])

    def get_config(self) -> dict:
        if self._current_formulas:
            # the layout of tf.keras 2.11+ optimizer configs
            return {"name": self._name, "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                    "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                    "jit_compile": False, "is_legacy_optimizer": False,
                    "learning_rate": self._lr_config()}
        cfg = {"name": self._name, "learning_rate": self._lr_config(), "decay": self._initial_decay}
        for key in ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay"):
            if getattr(self, key) is not None:
                cfg[key] = getattr(self, key)
        return cfg

    @classmethod
    def from_config(cls, config_: dict, custom_objects: Optional[dict] = None) -> "Optimizer":
        config_ = dict(config_)
        if "lr" in config_:
            config_["learning_rate"] = config_.pop("lr")
        if isinstance(config_.get("learning_rate"), dict):
            config_["learning_rate"] = schedules.deserialize(config_["learning_rate"], custom_objects)
        current = config_.pop("is_legacy_optimizer", True) is False
        opt = cls(**config_)
        opt._current_formulas = opt._current_formulas or current
        return opt

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object>"


def _default_epsilon(epsilon: Optional[float]) -> float:
    """``epsilon=None`` (Keras 2.0-2.2's default) means the backend's fuzz factor."""
    return config.epsilon() if epsilon is None else float(epsilon)
