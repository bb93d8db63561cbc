"""Callbacks that talk to the outside: RemoteMonitor (a local HTTP server) and TensorBoard."""
import glob
import http.server
import json
import os
import sys
import threading
import urllib.parse

import numpy as np
import pytest

from cb_helpers import TinyModel, run_epochs
from torchkeras_compat.callbacks import RemoteMonitor, TensorBoard


# ---------------------------------------------------------------- RemoteMonitor
class _Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        type(self).requests.append({"path": self.path, "body": body,
                                    "content_type": self.headers["Content-Type"],
                                    "token": self.headers.get("X-Token")})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def server():
    _Recorder.requests = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.requests
    httpd.shutdown()
    httpd.server_close()


def test_remote_monitor_posts_a_form_per_epoch(server):
    root, requests = server
    logs = [{"loss": 0.5, "val_loss": np.float32(0.25)}, {"loss": 0.125, "val_loss": 0.0625}]
    run_epochs([RemoteMonitor(root=root)], TinyModel(), logs)
    assert [r["path"] for r in requests] == ["/publish/epoch/end/"] * 2
    assert requests[0]["content_type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(requests[0]["body"])
    assert json.loads(form["data"][0]) == {"epoch": 0, "loss": 0.5, "val_loss": 0.25}
    assert json.loads(urllib.parse.parse_qs(requests[1]["body"])["data"][0])["epoch"] == 1


def test_remote_monitor_json_field_path_and_headers(server):
    root, requests = server
    cb = RemoteMonitor(root=root, path="/events", field="payload", headers={"X-Token": "abc"},
                       send_as_json=True)
    run_epochs([cb], TinyModel(), [{"loss": 1.5}])
    assert requests[0]["path"] == "/events" and requests[0]["token"] == "abc"
    assert requests[0]["content_type"] == "application/json"
    assert json.loads(requests[0]["body"]) == {"epoch": 0, "loss": 1.5}


def test_remote_monitor_unreachable_server_warns():
    # Port 9 on 127.0.0.1 ("discard") is closed on test machines: the connection is refused.
    cb = RemoteMonitor(root="http://127.0.0.1:9")
    with pytest.warns(RuntimeWarning, match="could not reach RemoteMonitor root server at "
                                            "http://127.0.0.1:9"):
        run_epochs([cb], TinyModel(), [{"loss": 1.0}])


# ---------------------------------------------------------------- TensorBoard
def test_tensorboard_missing_package_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        TensorBoard(log_dir="unused")


def test_tensorboard_rejects_unknown_arguments():
    pytest.importorskip("tensorboard")
    with pytest.raises(ValueError, match="Unrecognized arguments in `TensorBoard` Callback"):
        TensorBoard(log_dir="unused", histogram_frequency=1)


class _Weight:
    def __init__(self, name, value):
        self.name = name
        self.value = value

    def __array__(self, dtype=None, copy=None):
        return self.value


class _Layer:
    def __init__(self, name, weights):
        self.name = name
        self.weights = weights


def _scalars(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(folder, size_guidance={"histograms": 0, "scalars": 0})
    acc.Reload()
    tags = acc.Tags()
    scalars = {tag: [(e.step, round(e.value, 6)) for e in acc.Scalars(tag)]
               for tag in tags["scalars"]}
    return scalars, sorted(tags["histograms"])


def test_tensorboard_writes_scalars_and_histograms(tmp_path):
    pytest.importorskip("tensorboard")
    model = TinyModel()
    model.layers = [_Layer("dense", [_Weight("dense/kernel:0", np.ones((3, 2), "float32")),
                                     _Weight("dense/bias:0", np.zeros(2, "float32"))])]
    with pytest.warns(UserWarning, match="`write_grads` will be ignored"):
        cb = TensorBoard(log_dir=str(tmp_path), histogram_freq=1, write_images=True,
                         update_freq=2, batch_size=32, write_grads=True)
    logs = [{"loss": 1.0, "acc": 0.5, "val_loss": 2.0, "val_acc": 0.25},
            {"loss": 0.5, "acc": 0.75, "val_loss": 1.5, "val_acc": 0.5}]
    run_epochs([cb], model, logs, batches=3)
    train, hists = _scalars(str(tmp_path / "train"))
    val, _ = _scalars(str(tmp_path / "validation"))
    assert train["epoch_loss"] == [(0, 1.0), (1, 0.5)]
    assert train["epoch_acc"] == [(0, 0.5), (1, 0.75)]
    assert val == {"epoch_loss": [(0, 2.0), (1, 1.5)], "epoch_acc": [(0, 0.25), (1, 0.5)]}
    # update_freq=2 over 6 batches: steps 2, 4, 6 (batch loss is 1/(b+1) in run_epochs)
    assert train["batch_loss"] == [(2, 0.5), (4, 1.0), (6, 0.333333)]
    assert hists == ["dense/bias_0/histogram", "dense/kernel_0/histogram"]


def test_tensorboard_epoch_only_needs_no_batch_hooks(tmp_path):
    pytest.importorskip("tensorboard")
    cb = TensorBoard(log_dir=str(tmp_path))
    assert not cb._implements_train_batch_hooks()
    run_epochs([cb], TinyModel(), [{"loss": 1.0}])
    assert glob.glob(os.path.join(str(tmp_path), "train", "events.out.tfevents.*"))
    assert not os.path.exists(tmp_path / "validation")  # created only when written to
