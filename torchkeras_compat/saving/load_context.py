"""A thread-local flag: "the weights being created are about to be overwritten from a file".

``load_model`` builds the model inside ``building_for_load()``; a layer's ``add_weight`` may then
skip running the initializer (``initializers_skipped()`` is True) and allocate uninitialized
storage, since every weight is assigned from the file right after. This is what makes loading a
large model cost about as much as reading its arrays. Loading validates that the file covers
every weight before anything is assigned, and a model whose load failed is never returned.
"""
import contextlib
import threading
from typing import Iterator

_state = threading.local()


def initializers_skipped() -> bool:
    return getattr(_state, "depth", 0) > 0


@contextlib.contextmanager
def building_for_load() -> Iterator[None]:
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
