"""Helpers for the callback tests: a minimal model and a fit-like driver."""
import numpy as np
import torch


class TinyOptimizer:
    """Only what callbacks read: a 0-d float32 CPU `lr` tensor."""

    def __init__(self, lr: float):
        self.lr = torch.tensor(lr, dtype=torch.float32)


class TinyModel:
    """The model attributes callbacks use; `save`/`save_weights` record and write the path."""

    def __init__(self, lr: float = 0.01):
        self.stop_training = False
        self.optimizer = TinyOptimizer(lr)
        self._w = [np.zeros(2, "float32")]
        self.saved = []
        self.history = None
        self.layers = []
        self.name = "tiny"
        self.metrics_names = ["loss"]

    def get_weights(self):
        return [w.copy() for w in self._w]

    def set_weights(self, weights):
        self._w = [np.array(w) for w in weights]

    def save(self, filepath, overwrite=True):
        self.saved.append(["model", filepath])
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(["weights", filepath])
        with open(filepath, "w") as f:
            f.write("weights")


def run_epochs(callbacks, model, logs_per_epoch, batches=0, verbose=0):
    """Drives callbacks the way fit does; returns the number of epochs run."""
    from torchkeras_compat.callbacks import CallbackList

    cbs = CallbackList(callbacks, model=model, verbose=verbose, epochs=len(logs_per_epoch),
                       steps=batches)
    cbs.on_train_begin({})
    run = 0
    for epoch, logs in enumerate(logs_per_epoch):
        cbs.on_epoch_begin(epoch, {})
        for b in range(batches):
            cbs.on_train_batch_begin(b, {})
            cbs.on_train_batch_end(b, {"loss": torch.tensor(1.0 / (b + 1))})
        cbs.on_epoch_end(epoch, dict(logs))
        run += 1
        if model.stop_training:
            break
    cbs.on_train_end({})
    return run
