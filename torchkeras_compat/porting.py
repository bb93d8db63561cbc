"""``python -m torchkeras_compat check SCRIPT.py|NOTEBOOK.ipynb``: a porting report.

The code is read with :mod:`ast`, never run. Every Keras name it uses is listed with its line and
whether this package has it:

- imports from ``keras``/``tensorflow.keras`` (``from keras.layers import Dense``,
  ``from keras import backend as K``, ``import tensorflow as tf``);
- attribute chains rooted at those imports (``keras.layers.Dense``, ``K.epsilon``,
  ``tf.keras.optimizers.Adam``);
- Keras identifiers written as strings where Keras resolves them by name
  (``loss='binary_crossentropy'``, ``optimizer='adam'``, ``metrics=['accuracy']``,
  ``activation='relu'``, ``kernel_initializer='he_normal'``, ...).

A name is supported when ``torchkeras_compat`` resolves it (import + getattr; strings through the
same ``get`` functions ``compile`` and the layers use). Exit status: 0 when every name is
supported, 1 when some are not, 2 when the file cannot be read or parsed.
"""
import argparse
import ast
import difflib
import importlib
import json
import os
import sys
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

PACKAGE = "torchkeras_compat"
# Roots under which the Keras API lives; each maps to the ``keras`` namespace.
KERAS_ROOTS = ("tensorflow.python.keras", "tensorflow.keras", "keras")
# Metric names that ``compile`` resolves itself (output-shape dependent).
COMPILE_METRIC_NAMES = {"accuracy", "acc", "crossentropy", "ce"}
# Keyword arguments whose string values Keras resolves by name, and the module that resolves them.
STRING_ARGS = {
    "loss": "losses", "optimizer": "optimizers", "metrics": "metrics",
    "weighted_metrics": "metrics", "activation": "activations",
    "recurrent_activation": "activations",
    "kernel_initializer": "initializers", "bias_initializer": "initializers",
    "recurrent_initializer": "initializers", "embeddings_initializer": "initializers",
    "depthwise_initializer": "initializers", "pointwise_initializer": "initializers",
    "gamma_initializer": "initializers", "beta_initializer": "initializers",
    "moving_mean_initializer": "initializers", "moving_variance_initializer": "initializers",
    "init": "initializers",
    "kernel_regularizer": "regularizers", "bias_regularizer": "regularizers",
    "activity_regularizer": "regularizers", "recurrent_regularizer": "regularizers",
    "kernel_constraint": "constraints", "bias_constraint": "constraints",
    "recurrent_constraint": "constraints",
}
# Positional strings: ``model.compile('adam', 'mse')`` and ``Activation('relu')``.
POSITIONAL_STRINGS = {"compile": ("optimizers", "losses", "metrics"), "Activation": ("activations",)}


@dataclass
class Finding:
    """One use of a Keras name: where, what, and whether this package supports it."""
    where: str          # "line 3" or "cell 2, line 3"
    sort_key: Tuple[int, int]
    name: str           # in the ``keras.`` namespace, or a quoted string identifier
    supported: bool
    detail: str = ""


# --- reading scripts and notebooks ------------------------------------------------------------

def _strip_magics(source: str) -> str:
    """Blank IPython-only lines (``%matplotlib``, ``!pip``) so the cell still parses; keep lines."""
    lines = source.split("\n")
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)


