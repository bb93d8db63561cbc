"""One replica of the data-parallel test (run by test_data_parallel.py, alone or under a
torchrun-like environment): trains a small model with fit, then writes its weights, history
and the list of files it saved to OUT_DIR/result_<rank>.npz.

Rank 1 seeds its weights differently on purpose: fit must start every rank from rank 0's.
"""
import json
import os
import sys

import numpy as np
import torch


def make_data():
    rng = np.random.RandomState(42)
    x = rng.normal(size=(75, 6)).astype("float32")   # 75: the last global batch (11) is uneven
    y = (x @ rng.normal(size=(6, 3)) > 0).astype("float32")
    return x, y


def train(out_dir: str, ckpt_dir: str) -> dict:
    import torchkeras_compat as keras
    from torchkeras_compat import layers as L
    from torchkeras_compat import distribute, saving

    rank = int(os.environ.get("RANK", "0"))
    torch.manual_seed(rank)  # different initial weights per rank; fit broadcasts rank 0's
    saved = []
    real_save_weights = saving.save_weights

    def recording_save_weights(model, filepath, *args, **kwargs):
        saved.append(os.path.basename(str(filepath)))
        return real_save_weights(model, filepath, *args, **kwargs)
    saving.save_weights = recording_save_weights

    strategy = distribute.MirroredStrategy()
    with strategy.scope():
        model = keras.Sequential([L.Dense(8, activation="tanh", input_shape=(6,)),
                                  L.Dense(3, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                      metrics=["binary_accuracy"])
    torch.manual_seed(123)  # the shuffle order: drawn on rank 0 and shared
    x, y = make_data()
    ckpt = keras.callbacks.ModelCheckpoint(os.path.join(ckpt_dir, "w_{epoch}.h5"),
                                           save_weights_only=True)
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=True, verbose=0, callbacks=[ckpt])
    result = {"weights": [w.tolist() for w in model.get_weights()], "history": history.history,
              "saved": saved, "replicas": strategy.num_replicas_in_sync}
    with open(os.path.join(out_dir, f"result_{rank}.json"), "w") as f:
        json.dump(result, f)
    return result


if __name__ == "__main__":
    train(sys.argv[1], sys.argv[2])
