#!/usr/bin/env bash
# One GPU slot, prepared: builds nothing on the GPU server (no SDK, no network there), runs the portable bundle's tests on
# the GPU, the GEMM tile sweep, the side-by-side comparison with PyTorch, step statistics and a per-layer profile, and
# writes everything under $OUT (at most 8 files per call: the device tool brings back no more).
#
# Here, with the .NET SDK (once):
#   bash scripts/gpu-session.sh prepare          # publish/nativecnn-bundle.tar.xz (≤ 40 MB) and publish/fer2013.tar.xz
# On the GPU server, each from the repository root with $OUT set (the device tool's run; see README, "GPU"):
#   call 1, carry publish/nativecnn-bundle.tar.xz:  bash scripts/gpu-session.sh gpu
#   call 2, carry publish/fer2013.tar.xz:            bash scripts/gpu-session.sh data
# Call 1 unpacks the bundle to /tmp/nativecnn-bundle; call 2 uses it, so it must come while the machine is still held
# (30 s after call 1; otherwise it says so and stops). Parts of call 1 can be chosen: PARTS="tests compare" (default:
# tests compare sweep stats profile, in that order of value); each part has its own time limit, so a slow part costs
# only itself and the files written so far come back. The limits add up to 560 s, so the whole call fits the device
# tool's 600 s per command (run it with timeout_s 600).
# Check the whole path here without a GPU (minutes; tiny sizes on ILGPU's CPU accelerator):
#   bash scripts/gpu-session.sh check
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
mode="${1:-}"

DEVICE="${DEVICE:-cuda}"
PARTS="${PARTS:-tests compare sweep stats profile}"
BUNDLE_DIR="${BUNDLE_DIR:-/tmp/nativecnn-bundle-root}"
DATA_DIR="${DATA_DIR:-/tmp/nativecnn-data}"
# Sizes of the real session; `check` shrinks them.
SWEEP_SIZES="${SWEEP_SIZES:-1024,2048,4096,8192}"
SWEEP_MODELS="${SWEEP_MODELS:-seed002,nativecnn-vgg}"
SWEEP_BATCH="${SWEEP_BATCH:-256}"
COMPARE_ARGS="${COMPARE_ARGS:---steps 5 --repeats 3}"
STATS_ARGS="${STATS_ARGS:---models seed002 --batch 8,32 --steps 3}"
PROFILE_ARGS="${PROFILE_ARGS:---models seed002,nativecnn-vgg --batch 256 --steps 5}"
LOADER_ARGS="${LOADER_ARGS:---batch 256 --epochs 2}"
# The server's python3 holds PyTorch with CUDA.
PYTHON="${PYTHON:-python3}"
# Every fixture of the device (their names hold it, e.g. GemmTests("cuda")) and every GEMM tile shape.
TEST_FILTER="${TEST_FILTER:-FullyQualifiedName~$DEVICE|FullyQualifiedName~GemmVariantTests}"

die() { echo "gpu-session: $*" >&2; exit 1; }

# part NAME SECONDS FILE COMMAND...: runs a part under its time limit, output to $OUT/FILE (and the terminal).
part() {
  local name="$1" limit="$2" file="$3"
  shift 3
  echo "== $name (limit ${limit}s) -> $OUT/$file" >&2
  local start=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > >(tee -a "$OUT/$file") 2>&1
  local rc=$?
  echo "== $name: exit $rc after $((SECONDS - start)) s" | tee -a "$OUT/$file" >&2
}

unpack_bundle() {
  local tarball="$root/publish/nativecnn-bundle.tar.xz"
  [ -f "$tarball" ] || die "publish/nativecnn-bundle.tar.xz is missing: run 'bash scripts/gpu-session.sh prepare' here and carry it"
  rm -rf "$BUNDLE_DIR" && mkdir -p "$BUNDLE_DIR"
  tar -C "$BUNDLE_DIR" -xJf "$tarball" || die "could not unpack $tarball"
}

use_bundle() {
  [ -f "$BUNDLE_DIR/nativecnn-bundle/env.sh" ] || die "no unpacked bundle in $BUNDLE_DIR: the machine was given back since call 1; run call 1 again"
  # shellcheck disable=SC1091
  source "$BUNDLE_DIR/nativecnn-bundle/env.sh"
  bundle="$BUNDLE_DIR/nativecnn-bundle"
}

