"""The import hook that serves ``keras`` (and ``keras.*``) from this package."""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

PACKAGE = __package__ or "torchkeras_compat"


class KerasAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finder/loader: ``alias.X.Y`` is the module ``torchkeras_compat.X.Y`` itself."""

    def __init__(self, alias: str = "keras", target: str = PACKAGE):
        self.alias, self.target = alias, target

    def find_spec(self, name, path=None, target=None):
        if name != self.alias and not name.startswith(self.alias + "."):
            return None
        real = self.target + name[len(self.alias):]
        try:
            importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name != real:
                raise
            raise ModuleNotFoundError(
                f"No module named {name!r}: torchkeras_compat has no {real!r}. This part of the "
                "Keras API is not implemented; see the README's supported-API table.", name=name) from None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        return importlib.import_module(self.target + spec.name[len(self.alias):])

    def exec_module(self, module):
        pass


def install_keras_alias() -> None:
    """Make ``import keras`` serve this package for the rest of the process."""
    for name in [m for m in sys.modules if m == "keras" or m.startswith("keras.")]:
        del sys.modules[name]
    if not any(isinstance(f, KerasAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, KerasAlias())


def run_script(path: str, args) -> int:
    """Run ``path`` as ``__main__`` with ``sys.argv = [path] + args``; returns an exit status."""
    if not os.path.exists(path):
        print(f"torchkeras_compat: can't open file {path!r}: no such file", file=sys.stderr)
        return 2
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0
