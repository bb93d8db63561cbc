"""Data-parallel fit on 2 CPU processes (gloo on 127.0.0.1) equals one process on the same
global batches; ranks end with identical weights; only rank 0 writes checkpoints."""
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKER = os.path.join(HERE, "dp_worker.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    env.update(PYTHONPATH=ROOT + os.pathsep + env.get("PYTHONPATH", ""), TORCHKERAS_DEVICE="cpu",
               OMP_NUM_THREADS="1")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _run_ranks(out_dir, ckpt_dir, world: int):
    """Start `world` workers with the environment torchrun gives its processes."""
    port = _free_port()
    procs = [subprocess.Popen([sys.executable, WORKER, str(out_dir), str(ckpt_dir)],
                              env=_env(RANK=r, LOCAL_RANK=r, WORLD_SIZE=world, LOCAL_WORLD_SIZE=world,
                                       MASTER_ADDR="127.0.0.1", MASTER_PORT=port),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for r in range(world)]
    outputs = []
    for p in procs:
        try:
            outputs.append(p.communicate(timeout=120)[0])
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            pytest.fail("data-parallel workers did not finish in 120 s")
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out
    results = []
    for r in range(world):
        with open(os.path.join(out_dir, f"result_{r}.json")) as f:
            results.append(json.load(f))
    return results


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    single_out, single_ckpt = tmp_path_factory.mktemp("single"), tmp_path_factory.mktemp("single_ckpt")
    proc = subprocess.run([sys.executable, WORKER, str(single_out), str(single_ckpt)], env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(os.path.join(single_out, "result_0.json")) as f:
        single = json.load(f)
    dp_out, dp_ckpt = tmp_path_factory.mktemp("dp"), tmp_path_factory.mktemp("dp_ckpt")
    ranks = _run_ranks(dp_out, dp_ckpt, world=2)
    return single, ranks, dp_ckpt


def test_ranks_end_with_identical_weights(runs):
    _, ranks, _ = runs
    for a, b in zip(ranks[0]["weights"], ranks[1]["weights"]):
        np.testing.assert_array_equal(np.array(a), np.array(b))


def test_two_ranks_train_like_one_process_on_the_same_global_batches(runs):
    single, ranks, _ = runs
    assert ranks[0]["replicas"] == 2 and single["replicas"] == 1
    for a, b in zip(single["weights"], ranks[0]["weights"]):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-4, atol=1e-5)


def test_history_is_reduced_over_ranks(runs):
    single, ranks, _ = runs
    assert ranks[0]["history"] == ranks[1]["history"]
    for key, values in single["history"].items():
        np.testing.assert_allclose(ranks[0]["history"][key], values, rtol=1e-4, atol=1e-5)


def test_only_rank_0_writes_checkpoints(runs):
    _, ranks, ckpt_dir = runs
    assert ranks[0]["saved"] == ["w_1.h5", "w_2.h5", "w_3.h5"]
    assert ranks[1]["saved"] == []
    assert sorted(os.listdir(ckpt_dir)) == ["w_1.h5", "w_2.h5", "w_3.h5"]
