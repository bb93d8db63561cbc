"""The ``keras.backend`` functions on images and sequences: padding, convolution, pooling,
resizing, top-k membership, functional loops and CTC.

Tensors arrive and leave in Keras layouts (channels_last unless ``data_format`` or the global
setting says otherwise; kernels as Keras stores them, e.g. ``(kh, kw, in, out)``); the torch
kernels see channels_first views.
"""
import contextlib
from typing import Callable, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .config import epsilon, normalize_data_format


def _tensor(x) -> torch.Tensor:
    from . import _t
    return _t(x)


def _tuple(value, n: int, name: str) -> Tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"`{name}` should have {n} entries; got {value}.")
    return value


def _channels_first(data_format) -> bool:
    return normalize_data_format(data_format) == "channels_first"


def _to_ncx(x: torch.Tensor, channels_first: bool) -> torch.Tensor:
    """(N, *spatial, C) -> (N, C, *spatial) view, unless already channels_first."""
    return x if channels_first else x.movedim(-1, 1)


def _from_ncx(x: torch.Tensor, channels_first: bool) -> torch.Tensor:
    return x if channels_first else x.movedim(1, -1)


def _same_pads(size: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
               dilation: Sequence[int]) -> list:
    """TF's 'same' padding as F.pad's (last dim first) list: the extra cell goes after."""
    pads = []
    for n, k, s, d in zip(size, kernel, strides, dilation):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return [p for pair in reversed(pads) for p in pair]


def _check_padding(padding: str, allowed=("valid", "same")) -> str:
    padding = str(padding).lower()
    if padding not in allowed:
        raise ValueError(f"Unknown padding: {padding!r}; expected one of {list(allowed)}.")
    return padding