gpu() {
  [ -n "${OUT:-}" ] || die "OUT is not set: the folder whose files come back"
  mkdir -p "$OUT"
  [ -n "${SKIP_UNPACK:-}" ] || unpack_bundle
  use_bundle
  {
    date -u
    nvidia-smi 2>&1 | head -20
    nativecnn devices 2>&1
    "$PYTHON" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')" 2>&1
  } > "$OUT/devices.txt"
  for p in $PARTS; do
    case "$p" in
      # Correctness first: every operation on the GPU against the reference, and every GEMM tile shape.
      tests) part tests 120 tests.txt "$bundle/tests/NativeCnn.Tests" --filter "$TEST_FILTER" ;;
      # The headline: PyTorch + cuDNN and NativeCnn side by side, then SGEMM against torch.mm.
      compare) part compare 240 compare.txt "$PYTHON" "$root/bench/compare_pytorch.py" --device "${PYTORCH_DEVICE:-$DEVICE}" \
                 --nativecnn-device "$DEVICE" --bench "$bundle/bench/NativeCnn.Bench" --json "$OUT/compare.jsonl" $COMPARE_ARGS ;;
      sweep) part sweep 110 sweep.txt "$bundle/bench/NativeCnn.Bench" gemm-sweep --device "$DEVICE" --sizes "$SWEEP_SIZES" \
               --models "$SWEEP_MODELS" --batch "$SWEEP_BATCH" --repeats 3 ;;
      stats) part step-stats 40 step-stats.txt "$bundle/bench/NativeCnn.Bench" step-stats --device "$DEVICE" $STATS_ARGS ;;
      profile) part layer-profile 50 layer-profile.txt "$bundle/bench/NativeCnn.Bench" layer-profile --device "$DEVICE" $PROFILE_ARGS ;;
      *) die "unknown part '$p' (tests, compare, sweep, stats, profile)" ;;
    esac
  done
  ls -l "$OUT"
}

data() {
  [ -n "${OUT:-}" ] || die "OUT is not set: the folder whose files come back"
  mkdir -p "$OUT"
  use_bundle
  local tarball="$root/publish/fer2013.tar.xz"
  [ -f "$tarball" ] || die "publish/fer2013.tar.xz is missing: run 'bash scripts/gpu-session.sh prepare' here and carry it"
  rm -rf "$DATA_DIR" && mkdir -p "$DATA_DIR" && tar -C "$DATA_DIR" -xJf "$tarball" || die "could not unpack $tarball"
  # The input pipeline alone on the server's cores: does augmentation keep up with the device's training rate?
  part loader 120 loader.txt "$bundle/bench/NativeCnn.Bench" loader-throughput --data "$DATA_DIR/fer2013" $LOADER_ARGS
  ls -l "$OUT"
}

prepare() {
  bash scripts/publish-bundle.sh publish || die "publish-bundle.sh failed"
  local data="${FER2013:-$root/../shared/data/fer2013}"
  [ -d "$data/train" ] || die "no FER-2013 folder at $data (set FER2013)"
  echo "packing $data (xz -9)" >&2
  tar -C "$(dirname "$(realpath "$data")")" -cf - "$(basename "$(realpath "$data")")" | xz -9 -T0 > publish/fer2013.tar.xz
  local repo bundle fer limit=$((64 * 1024 * 1024))
  repo=$(git ls-files -z | xargs -0 du -cb | tail -n 1 | cut -f1)
  bundle=$(stat -c %s publish/nativecnn-bundle.tar.xz)
  fer=$(stat -c %s publish/fer2013.tar.xz)
  echo "repository $((repo / 1024)) KiB; bundle $((bundle / 1024)) KiB; FER-2013 $((fer / 1024)) KiB; a call carries at most $((limit / 1024)) KiB"
  [ $((repo + bundle)) -le $limit ] || die "repository + bundle exceed what one call carries"
  [ $((repo + fer)) -le $limit ] || die "repository + FER-2013 exceed what one call carries"
}

check() {
  # The session end to end on ILGPU's CPU accelerator: same bundle, same parts, sizes small enough for two shared cores.
  [ -f publish/nativecnn-bundle.tar.xz ] && [ -f publish/fer2013.tar.xz ] || prepare
  export OUT="${OUT:-/tmp/nativecnn-gpu-session-check}" DEVICE=ilgpu-cpu
  rm -rf "$OUT"
  export TEST_FILTER='FullyQualifiedName~ilgpu-cpu|FullyQualifiedName~GemmVariantTests'
  export SWEEP_SIZES=64 SWEEP_MODELS=seed001-shallow SWEEP_BATCH=1
  export COMPARE_ARGS="--models seed001-shallow --batch 2 --infer-batch 4 --steps 1 --repeats 1 --sgemm 64" PYTORCH_DEVICE=cpu
  export STATS_ARGS="--models seed001-shallow --batch 2,4 --steps 2" PROFILE_ARGS="--models seed001-shallow --batch 2 --steps 1"
  # Debian's python3-torch (the GPU server's python3 holds a CUDA build).
  export LOADER_ARGS="--batch 256 --epochs 1" PYTHON="${CHECK_PYTHON:-/usr/bin/python3}"
  gpu && data
  echo "check: files in $OUT:"; ls -l "$OUT"
}

case "$mode" in
  prepare) prepare ;;
  gpu) gpu ;;
  data) data ;;
  check) check ;;
  *) die "usage: bash scripts/gpu-session.sh prepare|gpu|data|check" ;;
esac
