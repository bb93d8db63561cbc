"""``model.summary()``: Keras 2's table of layers, output shapes, parameter counts and links."""
from typing import Callable, List, Optional

import numpy as np

_LINE_BREAKS = ("),", "},", "],", "',")


def count_params(weights) -> int:
    unique = {id(w.param) if hasattr(w, "param") else id(w): w for w in weights}.values()
    return int(sum(np.prod(w.shape, dtype=np.int64) for w in unique))


def _memory_size(weights) -> int:
    unique = {id(w.param): w for w in weights}.values()
    return int(sum(np.prod(w.shape, dtype=np.int64) * w.param.element_size() for w in unique))


def _readable_size(size: float) -> str:
    for unit in ("Byte", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _format_row(fields, positions: List[int], nested_level: int = 0) -> List[str]:
    """One table row, wrapped over several lines the way Keras wraps long cells."""
    left = [str(f) for f in fields]
    lines = []
    while any(left):
        line = ""
        for col, text in enumerate(left):
            start = positions[col - 1] if col else 0
            last = col == len(positions) - 1
            gap = 0 if last else 2
            cutoff = positions[col] - start - gap - (0 if last else 1) - (nested_level if col == 0 else 0)
            piece = text[:cutoff]
            breaks = [piece.find(b) + len(b) for b in _LINE_BREAKS if piece.find(b) >= 0]
            if breaks:
                cutoff = min(breaks)
                piece = piece[:cutoff]
            if col == 0:
                line += "|" * nested_level + " "
            line += piece + " " * gap
            left[col] = text[cutoff:]
            width = positions[col] - len(line) - (nested_level if nested_level and last else 0)
            line += " " * width
        lines.append(line + "|" * nested_level)
    return lines


def _is_sequential_like(model) -> bool:
    from ..engine.sequential import Sequential
    if isinstance(model, Sequential) or not getattr(model, "_is_graph_network", False):
        return True
    plan_nodes = [step.node for step in model._plan]
    depths = {}
    for step in model._plan:
        if len(step.node.input_tensors) > 1:
            return False
    seen_layers = set()
    for node in plan_nodes:
        if id(node.layer) in seen_layers:
            return False
        seen_layers.add(id(node.layer))
    del depths
    return len(model.inputs) == 1 and _single_chain(model)


def _single_chain(model) -> bool:
    consumers = {}
    for step in model._plan:
        for t in step.node.input_tensors:
            consumers[id(t)] = consumers.get(id(t), 0) + 1
    return all(c == 1 for c in consumers.values()) and len(model.outputs) == 1


def _output_shape(layer):
    try:
        return layer.output_shape
    except AttributeError:
        return "multiple"


def _connections(layer, model_nodes) -> list:
    links = []
    for node in layer._inbound_nodes:
        if id(node) not in model_nodes:
            continue
        for t in node.input_tensors:
            src, node_index, tensor_index = t._history
            links.append(f"{src.name}[{node_index}][{tensor_index}]")
    return links


def print_summary(model, line_length: Optional[int] = None, positions=None,
                  print_fn: Optional[Callable] = None, expand_nested: bool = False,
                  show_trainable: bool = False) -> None:
    """Print the model's layers as tf.keras 2 does (Sequential-like or with connections)."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.3, 0.6, 0.70, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:
        line_length += 11
        positions = list(positions) + [line_length]
        header.append("Trainable")
    model_nodes = set()
    for layer in model.layers:
        for node in layer._inbound_nodes:
            if any(node is step.node for step in getattr(model, "_plan", [])) or not node.input_tensors:
                model_nodes.add(id(node))

    def emit(lines):
        for line in lines:
            print_fn(line)

    def row(layer, nested_level=0):
        params = layer.count_params() if layer.built else "0 (unused)"
        fields = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer), params]
        if not sequential_like:
            fields.append(_connections(layer, model_nodes))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        emit(_format_row(fields, positions, nested_level))

    def show(layer, nested_level=0, is_last=False):
        row(layer, nested_level)
        if expand_nested and getattr(layer, "layers", None):
            print_fn("|" * (nested_level + 1) + "¯" * (line_length - 2 * nested_level - 2) + "|" * (nested_level + 1))
            inner = layer.layers
            for i, sub in enumerate(inner):
                show(sub, nested_level + 1, i == len(inner) - 1)
            print_fn("|" * nested_level + "¯" * (line_length - 2 * nested_level) + "|" * nested_level)
            is_last = True  # as tf.keras: the closing rule of an expanded model replaces the blank line
        if not is_last:
            print_fn("|" * nested_level + " " * (line_length - 2 * nested_level) + "|" * nested_level)

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    emit(_format_row(header, positions))
    print_fn("=" * line_length)
    for layer in model.layers:
        show(layer)
    print_fn("=" * line_length)
    trainable, non_trainable = model.trainable_weights, model.non_trainable_weights
    t_count, n_count = count_params(trainable), count_params(non_trainable)
    t_size, n_size = _memory_size(trainable), _memory_size(non_trainable)
    print_fn(f"Total params: {t_count + n_count} ({_readable_size(t_size + n_size)})")
    print_fn(f"Trainable params: {t_count} ({_readable_size(t_size)})")
    print_fn(f"Non-trainable params: {n_count} ({_readable_size(n_size)})")
    print_fn("_" * line_length)