# ---------------------------------------------------------------- padding / bias
def temporal_padding(x, padding=(1, 1)):
    """Zero-pad the time axis of a (batch, steps, features) tensor: (left, right) cells."""
    left, right = _tuple(padding, 2, "padding")
    return F.pad(_tensor(x), (0, 0, left, right))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zero-pad rows and columns of a 4D image tensor: ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = [_tuple(p, 2, "padding") for p in padding]
    x = _tensor(x)
    if _channels_first(data_format):
        return F.pad(x, (left, right, top, bottom))
    return F.pad(x, (0, 0, left, right, top, bottom))


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zero-pad the three spatial axes of a 5D tensor: ((d0, d1), (h0, h1), (w0, w1))."""
    (d0, d1), (h0, h1), (w0, w1) = [_tuple(p, 2, "padding") for p in padding]
    x = _tensor(x)
    if _channels_first(data_format):
        return F.pad(x, (w0, w1, h0, h1, d0, d1))
    return F.pad(x, (0, 0, w0, w1, h0, h1, d0, d1))


def bias_add(x, bias, data_format=None):
    """x + bias along the channel axis (the last one, or axis 1 for channels_first)."""
    x, bias = _tensor(x), _tensor(bias)
    if bias.ndim not in (1, x.ndim - 1):
        raise ValueError(f"Unexpected bias dimensions {bias.ndim}; expected 1 or {x.ndim - 1} "
                         f"for an input of rank {x.ndim}.")
    if _channels_first(data_format) and x.ndim > 2:
        if bias.ndim == 1:
            return x + bias.reshape((1, -1) + (1,) * (x.ndim - 2))
        return x + bias.movedim(-1, 0).unsqueeze(0)
    return x + bias


# ---------------------------------------------------------------- convolution
def _conv(x, kernel, strides, padding, data_format, dilation_rate, rank: int, groups_from_input=False):
    x, kernel = _tensor(x), _tensor(kernel)
    cf = _channels_first(data_format)
    strides = _tuple(strides, rank, "strides")
    dilation = _tuple(dilation_rate, rank, "dilation_rate")
    padding = _check_padding(padding, ("valid", "same", "causal") if rank == 1 else ("valid", "same"))
    xc = _to_ncx(x, cf)
    # Keras kernel (*k, in, out) -> torch (out, in, *k)
    w = kernel.permute(rank + 1, rank, *range(rank))
    ksize = kernel.shape[:rank]
    if padding == "causal":
        xc = F.pad(xc, ((ksize[0] - 1) * dilation[0], 0))
    elif padding == "same":
        xc = F.pad(xc, _same_pads(xc.shape[2:], ksize, strides, dilation))
    fn = (F.conv1d, F.conv2d, F.conv3d)[rank - 1]
    return _from_ncx(fn(xc, w, stride=strides, dilation=dilation), cf)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1D convolution; x (batch, steps, in), kernel (width, in, out); padding valid/same/causal."""
    return _conv(x, kernel, strides, padding, data_format, dilation_rate, 1)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2D convolution; x (batch, rows, cols, in), kernel (kh, kw, in, out)."""
    return _conv(x, kernel, strides, padding, data_format, dilation_rate, 2)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None, dilation_rate=(1, 1, 1)):
    """3D convolution; x (batch, d, h, w, in), kernel (kd, kh, kw, in, out)."""
    return _conv(x, kernel, strides, padding, data_format, dilation_rate, 3)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Per-channel 2D convolution; depthwise_kernel (kh, kw, in, multiplier) -> in*multiplier channels."""
    x, kernel = _tensor(x), _tensor(depthwise_kernel)
    cf = _channels_first(data_format)
    strides = _tuple(strides, 2, "strides")
    dilation = _tuple(dilation_rate, 2, "dilation_rate")
    kh, kw, cin, mult = kernel.shape
    xc = _to_ncx(x, cf)
    if _check_padding(padding) == "same":
        xc = F.pad(xc, _same_pads(xc.shape[2:], (kh, kw), strides, dilation))
    # output channel c*mult + m reads input channel c, as TF orders them
    w = kernel.permute(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
    return _from_ncx(F.conv2d(xc, w, stride=strides, dilation=dilation, groups=cin), cf)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    """Depthwise convolution followed by a 1x1 convolution with pointwise_kernel (1, 1, in*mult, out)."""
    y = depthwise_conv2d(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv2d(y, pointwise_kernel, (1, 1), "valid", data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Transposed 2D convolution; kernel (kh, kw, out, in); output_shape the full Keras output shape."""
    x, kernel = _tensor(x), _tensor(kernel)
    cf = _channels_first(data_format)
    strides = _tuple(strides, 2, "strides")
    dilation = _tuple(dilation_rate, 2, "dilation_rate")
    padding = _check_padding(padding)
    output_shape = [int(v) for v in (output_shape.tolist() if torch.is_tensor(output_shape) else output_shape)]
    out_hw = output_shape[2:] if cf else output_shape[1:3]
    xc = _to_ncx(x, cf)
    ksize = kernel.shape[:2]
    w = kernel.permute(3, 2, 0, 1)  # torch (in, out, kh, kw)
    # the gradient of a forward conv from out_hw to the input's size: its 'same' padding is
    # computed on out_hw, and output cell j reads cell j + pad_before of the full result
    pads = []
    for n_in, n_out, k, s, d in zip(xc.shape[2:], out_hw, ksize, strides, dilation):
        expected = -(-n_out // s) if padding == "same" else max(-(-(n_out - (k - 1) * d) // s), 0)
        if expected != n_in:
            raise ValueError(f"conv2d_transpose: output_shape {output_shape} does not fit an input of "
                             f"shape {tuple(x.shape)} with strides {strides} and padding {padding!r}.")
        total = max((expected - 1) * s + (k - 1) * d + 1 - n_out, 0) if padding == "same" else 0
        pads.append(total // 2)
    y = F.conv_transpose2d(xc, w, stride=strides, dilation=dilation)
    y = y[:, :, pads[0]:pads[0] + out_hw[0], pads[1]:pads[1] + out_hw[1]]
    if y.shape[2] < out_hw[0] or y.shape[3] < out_hw[1]:
        y = F.pad(y, (0, out_hw[1] - y.shape[3], 0, out_hw[0] - y.shape[2]))
    return _from_ncx(y, cf)


# ---------------------------------------------------------------- pooling / resizing
def _pool(x, pool_size, strides, padding, data_format, pool_mode, rank):
    x = _tensor(x)
    cf = _channels_first(data_format)
    pool_size = _tuple(pool_size, rank, "pool_size")
    strides = _tuple(strides, rank, "strides")
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pool_mode: {pool_mode!r}; expected 'max' or 'avg'.")
    xc = _to_ncx(x, cf)
    if _check_padding(padding) == "same":
        pads = _same_pads(xc.shape[2:], pool_size, strides, (1,) * rank)
        if pool_mode == "max":
            xc = F.pad(xc, pads, value=float("-inf"))
            y = (F.max_pool2d if rank == 2 else F.max_pool3d)(xc, pool_size, strides)
        else:
            # TF's 'same' average divides by the cells inside the input only
            ones = F.pad(torch.ones_like(xc[:1, :1]), pads)
            avg = F.avg_pool2d if rank == 2 else F.avg_pool3d
            y = avg(F.pad(xc, pads), pool_size, strides) / avg(ones, pool_size, strides)
    else:
        fn = {("max", 2): F.max_pool2d, ("max", 3): F.max_pool3d,
              ("avg", 2): F.avg_pool2d, ("avg", 3): F.avg_pool3d}[(pool_mode, rank)]
        y = fn(xc, pool_size, strides)
    return _from_ncx(y, cf)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2D max or average pooling of a 4D tensor."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 2)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    """3D max or average pooling of a 5D tensor."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 3)


def resize_images(x, height_factor: int, width_factor: int, data_format=None, interpolation="nearest"):
    """Upsample rows and columns of a 4D tensor by integer factors ('nearest' or 'bilinear')."""
    x = _tensor(x)
    cf = _channels_first(data_format)
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"interpolation should be 'nearest' or 'bilinear'; got {interpolation!r}.")
    xc = _to_ncx(x, cf)
    size = (xc.shape[2] * int(height_factor), xc.shape[3] * int(width_factor))
    if interpolation == "nearest":
        y = F.interpolate(xc, size=size, mode="nearest")
    else:
        y = F.interpolate(xc, size=size, mode="bilinear", align_corners=False)
    return _from_ncx(y, cf)


def resize_volumes(x, depth_factor: int, height_factor: int, width_factor: int, data_format=None):
    """Repeat the three spatial axes of a 5D tensor by integer factors."""
    x = _tensor(x)
    axes = (2, 3, 4) if _channels_first(data_format) else (1, 2, 3)
    for axis, f in zip(axes, (depth_factor, height_factor, width_factor)):
        x = torch.repeat_interleave(x, int(f), dim=axis)
    return x


# ---------------------------------------------------------------- top-k, loops, misc
def in_top_k(predictions, targets, k: int):
    """(batch,) bool: whether each target class is among the k largest predictions.

    As TF: ties with the k-th value count as inside; a row with non-finite predictions is False.
    """
    p = _tensor(predictions)
    t = _tensor(targets).long().reshape(-1)
    target_value = p.gather(1, t[:, None])
    larger = (p > target_value).sum(dim=1)
    finite = torch.isfinite(p).all(dim=1)
    return (larger < int(k)) & finite


def map_fn(fn: Callable, elems, name=None, dtype=None):
    """fn applied to each slice of elems along axis 0, results stacked."""
    out = torch.stack([_tensor(fn(e)) for e in _tensor(elems)])
    if dtype is not None:
        from .config import torch_dtype
        out = out.to(torch_dtype(dtype))
    return out


def foldl(fn: Callable, elems, initializer=None, name=None):
    """Reduce elems along axis 0 from the left: acc = fn(acc, x)."""
    elems = _tensor(elems)
    acc, start = (elems[0], 1) if initializer is None else (_tensor(initializer), 0)
    for e in elems[start:]:
        acc = fn(acc, e)
    return acc


def foldr(fn: Callable, elems, initializer=None, name=None):
    """Reduce elems along axis 0 from the right: acc = fn(acc, x)."""
    return foldl(fn, torch.flip(_tensor(elems), dims=[0]), initializer, name)


def name_scope(name: str):
    """A context manager, for code that groups ops by name; names have no effect on torch."""
    return contextlib.nullcontext(name)


def is_sparse(tensor) -> bool:
    return bool(getattr(tensor, "is_sparse", False))


def to_dense(tensor):
    return tensor.to_dense() if is_sparse(tensor) else tensor


# ---------------------------------------------------------------- CTC
def _lengths(v) -> torch.Tensor:
    return _tensor(v).reshape(-1).long()


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per sample, shape (batch, 1).

    y_true (batch, max_label_len) int labels; y_pred (batch, time, classes) softmax outputs whose
    last class is the blank; input_length/label_length (batch, 1).
    """
    y_pred = _tensor(y_pred)
    labels = _tensor(y_true).long()
    in_len, lab_len = _lengths(input_length), _lengths(label_length)
    # as Keras: log(y_pred + epsilon), renormalised the way TF's ctc_loss softmaxes its inputs
    log_probs = torch.log_softmax(torch.log(y_pred + epsilon()), dim=-1).transpose(0, 1)
    loss = F.ctc_loss(log_probs.float(), labels, in_len, lab_len, blank=y_pred.shape[-1] - 1,
                      reduction="none", zero_infinity=False)
    return loss.to(y_pred.dtype).unsqueeze(1)


def ctc_decode(y_pred, input_length, greedy: bool = True, beam_width: int = 100, top_paths: int = 1):
    """Best-path CTC decoding: ([decoded (batch, time) padded with -1], log_prob (batch, 1)).

    Repeated labels are merged and blanks (the last class) dropped; log_prob is the negated sum
    of each step's largest log-probability, as TF's greedy decoder reports it.
    """
    if not greedy:
        raise NotImplementedError("ctc_decode(greedy=False) (beam search) is not implemented; "
                                  "use greedy=True.")
    y_pred = _tensor(y_pred)
    in_len = _lengths(input_length)
    blank = y_pred.shape[-1] - 1
    logp = torch.log(y_pred.transpose(0, 1) + epsilon()).transpose(0, 1)
    best_val, best = logp.max(dim=-1)
    sequences, scores = [], []
    for i in range(y_pred.shape[0]):
        n = int(in_len[i])
        path = best[i, :n].tolist()
        seq = [c for j, c in enumerate(path) if c != blank and (j == 0 or c != path[j - 1])]
        sequences.append(seq)
        scores.append(-float(best_val[i, :n].sum()))
    # as Keras: one column per time step, -1 after each decoded sequence
    dense = torch.full((len(sequences), y_pred.shape[1]), -1, dtype=torch.int64)
    for i, s in enumerate(sequences):
        dense[i, :len(s)] = torch.tensor(s, dtype=torch.int64)
    return [dense], torch.tensor(scores, dtype=y_pred.dtype).unsqueeze(1)


# ---------------------------------------------------------------- recurrence
def rnn(step_function: Callable, inputs, initial_states, go_backwards: bool = False, mask=None,
        constants=None, unroll: bool = False, input_length=None, time_major: bool = False,
        zero_output_for_mask: bool = False, return_all_outputs: bool = True):
    """Run ``step_function(input_t, states + constants) -> (output_t, new_states)`` over time.

    inputs: (batch, time, ...) (time first when ``time_major``); mask: (batch, time) booleans.
    A masked step keeps the previous states and repeats the previous output (zeros with
    ``zero_output_for_mask``). Returns ``(last_output, outputs, new_states)``; outputs are
    stacked in the order the steps ran (reversed when ``go_backwards``), as Keras does.
    """
    x = _tensor(inputs)
    if not time_major:
        x = x.transpose(0, 1)
    steps = list(x.unbind(0))
    masks = None
    if mask is not None:
        m = _tensor(mask).bool()
        if m.ndim == 3:
            m = m[..., 0]
        masks = list((m if time_major else m.transpose(0, 1)).unbind(0))
    if go_backwards:
        steps = steps[::-1]
        masks = masks[::-1] if masks is not None else None
    states = [_tensor(s) for s in initial_states]
    constants = list(constants or [])
    outputs, prev_output = [], None
    for t, x_t in enumerate(steps):
        output, new_states = step_function(x_t, tuple(states) + tuple(constants))
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if masks is not None:
            keep = masks[t].reshape((-1,) + (1,) * (output.ndim - 1))
            if prev_output is None:
                prev_output = torch.zeros_like(output)
            fallback = torch.zeros_like(output) if zero_output_for_mask else prev_output
            output = torch.where(keep, output, fallback)
            new_states = [torch.where(masks[t].reshape((-1,) + (1,) * (n.ndim - 1)), n, s)
                          for n, s in zip(new_states, states)]
        states = new_states
        prev_output = output
        if return_all_outputs or t == len(steps) - 1:
            outputs.append(output)
    stacked = torch.stack(outputs, dim=0 if time_major else 1)
    return outputs[-1], stacked, states
