"""Print the supported-API table (Markdown) of torchkeras_compat, generated from the code.

    python tools/supported_api.py            # the table, for the README
    python tools/supported_api.py --check    # exit 1 if a public module fails to import

For every public module that mirrors a Keras path (``keras.layers``, ``keras.applications``,
``keras.preprocessing.text``, ...), the table lists the public names it defines: classes,
functions and constants. A name is "supported" in the sense of ``python -m torchkeras_compat
check``: ``keras.<module>.<name>`` resolves to it.
"""
import argparse
import importlib
import inspect
import pkgutil
import sys
import types
from typing import Dict, List

PACKAGE = "torchkeras_compat"
# Implementation details that are not Keras paths.
PRIVATE_MODULES = {"importhook", "porting", "legacy", "__main__"}


def public_modules() -> List[str]:
    """Dotted names of the package's public modules (no ``_private`` parts, no tools)."""
    package = importlib.import_module(PACKAGE)
    names = [PACKAGE]
    for info in pkgutil.walk_packages(package.__path__, PACKAGE + "."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts) or parts[0] in PRIVATE_MODULES:
            continue
        names.append(info.name)
    return sorted(names)


def public_names(module: types.ModuleType) -> Dict[str, List[str]]:
    """{'classes': [...], 'functions': [...], 'modules': [...]} defined or re-exported here."""
    exported = getattr(module, "__all__", None)
    names = exported if exported is not None else [n for n in vars(module) if not n.startswith("_")]
    # A package (keras.layers) or a module with __all__ re-exports its API on purpose; a plain
    # module's imports from elsewhere are its implementation, so it lists what it defines and
    # what it takes from its own family (vgg16.decode_predictions from applications.imagenet_utils).
    reexports = exported is not None or hasattr(module, "__path__")
    family = ".".join(module.__name__.split(".")[:2])
    groups: Dict[str, List[str]] = {"classes": [], "functions": [], "modules": []}
    for name in sorted(set(names)):
        obj = getattr(module, name, None)
        owner = getattr(obj, "__module__", "") or ""
        if inspect.ismodule(obj):
            if obj.__name__.startswith(PACKAGE + "."):
                groups["modules"].append(name)
            continue
        if not owner.startswith(PACKAGE) or (not reexports and not owner.startswith(family)):
            continue
        groups["classes" if inspect.isclass(obj) else "functions"].append(name) if callable(obj) else None
    return groups


def keras_path(module_name: str) -> str:
    return "keras" + module_name[len(PACKAGE):]


def table() -> List[str]:
    lines = ["| Keras module | Classes | Functions |", "|---|---|---|"]
    failures = []
    for name in public_modules():
        try:
            module = importlib.import_module(name)
        except Exception as e:  # an optional dependency missing, or a broken module
            failures.append(f"{name}: {type(e).__name__}: {e}")
            continue
        groups = public_names(module)
        if not groups["classes"] and not groups["functions"]:
            continue
        classes = ", ".join(f"`{n}`" for n in groups["classes"]) or "-"
        functions = ", ".join(f"`{n}`" for n in groups["functions"]) or "-"
        lines.append(f"| `{keras_path(name)}` | {classes} | {functions} |")
    if failures:
        lines.append("")
        lines.extend(f"<!-- not importable here: {f} -->" for f in failures)
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when a public module does not import")
    args = parser.parse_args(argv)
    lines = table()
    print("\n".join(lines))
    return 1 if args.check and any(line.startswith("<!-- not importable") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
