"""Callbacks that send epoch results elsewhere: CSVLogger, RemoteMonitor, and LambdaCallback."""
import collections.abc
import csv
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Callable, Dict, Optional

import numpy as np
import torch

from ..utils.io_utils import path_to_string
from .base import Callback


class CSVLogger(Callback):
    """Streams each epoch's logs to a CSV file, one row per epoch.

    The file has the columns ``epoch`` then the sorted logs keys; when the first epoch has no
    validation keys, ``val_<key>`` columns are added and filled with ``NA`` (as tf.keras does,
    for `validation_freq` > 1). Rows end with ``\\r\\n`` (Python's csv "excel" dialect).

    Args:
        filename: path of the CSV file, e.g. ``'run/log.csv'``.
        separator: the one-character delimiter.
        append: True continues an existing file (no second header), False overwrites it.
    """

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        self.sep = separator
        self.filename = path_to_string(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, "r", newline="") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        # newline="" so the csv module's own "\r\n" line ends are written as they are.
        self.csv_file = open(self.filename, mode, newline="")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if not any(key.startswith("val_") for key in self.keys):
                self.keys.extend(["val_" + key for key in self.keys])
        if self.writer is None:
            dialect = type("CSVLoggerDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


def _csv_value(value):
    """A 1-D iterable becomes ``"[a, b, c]"``; anything else is written as `str` writes it."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
        value = value.item() if value.ndim == 0 else value
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    if isinstance(value, collections.abc.Iterable):
        return f"\"[{', '.join(map(str, value))}]\""
    return value


class RemoteMonitor(Callback):
    """POSTs each epoch's logs to a server as JSON.

    Args:
        root: the server's root URL.
        path: appended to `root` to make the URL the events go to.
        field: the form field that holds the JSON (when `send_as_json` is False).
        headers: extra HTTP headers.
        send_as_json: True sends the body as ``application/json``; False sends a form
            ``field=<json>`` (``application/x-www-form-urlencoded``).

    The payload is ``{"epoch": epoch, <logs>...}``. A server that cannot be reached gives a
    warning, not an error, as in Keras.
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/",
                 field: str = "data", headers: Optional[Dict[str, str]] = None,
                 send_as_json: bool = False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = _json_value(value)
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn("Warning: could not reach RemoteMonitor root server at "
                          + str(self.root), RuntimeWarning, stacklevel=2)


def _json_value(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item() if value.ndim == 0 else value.tolist()
    return value


class LambdaCallback(Callback):
    """A callback made of plain functions, for simple hooks written inline.

    Args:
        on_epoch_begin, on_epoch_end: ``f(epoch, logs)``.
        on_batch_begin, on_batch_end: ``f(batch, logs)``.
        on_train_begin, on_train_end: ``f(logs)``.
        **kwargs: any other hook by name, e.g. ``on_test_batch_end=f(batch, logs)``.
    """

    def __init__(self, on_epoch_begin: Optional[Callable] = None,
                 on_epoch_end: Optional[Callable] = None,
                 on_batch_begin: Optional[Callable] = None,
                 on_batch_end: Optional[Callable] = None,
                 on_train_begin: Optional[Callable] = None,
                 on_train_end: Optional[Callable] = None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_batch_begin": on_batch_begin, "on_batch_end": on_batch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end}
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
