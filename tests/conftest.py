import os

import numpy as np
import pytest
import torch

# Small models on a shared 2-core CI machine run fastest on one thread (no hand-offs between cores).
torch.set_num_threads(1)
os.environ.setdefault("OMP_NUM_THREADS", "1")  # for the subprocesses some tests start
# The CUDA tests compare with float32 values recorded from Keras on the CPU; cuDNN's TF32 mode
# (torch's default for convolutions and RNNs on Ampere and later) rounds inputs to 10-bit mantissas.
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def pytest_configure(config):
    config.addinivalue_line("markers", "cuda: needs a CUDA GPU (skipped without one)")


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts with Keras's naming counters reset and a fixed seed."""
    from torchkeras_compat import backend as K
    K.clear_session()
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def fixture_path():
    return lambda *parts: os.path.join(FIXTURES, *parts)
