"""``model.fit`` on a torch ``DataLoader`` with worker processes vs the same loop in plain torch.

    python benchmarks/bench_dataloader.py [--samples 20000] [--batch 128] [--workers 2] [--rounds 3]

Both sides iterate the very same ``DataLoader`` (shuffled, ``num_workers`` worker processes) over a
map-style ``TensorDataset`` of MNIST-sized synthetic data, and train the MLP of bench_mlp.py for one
epoch per round, in turns. Wall-clock medians and the ratio ours / torch are printed; issue 7's
target is a ratio <= 1.10.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_mlp import keras_model, make_data, torch_model, torch_optimizer  # noqa: E402
from common import interleaved, print_side_by_side, set_threads  # noqa: E402


def contenders(samples: int, batch: int, workers: int) -> dict:
    x, y, labels = make_data(samples)
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True, num_workers=workers,
                                         persistent_workers=workers > 0)
    model = keras_model()
    net, loss_fn = torch_model("cpu"), torch.nn.CrossEntropyLoss()
    opt = torch_optimizer(net)

    def ours():
        model.fit(loader, epochs=1, verbose=0)

    def plain():
        net.train()
        correct = torch.zeros((), dtype=torch.long)
        for xb, yb in loader:
            opt.zero_grad(set_to_none=True)
            logits = net(xb)
            target = yb.argmax(-1)
            loss_fn(logits, target).backward()
            opt.step()
            correct += (logits.argmax(-1) == target).sum()
        return int(correct)

    return {"ours": ours, "torch": plain}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    opts = parser.parse_args(argv)
    set_threads(opts.threads)
    medians = interleaved(contenders(opts.samples, opts.batch, opts.workers), opts.rounds)
    print_side_by_side(f"fit on a DataLoader ({opts.workers} workers), {opts.samples} samples, "
                       f"batch {opts.batch}", medians)
    return medians


if __name__ == "__main__":
    main()
