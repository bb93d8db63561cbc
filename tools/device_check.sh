#!/usr/bin/env bash
# One run on a lent CUDA machine (see CONTRIBUTING notes in README): the CUDA-marked tests, the
# whole suite with CUDA as the default device, and the benchmarks on the GPU, with Keras 3 beside.
#
#   carry: .devshared (a copy of ../shared) and .whl (Keras 3 wheels: keras, namex, optree)
#   usage: bash tools/device_check.sh [suite_seconds] [bench_rounds]
# Logs and the benchmark table go to $OUT (or /tmp/device_out).
set -u
OUT=${OUT:-/tmp/device_out}; mkdir -p "$OUT"
SUITE_S=${1:-180}; ROUNDS=${2:-5}
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD PYTHONDONTWRITEBYTECODE=1
[ -d .devshared ] && { mkdir -p ../shared && cp -r .devshared/. ../shared/; }
nvidia-smi -L
python3 -c "import torch, numpy, h5py; print('torch', torch.__version__, torch.cuda.get_device_name(), 'numpy', numpy.__version__)"
if ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m venv --system-site-packages /tmp/k3 && /tmp/k3/bin/pip install -q --no-index --no-deps .whl/*.whl
fi
echo "== CUDA-marked tests"
timeout 90 python3 -m pytest -q -p no:cacheprovider -m cuda tests 2>&1 | tee "$OUT/cuda_tests.log" | tail -25
echo "== whole suite, default device CUDA"
TORCHKERAS_DEVICE=cuda timeout "$SUITE_S" python3 -m pytest -q -p no:cacheprovider -n 12 -rf tests \
  2>&1 | tee "$OUT/suite_cuda.log" | grep -E "^(FAILED|ERROR)|passed|failed" | head -80
echo "== benchmarks on the GPU"
K3=(--no-keras3); [ -x /tmp/k3/bin/python ] && K3=(--keras3-python /tmp/k3/bin/python)
timeout 180 python3 benchmarks/run_all.py --device cuda --threads 4 --rounds "$ROUNDS" \
  --only mlp,cnn,lstm,gru,tiny,predict "${K3[@]}" --out "$OUT/RESULTS_cuda.md" 2>&1 | tail -12
