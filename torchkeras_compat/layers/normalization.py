"""BatchNormalization and LayerNormalization with Keras's defaults and statistics."""
from typing import List

import torch
import torch.nn.functional as F

from .. import constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer


def _axes_list(axis, rank: int, name: str) -> List[int]:
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    out = []
    for a in axes:
        a = int(a)
        if not -rank <= a < rank:
            raise ValueError(f"Layer {name}: invalid axis {axis!r} for input of rank {rank}.")
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ValueError(f"Layer {name}: duplicate axis in {axis!r}.")
    return sorted(out)


def _param_view(param: torch.Tensor, axes: List[int], rank: int) -> torch.Tensor:
    """Reshape a parameter over ``axes`` so that it broadcasts against a rank-``rank`` input."""
    shape = [1] * rank
    for a, d in zip(axes, param.shape):
        shape[a] = d
    return param.reshape(shape)


@registry.register("layer", "BatchNormalizationV2", "BatchNormalizationV1")
class BatchNormalization(Layer):
    """Normalises each feature (along ``axis``) with batch statistics in training and moving
    statistics in inference: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    Moving statistics follow Keras: ``moving = moving * momentum + batch * (1 - momentum)``, with
    the unbiased batch variance where tf.keras uses its fused kernel (4D/5D inputs normalised
    along the first or last axis) and the biased one otherwise. As in TF2, a layer with
    ``trainable=False`` always runs in inference mode. Weights: gamma, beta (if scale/center),
    moving_mean, moving_variance, each of shape ``(channels,)``.
    """

    def __init__(self, axis=-1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm: bool = False, renorm_clipping=None,
                 renorm_momentum: float = 0.99, fused=None, virtual_batch_size=None,
                 adjustment=None, synchronized: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.renorm = bool(renorm)
        self.renorm_clipping = dict(renorm_clipping or {})
        unknown = set(self.renorm_clipping) - {"rmin", "rmax", "dmax"}
        if unknown:
            raise ValueError(f"Layer {self.name}: renorm_clipping contains invalid keys {sorted(unknown)}; "
                             "the keys are 'rmin', 'rmax' and 'dmax'.")
        self.renorm_momentum = float(renorm_momentum)
        if virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError(f"Layer {self.name}: virtual_batch_size/adjustment are not "
                                      "supported by BatchNormalization here.")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        if rank < 2 and not isinstance(self.axis, list):
            raise ValueError(f"Layer {self.name}: BatchNormalization needs inputs of rank >= 2; "
                             f"received input shape {tuple(input_shape)}.")
        self._axes = _axes_list(self.axis, rank, self.name)
        self.axis = list(self._axes)  # tf.keras writes the resolved axes (e.g. [3]) once built
        if 0 in self._axes:
            raise ValueError(f"Layer {self.name}: axis={self.axis} includes the batch axis.")
        sizes = [input_shape[a] for a in self._axes]
        if any(s is None for s in sizes):
            raise ValueError(f"Layer {self.name}: axis {self.axis} of input tensor should have a "
                             f"defined dimension but the layer received an input with shape "
                             f"{tuple(input_shape)}.")
        shape = tuple(int(s) for s in sizes)
        self.input_spec = InputSpec(ndim=rank, axes={a: int(input_shape[a]) for a in self._axes})
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape, initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        if self.renorm:
            self._add_renorm_weights(shape)
        # tf.keras's fused kernel (4D/5D, channels first or last) updates with the unbiased variance;
        # renorm turns the fused kernel off
        self._unbiased_update = rank in (4, 5) and self._axes in ([1], [rank - 1]) and not self.renorm
        self.built = True

    def _add_renorm_weights(self, shape) -> None:
        """Batch renormalization's state: the moving stddev (from which the moving variance is
        derived) and the renorm mean/stddev that the r/d corrections are taken against."""
        def sqrt_of(init):
            return lambda shape, dtype=None: torch.sqrt(torch.as_tensor(init(shape, dtype=dtype)))

        stddev_init = sqrt_of(self.moving_variance_initializer)
        self.moving_stddev = self.add_weight("moving_stddev", shape, initializer=stddev_init, trainable=False)
        self.renorm_mean = self.add_weight("renorm_mean", shape, initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.renorm_stddev = self.add_weight("renorm_stddev", shape, initializer=stddev_init, trainable=False)

    def call(self, inputs, training=None):
        x = inputs if inputs.is_floating_point() else inputs.to(self.moving_mean.dtype)
        training = bool(training) and self.trainable
        if training and self.renorm:
            return self._renorm_training(x)
        if len(self._axes) == 1:
            return self._single_axis(x, self._axes[0], training)
        return self._many_axes(x, training)

    def _single_axis(self, x, axis: int, training: bool):
        xc = x.movedim(axis, 1) if axis != 1 else x  # a free view: channels where torch wants them
        if not training:
            y = F.batch_norm(xc, self.moving_mean, self.moving_variance, self.gamma, self.beta,
                             False, 0.0, self.epsilon)
        elif self._unbiased_update:
            # torch's momentum is Keras's (1 - momentum); both use the unbiased variance here
            y = F.batch_norm(xc, self.moving_mean, self.moving_variance, self.gamma, self.beta,
                             True, 1.0 - self.momentum, self.epsilon)
        else:
            y = F.batch_norm(xc, None, None, self.gamma, self.beta, True, 0.0, self.epsilon)
            reduce = [d for d in range(xc.dim()) if d != 1]
            self._update_moving(xc.mean(dim=reduce), xc.var(dim=reduce, unbiased=False))
        return y.movedim(1, axis) if axis != 1 else y

    def _many_axes(self, x, training: bool):
        rank = x.dim()
        reduce = [d for d in range(rank) if d not in self._axes]
        if training:
            mean = x.mean(dim=reduce, keepdim=True)
            var = x.var(dim=reduce, unbiased=False, keepdim=True)
            self._update_moving(mean.reshape(self.moving_mean.shape), var.reshape(self.moving_variance.shape))
        else:
            mean = _param_view(self.moving_mean, self._axes, rank)
            var = _param_view(self.moving_variance, self._axes, rank)
        y = (x - mean) * torch.rsqrt(var + self.epsilon)
        if self.gamma is not None:
            y = y * _param_view(self.gamma, self._axes, rank)
        if self.beta is not None:
            y = y + _param_view(self.beta, self._axes, rank)
        return y

    def _renorm_training(self, x):
        """Batch renormalization (Ioffe 2017) as tf.keras: batch statistics corrected by
        ``r = stddev / renorm_stddev`` and ``d = (mean - renorm_mean) / renorm_stddev`` (clipped,
        no gradient), i.e. scale ``r * gamma`` and offset ``d * gamma + beta``."""
        rank = x.dim()
        reduce = [d for d in range(rank) if d not in self._axes]
        mean = x.mean(dim=reduce)
        var = x.var(dim=reduce, unbiased=False)
        stddev = torch.sqrt(var + self.epsilon)
        with torch.no_grad():
            ref_stddev = torch.clamp(self.renorm_stddev, min=self.epsilon ** 0.5)
            r = stddev / ref_stddev
            d = (mean - self.renorm_mean) / ref_stddev
            clip = self.renorm_clipping
            if clip.get("rmin") is not None:
                r = torch.clamp(r, min=clip["rmin"])
            if clip.get("rmax") is not None:
                r = torch.clamp(r, max=clip["rmax"])
            if clip.get("dmax") is not None:
                d = torch.clamp(d, -clip["dmax"], clip["dmax"])
            rm, m = self.renorm_momentum, self.momentum
            self.renorm_mean.mul_(rm).add_(mean.detach() * (1.0 - rm))
            self.renorm_stddev.mul_(rm).add_(stddev.detach() * (1.0 - rm))
            self.moving_mean.mul_(m).add_(mean.detach() * (1.0 - m))
            self.moving_stddev.mul_(m).add_(stddev.detach() * (1.0 - m))
            self.moving_variance.copy_(torch.relu(self.moving_stddev * self.moving_stddev - self.epsilon))
        scale = r if self.gamma is None else r * self.gamma
        offset = d if self.gamma is None else d * self.gamma
        if self.beta is not None:
            offset = offset + self.beta
        view = [1] * rank
        for a in self._axes:
            view[a] = x.shape[a]
        y = (x - mean.reshape(view)) * torch.rsqrt(var.reshape(view) + self.epsilon)
        return y * scale.reshape(view) + offset.reshape(view)

    def _update_moving(self, mean, var) -> None:
        m = self.momentum
        with torch.no_grad():
            self.moving_mean.mul_(m).add_(mean.detach() * (1.0 - m))
            self.moving_variance.mul_(m).add_(var.detach() * (1.0 - m))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        if self.renorm:  # tf.keras writes these three keys only for renorm
            config.update({"renorm": True, "renorm_clipping": self.renorm_clipping,
                           "renorm_momentum": self.renorm_momentum})
        return config


@registry.register("layer")
class LayerNormalization(Layer):
    """Normalises each sample over ``axis`` (default last; an int or a list):
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the sample's own statistics.

    gamma and beta have the shape of the normalised axes.
    """

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        self._axes = _axes_list(self.axis, rank, self.name)
        self.axis = list(self._axes)
        sizes = [input_shape[a] for a in self._axes]
        if any(s is None for s in sizes):
            raise ValueError(f"Layer {self.name}: the normalised axes {self.axis} of the input must "
                             f"have known sizes; received input shape {tuple(input_shape)}.")
        shape = tuple(int(s) for s in sizes)
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        # trailing contiguous axes: torch's fused layer_norm computes exactly this
        self._trailing = self._axes == list(range(rank - len(self._axes), rank))
        self.built = True

    def call(self, inputs):
        x = inputs if inputs.is_floating_point() else inputs.to(torch.get_default_dtype())
        if self._trailing:
            shape = tuple(x.shape[a] for a in self._axes)
            return F.layer_norm(x, shape, self.gamma, self.beta, self.epsilon)
        rank = x.dim()
        mean = x.mean(dim=self._axes, keepdim=True)
        var = x.var(dim=self._axes, unbiased=False, keepdim=True)
        y = (x - mean) * torch.rsqrt(var + self.epsilon)
        if self.gamma is not None:
            y = y * _param_view(self.gamma, self._axes, rank)
        if self.beta is not None:
            y = y + _param_view(self.beta, self._axes, rank)
        return y

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config


@registry.register("layer")
class GroupNormalization(Layer):
    """Normalizes each sample over groups of channels: the ``axis`` channels are split into
    ``groups`` groups, each normalized with the mean/variance over its channels and every
    non-batch axis, then scaled by ``gamma`` and shifted by ``beta`` (per channel, shape (C,)).
    ``groups=-1`` gives instance normalization, ``groups=1`` layer normalization over all axes.
    """

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.groups, self.axis, self.epsilon = int(groups), int(axis), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(f"Layer {self.name}: axis {self.axis} of input tensor should have a "
                             f"defined dimension but the layer received an input with shape {tuple(input_shape)}.")
        channels = int(channels)
        groups = channels if self.groups == -1 else self.groups
        if groups > channels or channels % groups:
            raise ValueError(f"Layer {self.name}: number of groups ({groups}) must divide the number of "
                             f"channels ({channels}) and be at most that number.")
        self._groups = groups
        self.gamma = self.add_weight("gamma", (channels,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", (channels,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.built = True

    def call(self, inputs):
        x = inputs.movedim(self.axis, -1)  # channels last
        shape = x.shape
        g = self._groups
        grouped = x.reshape(tuple(shape[:-1]) + (g, shape[-1] // g))
        axes = tuple(range(1, grouped.dim() - 2)) + (grouped.dim() - 1,)  # all but batch and group
        var, mean = torch.var_mean(grouped, dim=axes, keepdim=True, unbiased=False)
        y = ((grouped - mean) * torch.rsqrt(var + self.epsilon)).reshape(shape)
        if self.gamma is not None:
            y = y * self.gamma
        if self.beta is not None:
            y = y + self.beta
        return y.movedim(-1, self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale, "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config


@registry.register("layer")
class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm along ``axis``: ``x / sqrt(max(sum(x**2), 1e-12))``."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)

    def call(self, inputs):
        dims = self.axis if isinstance(self.axis, list) else [self.axis]
        sq = torch.sum(inputs * inputs, dim=dims, keepdim=True)
        return inputs * torch.rsqrt(torch.clamp(sq, min=1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
