"""What ``compile`` sets up: per-output losses, their weights, and the metrics, named as Keras 2.

``LossesContainer`` turns (y_true, y_pred, sample_weight) for every output into the total training
loss; ``MetricsContainer`` keeps the compiled metrics, created on the first batch when the shapes
of targets and predictions are known (as tf.keras does).
"""
from typing import List, Optional

import torch

from .. import losses as losses_mod
from .. import metrics as metrics_mod


def _per_output(value, output_names: List[str], what: str, default=None):
    """Spread a compile argument over outputs: one value for all, a list, or a dict by name."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in output_names]
        if unknown:
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only expected the "
                             f"following keys: {output_names}")
        return [value.get(name, default) for name in output_names]
    if isinstance(value, (list, tuple)) and what != "metrics":
        if len(value) != n:
            raise ValueError(f"When passing a list as {what}, it should have one entry per model "
                             f"output. The model has {n} outputs, but you passed {what}={value!r}")
        return list(value)
    return [value] * n


def _step_lists(output_names: list, y_true, y_pred, sample_weight):
    """Targets, predictions and sample weights from a user's ``train_step`` (a tensor, a list in
    output order or a dict by output name) as lists in output order, targets as tensors on
    their prediction's device."""
    def as_list(values):
        if isinstance(values, dict):
            return [values.get(n) for n in output_names]
        if isinstance(values, (list, tuple)) and len(output_names) > 1:
            return list(values)
        return [values]
    pred_list = as_list(y_pred)
    y_list = [None if t is None else torch.as_tensor(t, device=p.device)
              for t, p in zip(as_list(y_true), pred_list)]
    sw_list = as_list(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) \
        else [sample_weight] * len(pred_list)
    return y_list, pred_list, sw_list


class LossesContainer:
    def __init__(self, loss, loss_weights, output_names: List[str]):
        self.output_names = output_names
        raw = _per_output(loss, output_names, "loss")
        self.loss_fns = [None if l is None else losses_mod.get(l) for l in raw]
        self._loss_objects = [None if f is None else f if isinstance(f, losses_mod.Loss)
                              else losses_mod.LossFunctionWrapper(f, name=getattr(f, "__name__", None))
                              for f in self.loss_fns]
        if all(f is None for f in self.loss_fns):
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        weights = _per_output(loss_weights, output_names, "loss_weights", default=1.0) \
            if loss_weights is not None else [1.0] * len(output_names)
        self.loss_weights = [1.0 if w is None else float(w) for w in weights]
        multi = len(output_names) > 1
        self.names = ["loss"] + ([f"{n}_loss" for n, f in zip(output_names, self.loss_fns) if f is not None]
                                 if multi else [])
        self.trackers = [metrics_mod.Mean(name=n) for n in self.names]
        self.built = False  # as tf.keras: the loss trackers count as metrics once a batch has run

    @property
    def metrics(self) -> list:
        return list(self.trackers) if self.built else []

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        """tf.keras's ``model.compiled_loss(y, y_pred, sample_weight, regularization_losses)`` for
        a user's ``train_step``: targets/predictions/weights as a tensor, a list in output order or
        a dict by output name. Returns the total loss and updates the loss trackers."""
        y_list, pred_list, sw_list = _step_lists(self.output_names, y_true, y_pred, sample_weight)
        total, per_output = self.compute(y_list, pred_list, sw_list, list(regularization_losses or []))
        self.update_trackers(total, per_output, int(pred_list[0].shape[0]))
        return total

    def compute(self, y_true: list, y_pred: list, sample_weights: list, regularization: list):
        """(total loss, per-output losses) of lists in output order; the trackers are not touched."""
        total, per_output = None, []
        for fn, w, yt, yp, sw in zip(self._loss_objects, self.loss_weights, y_true, y_pred, sample_weights):
            if fn is None:
                continue
            if yt is None:
                raise ValueError("Target data is missing for an output that has a loss. Your model "
                                 "has a loss for each output; pass targets for every output.")
            if yt.ndim == 1 and yp.ndim == 2:  # labels (n,) against predictions (n, 1), as tf.keras
                yt, sw = _match_rank(yt, yp, sw)
            value = fn(yt, yp, sample_weight=sw)
            per_output.append(value)
            term = value if w == 1.0 else w * value
            total = term if total is None else total + term
        for penalty in regularization:  # weight/activity penalties, as 0-d tensors of the loss's dtype
            total = total + (penalty.reshape(()).to(total.dtype) if torch.is_tensor(penalty) else penalty)
        return total, per_output

    def update_trackers(self, total, per_output, batch_size: int) -> None:
        values = [total] + (per_output if len(self.trackers) > 1 else [])
        for tracker, v in zip(self.trackers, values):
            tracker.update_state(v.detach(), sample_weight=batch_size)
        self.built = True


