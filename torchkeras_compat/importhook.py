"""The import hook that serves ``keras`` (and ``keras.*``) from this package.

Without TensorFlow installed it also serves ``tensorflow.keras`` and ``from tensorflow import
keras``; any other TensorFlow API raises :class:`OutsideScopeError` naming it.
"""
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
                f"No module named {name!r}: torchkeras_compat has no {real!r}.{_suggest(name)} "
                "If the name is right, this part of the Keras API is not implemented; see the "
                "README's supported-API table.", name=name) from None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        return importlib.import_module(self.target + spec.name[len(self.alias):])

    def exec_module(self, module):
        pass


def _suggest(name: str) -> str:
    """`` Did you mean 'keras.models'?`` for a misspelled submodule, from the real package."""
    import difflib
    import pkgutil
    parent, _, leaf = name.rpartition(".")
    alias_root = name.split(".")[0] if not name.startswith("tensorflow.") else parent.split(".keras")[0] + ".keras"
    try:
        package = importlib.import_module(PACKAGE + parent[len(alias_root):]) if parent else None
    except ImportError:
        return ""
    if package is None or not hasattr(package, "__path__"):
        return ""
    names = [m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]
    close = difflib.get_close_matches(leaf, names, n=1, cutoff=0.6)
    return f" Did you mean {parent + '.' + close[0]!r}?" if close else ""


def install_keras_alias() -> None:
    """Make ``import keras`` serve this package for the rest of the process.

    When TensorFlow is not installed, ``tensorflow.keras`` is served too (see
    :func:`install_tensorflow_alias`).
    """
    for name in [m for m in sys.modules if m == "keras" or m.startswith("keras.")]:
        del sys.modules[name]
    if not any(isinstance(f, KerasAlias) and f.alias == "keras" for f in sys.meta_path):
        sys.meta_path.insert(0, KerasAlias())
    install_tensorflow_alias()


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


# --- tensorflow.keras -------------------------------------------------------------------------
# Many tutorials import Keras through TensorFlow (``from tensorflow.keras.layers import Dense``,
# ``from tensorflow import keras``, ``tf.keras.Sequential``).  When TensorFlow is not installed,
# ``python -m torchkeras_compat`` serves those names from this package and nothing else: any
# other TensorFlow API a script touches fails loudly instead of half-working.

TF_KERAS_PATHS = ("tensorflow.keras", "tensorflow.python.keras")


class OutsideScopeError(AttributeError, NotImplementedError):
    """A TensorFlow API other than ``tf.keras`` was used under torchkeras_compat.

    It is an ``AttributeError`` so ``hasattr(tf, "X")`` answers False, and a
    ``NotImplementedError`` because that is what it means.
    """


# What to use instead of the TensorFlow APIs Keras tutorials touch most often.
TF_REPLACEMENTS = {
    "random": "for tf.random.set_seed(n) use keras.utils.set_random_seed(n) (seeds Python, numpy "
              "and torch)",
    "data": "feed numpy arrays, a keras.utils.Sequence, a Python generator or a torch DataLoader",
    "constant": "use numpy arrays (or torch.tensor)",
    "convert_to_tensor": "use numpy arrays (or torch.tensor)",
    "Variable": "use keras.backend.variable or a torch tensor",
    "GradientTape": "use torch autograd (loss.backward()) or model.fit",
    "function": "use torch.compile",
    "config": "choose the device with keras.backend.set_device or TORCHKERAS_DEVICE",
    "test": "use torch.cuda.is_available() to look for a GPU",
}


def _outside_scope(name: str) -> str:
    parts = name.split(".")
    hint = TF_REPLACEMENTS.get(parts[1]) if len(parts) > 1 and parts[0] == "tensorflow" else None
    return (f"{name!r} is TensorFlow API outside torchkeras_compat's scope: this run serves only "
            "tensorflow.keras (tf.keras.*) from torchkeras_compat, because TensorFlow is not "
            "installed. " + (f"Instead, {hint}." if hint else "Rewrite this part with torch or "
            "numpy") + " (or install TensorFlow and run the script with plain python).")


class TensorFlowStub(type(sys)):
    """The module object that stands in for ``tensorflow``: it has ``keras`` and ``__version__``.

    ``__version__`` is the Keras API level this package follows (scripts print or compare it);
    every other attribute raises :class:`OutsideScopeError` naming it.
    """

    def __init__(self, name: str = "tensorflow"):
        super().__init__(name, "Stand-in for TensorFlow under torchkeras_compat: only "
                         "tensorflow.keras is available.")
        if name == "tensorflow":
            from . import __version__
            self.__version__ = __version__
        self.__path__ = []  # a package, so ``import tensorflow.keras`` reaches the finder

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # import machinery and introspection probe dunders
        if name == "keras":
            return importlib.import_module(self.__name__ + ".keras")
        if name == "distribute" and self.__name__ == "tensorflow":
            # tf.distribute.MirroredStrategy() & co. map onto torch.distributed data parallelism
            return importlib.import_module(PACKAGE + ".distribute")
        raise OutsideScopeError(_outside_scope(f"{self.__name__}.{name}"))


class TensorFlowAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finder/loader for ``tensorflow``: the stub itself, and an error for non-Keras submodules.

    ``tensorflow.keras[.X]`` is served by :class:`KerasAlias` instances placed before this one.
    """

    # ``tensorflow.python`` only as the parent of the TF 1.x-era ``tensorflow.python.keras``.
    STUBS = ("tensorflow", "tensorflow.python")

    def find_spec(self, name, path=None, target=None):
        if name in self.STUBS:
            return importlib.util.spec_from_loader(name, self, is_package=True)
        if name.startswith("tensorflow."):
            raise ModuleNotFoundError(_outside_scope(name), name=name)
        return None

    def create_module(self, spec):
        return TensorFlowStub(spec.name)

    def exec_module(self, module):
        pass


def tensorflow_installed() -> bool:
    """Whether a real TensorFlow is importable (ignoring this package's own alias)."""
    finders = [f for f in sys.meta_path if not isinstance(f, (TensorFlowAlias, KerasAlias))]
    for finder in finders:
        find = getattr(finder, "find_spec", None)
        try:
            if find is not None and find("tensorflow", None) is not None:
                return True
        except (ImportError, TypeError, ValueError):  # a third-party finder that cannot answer
            continue
    return False


def install_tensorflow_alias() -> bool:
    """Serve ``tensorflow.keras`` from this package when TensorFlow is absent.

    Returns True when the alias was installed, False when a real TensorFlow is installed (then
    ``tensorflow`` is left alone: the user has the real thing).
    """
    if isinstance(sys.modules.get("tensorflow"), TensorFlowStub) or any(
            isinstance(f, TensorFlowAlias) for f in sys.meta_path):
        return True
    if "tensorflow" in sys.modules or tensorflow_installed():
        return False
    stub_finder = TensorFlowAlias()
    sys.meta_path.insert(0, stub_finder)
    for alias in reversed(TF_KERAS_PATHS):
        sys.meta_path.insert(0, KerasAlias(alias))
    return True
