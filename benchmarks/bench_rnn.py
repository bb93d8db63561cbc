"""Recurrent models trained with ``model.fit`` vs the same models in a plain torch loop, in one run.

    python benchmarks/bench_rnn.py [--device cuda] [--samples 2048] [--steps 80] [--batch 64] [--rounds 5]
                                   [--threads N]

1. Text classifier (the IMDB tutorial shape): Embedding(vocab, 64) - LSTM(64) - Dense(1, sigmoid),
   binary cross-entropy, Adam. Torch side: nn.Embedding - nn.LSTM(batch_first) - nn.Linear with
   BCEWithLogitsLoss.
2. Sequence regressor: GRU(64, return_sequences=True) - TimeDistributed(Dense(1)), MSE, Adam.
   Torch side: nn.GRU(batch_first) - nn.Linear with MSELoss.

The Keras side gets numpy arrays, as Keras users pass them; the torch side gets tensors already on
the device and shuffles with randperm. Contenders take turns each round (one epoch each) and the
medians and the ratio ``fit / torch`` are printed. The Keras layers run torch's fused LSTM/GRU
kernels here (tanh/sigmoid, reset_after=True are the tf.keras defaults).
"""
import argparse
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import interleaved, print_side_by_side, set_threads  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
from torchkeras_compat.backend import config as backend_config  # noqa: E402
from torchkeras_compat.layers.embeddings import Embedding  # noqa: E402
from torchkeras_compat.layers.recurrent import GRU, LSTM  # noqa: E402
from torchkeras_compat.layers.wrappers import TimeDistributed  # noqa: E402

VOCAB, UNITS = 5000, 64


def keras_classifier(steps):
    model = keras.Sequential([Embedding(VOCAB, UNITS, input_length=steps), LSTM(UNITS),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return model


class TorchClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, UNITS)
        self.lstm = nn.LSTM(UNITS, UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(self.emb(x))
        return self.out(h[-1]).squeeze(-1)


def keras_regressor(steps, features):
    model = keras.Sequential([GRU(UNITS, return_sequences=True, input_shape=(steps, features)),
                              TimeDistributed(keras.layers.Dense(1))])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


class TorchRegressor(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.gru = nn.GRU(features, UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, 1)

    def forward(self, x):
        seq, _ = self.gru(x)
        return self.out(seq)


def torch_epoch(model, opt, loss_fn, x, y, batch):
    model.train()
    order = torch.randperm(x.shape[0], device=x.device)
    for i in range(0, x.shape[0], batch):
        idx = order[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: CUDA when available)")
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--steps", type=int, default=80, help="sequence length")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (both sides)")
    args = parser.parse_args()
    set_threads(args.threads)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    backend_config.set_device(device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    rng = np.random.RandomState(0)
    n, t, feats = args.samples, args.steps, 8
    print(f"device={device} samples={n} steps={t} batch={args.batch} rounds={args.rounds} "
          f"threads={torch.get_num_threads()}")

    # 1. Embedding + LSTM text classifier
    ids = rng.randint(1, VOCAB, (n, t)).astype("int64")
    labels = rng.randint(0, 2, (n, 1)).astype("float32")
    clf = keras_classifier(t)
    net = TorchClassifier().to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    ids_t, labels_t = torch.from_numpy(ids).to(device), torch.from_numpy(labels[:, 0]).to(device)
    bce = nn.BCEWithLogitsLoss()
    medians = interleaved({
        "fit": lambda: clf.fit(ids, labels, batch_size=args.batch, epochs=1, verbose=0),
        "torch": lambda: torch_epoch(net, opt, bce, ids_t, labels_t, args.batch),
    }, rounds=args.rounds, device=device)
    print_side_by_side("Embedding+LSTM classifier, one epoch:", medians)
    print(f"ratio fit / torch (LSTM classifier): {medians['fit'] / medians['torch']:.3f}")

    # 2. GRU sequence regressor
    x = rng.uniform(-1, 1, (n, t, feats)).astype("float32")
    y = np.cumsum(x[..., :1], axis=1).astype("float32") * 0.1
    reg = keras_regressor(t, feats)
    net2 = TorchRegressor(feats).to(device)
    opt2 = torch.optim.Adam(net2.parameters(), lr=1e-3)
    x_t, y_t = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
    mse = nn.MSELoss()
    medians = interleaved({
        "fit": lambda: reg.fit(x, y, batch_size=args.batch, epochs=1, verbose=0),
        "torch": lambda: torch_epoch(net2, opt2, mse, x_t, y_t, args.batch),
    }, rounds=args.rounds, device=device)
    print_side_by_side("GRU sequence regressor, one epoch:", medians)
    print(f"ratio fit / torch (GRU regressor): {medians['fit'] / medians['torch']:.3f}")


if __name__ == "__main__":
    main()