def read_sources(path: str) -> List[Tuple[Optional[int], str]]:
    """``[(cell_number_or_None, code), ...]``: one entry for a script, one per code cell."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not path.endswith(".ipynb"):
        return [(None, text)]
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not a notebook (invalid JSON: {e})") from None
    cells = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            cells.append((number, _strip_magics("".join(src) if isinstance(src, list) else src)))
    return cells


# --- collecting names -------------------------------------------------------------------------

def _keras_name(dotted: str) -> Optional[str]:
    """``tensorflow.keras.layers.Dense`` -> ``keras.layers.Dense``; None for non-Keras paths."""
    for root in KERAS_ROOTS:
        if dotted == root or dotted.startswith(root + "."):
            return "keras" + dotted[len(root):]
    return None


class _Collector(ast.NodeVisitor):
    """Walks one module's AST, tracking which local names are bound to Keras/TensorFlow paths."""

    def __init__(self):
        self.aliases: Dict[str, str] = {}   # local name -> dotted path (keras... or tensorflow...)
        self.uses: List[Tuple[int, str]] = []        # (line, dotted path)
        self.strings: List[Tuple[int, str, str]] = []  # (line, module, identifier)

    # imports bind names; the imported path itself is a use
    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if _is_tracked(a.name):
                self.uses.append((node.lineno, a.name))
                if a.asname:
                    self.aliases[a.asname] = a.name
                else:
                    top = a.name.split(".")[0]
                    self.aliases[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module or not _is_tracked(node.module):
            return
        for a in node.names:
            full = node.module if a.name == "*" else f"{node.module}.{a.name}"
            self.uses.append((node.lineno, full))
            if a.name != "*":
                self.aliases[a.asname or a.name] = full

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = _attribute_chain(node)
        if chain and chain[0] in self.aliases:
            self.uses.append((node.lineno, ".".join([self.aliases[chain[0]]] + chain[1:])))
            return  # the inner attributes are prefixes of this chain
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        for kw in node.keywords:
            if kw.arg in STRING_ARGS:
                self._strings(kw.value, STRING_ARGS[kw.arg])
        for module, arg in zip(POSITIONAL_STRINGS.get(fname, ()), node.args):
            self._strings(arg, module)
        self.generic_visit(node)

    def _strings(self, value: ast.AST, module: str) -> None:
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        if isinstance(value, ast.Dict):  # per-output losses/metrics
            items = value.values
        for item in items:
            if isinstance(item, (ast.List, ast.Tuple)):
                self._strings(item, module)
            elif isinstance(item, ast.Constant) and isinstance(item.value, str):
                self.strings.append((item.lineno, module, item.value))


def _is_tracked(module: str) -> bool:
    return module.split(".")[0] in ("keras", "tensorflow")


def _attribute_chain(node: ast.AST) -> Optional[List[str]]:
    """``a.b.c`` -> ``['a', 'b', 'c']``; None when the chain does not start at a plain name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id] + parts[::-1]


# --- resolving names in torchkeras_compat -----------------------------------------------------

def resolve(keras_path: str) -> Tuple[bool, str]:
    """Whether ``keras.X.Y`` exists as ``torchkeras_compat.X.Y``; the detail says why not."""
    parts = keras_path.split(".")[1:]
    module_name, obj = PACKAGE, importlib.import_module(PACKAGE)
    for i, part in enumerate(parts):
        shown = ".".join(["keras"] + parts[:i + 1])
        if hasattr(obj, part):
            obj = getattr(obj, part)
            if isinstance(obj, type(sys)):
                module_name = obj.__name__
            continue
        if isinstance(obj, type(sys)):  # maybe a submodule not imported by its package
            try:
                obj = importlib.import_module(f"{module_name}.{part}")
                module_name = obj.__name__
                continue
            except ModuleNotFoundError as e:
                if e.name != f"{module_name}.{part}":
                    return False, f"importing {shown} failed: {e}"
        parent = ".".join(["keras"] + parts[:i]) or "keras"
        return False, f"{shown} is not provided{_did_you_mean(part, obj)} ({parent} has no {part!r})"
    return True, ""


def _did_you_mean(name: str, obj) -> str:
    candidates = [n for n in dir(obj) if not n.startswith("_")]
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.6)
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""


def resolve_string(module: str, identifier: str) -> Tuple[bool, str]:
    """Resolve a string identifier the way Keras would (``losses.get('mse')``, ...)."""
    if module == "metrics" and identifier.lower() in COMPILE_METRIC_NAMES:
        return True, ""
    getter = getattr(importlib.import_module(f"{PACKAGE}.{module}"), "get")
    try:
        getter(identifier)
    except (ValueError, KeyError, TypeError) as e:
        message = str(e).split(" If this is a custom")[0]  # keep the did-you-mean, drop the advice
        return False, message
    return True, ""


def _resolve_use(path: str) -> Tuple[str, bool, str]:
    name = _keras_name(path)
    if name is not None:
        ok, detail = resolve(name)
        return name, ok, detail
    # a TensorFlow path that is not tf.keras
    if path == "tensorflow" or path == "tensorflow.__version__":
        return path, True, ""
    from .importhook import TF_REPLACEMENTS
    parts = path.split(".")
    hint = TF_REPLACEMENTS.get(parts[1], "rewrite this part with torch or numpy") if len(parts) > 1 \
        else "rewrite this part with torch or numpy"
    return path, False, ("TensorFlow API outside torchkeras_compat's scope (only tensorflow.keras "
                         f"is served); {hint}")


# --- the report -------------------------------------------------------------------------------

def check_source(code: str, cell: Optional[int] = None,
                 collector: Optional["_Collector"] = None) -> List[Finding]:
    """All findings for one script or notebook cell; raises SyntaxError from :func:`ast.parse`.

    Pass the same ``collector`` for consecutive notebook cells: names imported in one cell are
    Keras names in the next.
    """
    collector = collector or _Collector()
    collector.uses, collector.strings = [], []
    collector.visit(ast.parse(code))
    prefix = f"cell {cell}, " if cell is not None else ""
    findings = []
    for line, path in collector.uses:
        name, ok, detail = _resolve_use(path)
        findings.append(Finding(f"{prefix}line {line}", (cell or 0, line), name, ok, detail))
    for line, module, identifier in collector.strings:
        ok, detail = resolve_string(module, identifier)
        findings.append(Finding(f"{prefix}line {line}", (cell or 0, line),
                                f"{identifier!r} ({module})", ok, detail))
    return findings


def check_file(path: str) -> Tuple[List[Finding], List[str]]:
    """Findings for a script or notebook, and the parse errors (one per unparsable cell)."""
    findings, errors = [], []
    collector = _Collector()
    for cell, code in read_sources(path):
        try:
            findings.extend(check_source(code, cell, collector))
        except SyntaxError as e:
            where = f"cell {cell}, " if cell is not None else ""
            errors.append(f"{where}line {e.lineno}: {e.msg}: {(e.text or '').strip()}")
    findings.sort(key=lambda f: f.sort_key)
    return findings, errors


def format_report(path: str, findings: Sequence[Finding], errors: Sequence[str]) -> Iterator[str]:
    bad = [f for f in findings if not f.supported]
    yield (f"{path}: {len(findings)} Keras name uses, {len(findings) - len(bad)} supported, "
           f"{len(bad)} not supported")
    width = max([len(f.where) for f in findings] + [0])
    for f in findings:
        status = "ok" if f.supported else "NOT SUPPORTED"
        line = f"  {f.where:<{width}}  {status:<13}  {f.name}"
        yield line + (f"  -- {f.detail}" if f.detail else "")
    for e in errors:
        yield f"  cannot parse {e}"
    if errors:
        yield "Could not check the whole file: fix the syntax errors above and run again."
    elif bad:
        yield "Not everything is supported: see the lines marked NOT SUPPORTED."
    else:
        yield "Everything this code uses from Keras is supported by torchkeras_compat."


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m torchkeras_compat check",
        description="Report every Keras name a script or notebook uses and whether "
                    "torchkeras_compat supports it (the code is read, not run).")
    parser.add_argument("paths", nargs="+", metavar="SCRIPT.py|NOTEBOOK.ipynb")
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths:
        try:
            findings, errors = check_file(path)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print(f"{path}: cannot read: {e}", file=sys.stderr)
            status = 2
            continue
        try:
            for line in format_report(path, findings, errors):
                print(line)
        except BrokenPipeError:  # `... check x.py | head`: the reader left; the status still counts
            sys.stdout = open(os.devnull, "w")
        if errors:
            status = 2
        elif any(not f.supported for f in findings):
            status = max(status, 1)
    return status
