"""BackupAndRestore: lets an interrupted `fit` go on from its last backup instead of restarting."""
import os
import shutil
from typing import Optional, Tuple, Union

import torch

from .base import Callback
from .monitors import get_learning_rate, set_learning_rate


class BackupAndRestore(Callback):
    """Backs up the training state (weights, optimizer state, epoch and batch counters) while
    `fit` runs, and restores it when a later `fit` starts, which then goes on from there.

    A backup is written at the end of each epoch (``save_freq='epoch'``) or every `save_freq`
    batches, over the previous one. A `fit` that was interrupted (an exception, a killed
    process) and is started again with a ``BackupAndRestore`` on the same `backup_dir` loads the
    backup and resumes: after an epoch backup, at the next epoch; after a batch backup, at the
    next batch of that epoch (which then runs only its remaining steps, on the first batches of
    the data, as tf.keras does). Work done after the last backup is redone. When `fit` ends
    normally the backup is deleted, unless ``delete_checkpoint=False``.

    The model to restore into must have the architecture of the one backed up, be built, and be
    compiled with the same kind of optimizer.

    Args:
        backup_dir: folder for the backup (kept in its ``chief/`` subfolder, as tf.keras does);
            not to be shared with other callbacks or runs.
        save_freq: ``'epoch'``, an int (every that many batches), or False (only with
            `save_before_preemption`).
        delete_checkpoint: delete the backup when `fit` finishes.
        save_before_preemption: tf.keras's saving on a cloud preemption notice, which only
            exists for TensorFlow multi-worker jobs; accepted, nothing to do here.

    Backups are written by this package (a torch file), not TensorFlow checkpoints.
    """

    def __init__(self, backup_dir, save_freq: Union[str, int, bool] = "epoch",
                 delete_checkpoint: bool = True, save_before_preemption: bool = False):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: `backup_dir` must be a folder path, e.g. "
                             "os.path.join(working_dir, 'backup').")
        if not save_freq and not save_before_preemption:
            raise ValueError("Either `save_freq` or `save_before_preemption` must be set.")
        if save_freq and save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"BackupAndRestore: unrecognized save_freq: {save_freq!r}. "
                             "Expected 'epoch', a positive integer, or False.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.save_before_preemption = save_before_preemption
        self._supports_tf_logs = True
        self._batches_count = 0
        self._current_epoch = 0
        self._current_batch = -1
        self._restored: Optional[Tuple[int, int]] = None

    @property
    def _state_dir(self) -> str:
        return os.path.join(self.backup_dir, "chief")

    @property
    def _state_file(self) -> str:
        return os.path.join(self._state_dir, "training_state.pt")

    # ------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None):
        self._batches_count = 0
        self._restored = None
        self._build_optimizer()
        if os.path.exists(self._state_file):
            self._restore()
        # fit() asks the model where to start (see `resume_point`)
        self.model.__dict__["_training_state"] = self

    def _implements_train_batch_hooks(self):
        return bool(self.save_freq) and self.save_freq != "epoch"

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        self._current_batch = batch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq and self.save_freq != "epoch":
            self._batches_count += 1
            if self._batches_count >= self.save_freq:
                self._batches_count = 0
                self._backup(self._current_epoch, batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._backup(epoch, self._current_batch)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            shutil.rmtree(self._state_dir, ignore_errors=True)
        self.model.__dict__.pop("_training_state", None)

    # ------------------------------------------------------------ resuming
    def resume_point(self, steps_per_epoch: Optional[int], initial_epoch: int) -> Tuple[int, int]:
        """The (epoch, step) that `fit` starts at after a restore: the epoch after an epoch
        backup; after a batch backup, the next batch of its epoch (the next epoch when it was
        the epoch's last batch). Without a restore, `initial_epoch` and step 0. Answered once
        per restore (a later fit that this callback is not part of starts where it was told)."""
        if self._restored is None:
            return initial_epoch, 0
        (epoch, batch), self._restored = self._restored, None
        if self.save_freq == "epoch" or not self.save_freq:
            return epoch + 1, 0
        if batch < 0:
            return initial_epoch, 0
        if steps_per_epoch is not None and batch == steps_per_epoch - 1:
            return epoch + 1, 0
        return epoch, batch + 1

    # ------------------------------------------------------------ state
    def _build_optimizer(self) -> None:
        """Create the optimizer's state now (fit would at its first step), so a backup of it
        can be loaded into it."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "build"):
            return
        params = [w.param for w in self.model.trainable_weights if w.param.requires_grad]
        if params:
            optimizer.build(params)

    def _state_to_save(self, epoch: int, batch: int) -> dict:
        state = {"epoch": epoch, "batch": batch,
                 "weights": [torch.as_tensor(w) for w in self.model.get_weights()]}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "get_weights"):
            state["optimizer"] = [torch.as_tensor(w) for w in optimizer.get_weights()]
            lr = getattr(optimizer, "lr", None)
            if lr is not None and not callable(lr):  # a rate callbacks may have changed
                state["learning_rate"] = float(get_learning_rate(optimizer))
        return state

    def _backup(self, epoch: int, batch: int) -> None:
        os.makedirs(self._state_dir, exist_ok=True)
        tmp = self._state_file + ".tmp"
        torch.save(self._state_to_save(epoch, batch), tmp)
        os.replace(tmp, self._state_file)  # never a half-written backup

    def _restore(self) -> None:
        try:
            state = torch.load(self._state_file, map_location="cpu", weights_only=True)
            self.model.set_weights([w.numpy() for w in state["weights"]])
            optimizer = getattr(self.model, "optimizer", None)
            if "optimizer" in state and optimizer is not None:
                optimizer.set_weights([w.numpy() for w in state["optimizer"]])
            if "learning_rate" in state and optimizer is not None:
                set_learning_rate(optimizer, state["learning_rate"])
        except Exception as e:  # noqa: BLE001 - any unreadable or mismatched backup
            raise ValueError(f"BackupAndRestore: cannot restore the backup in {self._state_dir} "
                             f"into model {self.model.name}: {e}. The backup must come from the "
                             "same model and optimizer; delete the folder to start afresh.") from e
        self._restored = (int(state["epoch"]), int(state["batch"]))