class MetricsContainer:
    def __init__(self, metrics, weighted_metrics, output_names: List[str], loss_fns):
        self.output_names = output_names
        self._metrics_arg = _per_output(metrics, output_names, "metrics", default=[])
        self._weighted_arg = _per_output(weighted_metrics, output_names, "metrics", default=[]) \
            if weighted_metrics is not None else [[] for _ in output_names]
        self._loss_fns = loss_fns
        self.built = False
        self.per_output: List[list] = []  # for each output: list of (metric, weighted)

    def build(self, y_true: list, y_pred: list) -> None:
        multi = len(self.output_names) > 1
        self.per_output = []
        for i, name in enumerate(self.output_names):
            entries = []
            for arg, weighted in ((self._metrics_arg[i], False), (self._weighted_arg[i], True)):
                items = arg if isinstance(arg, (list, tuple)) else [arg]
                for m in items:
                    if m is None or y_true[i] is None:
                        continue
                    metric = metrics_mod.resolve(m, tuple(y_true[i].shape), tuple(y_pred[i].shape),
                                                 self._loss_fns[i])
                    entries.append((metric, weighted))
            self.per_output.append(entries)
        self._set_names(multi)
        self.built = True

    def _set_names(self, multi: bool) -> None:
        """tf.keras's names: '<output>_' before each metric of a multi-output model; 'weighted_'
        before a weighted metric only when an unweighted one already has its name."""
        taken = set()
        for name, entries in zip(self.output_names, self.per_output):
            for metric, weighted in sorted(entries, key=lambda e: e[1]):  # unweighted ones first
                base = metric.name
                full = f"{name}_{base}" if multi else base
                if weighted and full in taken:
                    full = f"{name}_weighted_{base}" if multi else f"weighted_{base}"
                if full in taken:
                    raise ValueError(f"Found two metrics with the same name: {full}. All the metrics "
                                     "added to the model need to have unique names.")
                metric._name_override = full if full != base else None  # None: a recompile's fresh name
                taken.add(full)

    @property
    def metrics(self) -> list:
        return [m for entries in self.per_output for m, _ in entries]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """tf.keras's ``model.compiled_metrics.update_state(y, y_pred, sample_weight)`` for a
        user's ``train_step``: tensors, lists in output order or dicts by output name."""
        y_list, pred_list, sw_list = _step_lists(self.output_names, y_true, y_pred, sample_weight)
        pred_list = [p.detach() for p in pred_list]
        if not self.built:
            self.build(y_list, pred_list)
        self.update(y_list, pred_list, sw_list)

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def update(self, y_true: list, y_pred: list, sample_weights: list) -> None:
        for entries, yt, yp, sw in zip(self.per_output, y_true, y_pred, sample_weights):
            if not entries:
                continue
            yt, sw = _match_rank(yt, yp, sw)
            mask = getattr(yp, "_keras_mask", None)
            unweighted = None
            if mask is not None:  # masked timesteps count for no metric, as in tf.keras
                mask = mask.to(yp.dtype)
                unweighted = mask
                sw = mask if sw is None else sw * mask.reshape(mask.shape + (1,) * (sw.ndim - mask.ndim))
            for metric, weighted in entries:
                metric.update_state(yt, yp, sample_weight=sw if weighted else unweighted)


def _match_rank(y_true, y_pred, sample_weight):
    """Labels of shape (n,) against predictions of shape (n, 1) are compared as (n, 1), as tf.keras does."""
    if y_true is not None and y_true.ndim == 1 and y_pred.ndim == 2:
        y_true = y_true.unsqueeze(-1)
    if sample_weight is not None and sample_weight.ndim == 1 and y_pred.ndim == 2:
        sample_weight = sample_weight.unsqueeze(-1)
    return y_true, sample_weight


def metric_name(metric) -> str:
    return getattr(metric, "_name_override", None) or metric.name
