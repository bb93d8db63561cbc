#!/usr/bin/env bash
# One run on a lent CUDA machine: the CUDA-marked tests, the conformance cases with the package on
# the GPU, a host-time profile of a training step, and the benchmarks on the GPU with Keras 3 beside.
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
if ls .whl/*.whl >/dev/null 2>&1; then  # Keras 3 beside the image's torch, for the benchmarks only
  python3 -m pip install -q --no-index --no-deps --target /tmp/k3site .whl/*.whl &&
    printf '#!/bin/sh\nPYTHONPATH=/tmp/k3site exec python3 "$@"\n' > /tmp/k3py && chmod +x /tmp/k3py
fi
echo "== CUDA-marked tests"
timeout 90 python3 -m pytest -q -p no:cacheprovider -m cuda tests 2>&1 | tee "$OUT/cuda_tests.log" | tail -25
echo "== conformance cases (shared + own) with the package on the GPU"
# the runner hides GPUs from cases (CUDA_VISIBLE_DEVICES=""); this copy lets them see the GPU
sed -i 's/CUDA_VISIBLE_DEVICES=""/CUDA_VISIBLE_DEVICES="0"/' ../shared/conformance/run.py
timeout "$SUITE_S" python3 -m pytest -q -p no:cacheprovider -n 14 -rf tests/conformance \
  2>&1 | tee "$OUT/conformance_cuda.log" | grep -E "^(FAILED|ERROR)|passed|failed" | head -60
echo "== host time per step on the GPU"
for w in mlp tiny; do timeout 60 python3 benchmarks/profile_step.py $w --device cuda --top 12 2>&1 | grep -v Warn; done | tee "$OUT/profile_cuda.log"
echo "== benchmarks on the GPU"
K3=(--no-keras3); [ -x /tmp/k3py ] && K3=(--keras3-python /tmp/k3py)
timeout 180 python3 benchmarks/run_all.py --device cuda --threads 4 --rounds "$ROUNDS" \
  --only mlp,cnn,lstm,gru,tiny,predict "${K3[@]}" --out "$OUT/RESULTS_cuda.md" 2>&1 | tail -12
