#!/usr/bin/env bash
# Publishes NativeCnn for a GPU server that has no .NET SDK: the trainer (nativecnn), the bench and the test suite,
# framework-dependent (Release), next to a copy of the .NET runtime taken from this machine's SDK, in one folder and
# one .tar.xz. The tests are a Microsoft.Testing.Platform executable with NUnit's runner, so they run without
# `dotnet test`. On the server:
#   tar -xJf nativecnn-bundle.tar.xz && cd nativecnn-bundle && source ./env.sh
#   nativecnn devices
#   tests/NativeCnn.Tests --filter "FullyQualifiedName~NativeCnn.Tests.Ops"
#   bench/NativeCnn.Bench step-stats --device cuda --models seed002 --batch 8,32
# Usage: bash scripts/publish-bundle.sh [OUTPUT_DIR]   (default: publish/, git-ignored; writes OUTPUT_DIR/nativecnn-bundle{,.tar.xz})
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(realpath -m "${1:-publish}")"
bundle="$out/nativecnn-bundle"
rm -rf "$bundle" "$out/nativecnn-bundle.tar.xz"
mkdir -p "$bundle"

# linux-x64 only (GPU servers), framework-dependent, English messages only: the other platforms' native assets and the
# translated resources would triple the size.
publish=(-c Release -r linux-x64 --no-self-contained -p:SatelliteResourceLanguages=en -nologo -v quiet)
echo "publishing nativecnn, bench and tests (Release, linux-x64, framework-dependent) to $bundle" >&2
dotnet publish trainer/NativeCnn.Trainer.csproj "${publish[@]}" -o "$bundle/nativecnn"
dotnet publish bench/NativeCnn.Bench.csproj "${publish[@]}" -o "$bundle/bench"
# NativeCnnTestExecutable turns the test project into a Microsoft.Testing.Platform executable (NUnit's runner) for the
# bundle only: `dotnet test` in the repository keeps running it through VSTest.
dotnet publish tests/NativeCnn.Tests.csproj "${publish[@]}" -p:NativeCnnTestExecutable=true -o "$bundle/tests"
# BenchmarkDotNet's suites build benchmark projects with the SDK, which a bundle's server lacks; the bench's own
# commands (step-stats, train-throughput, layer-profile, gemm-quick) never load its compiler and tracing libraries. The
# tests reference the bench (the fuzzer), so they carry the same libraries.
for app in "$bundle/bench" "$bundle/tests"; do
  rm -f "$app"/Microsoft.CodeAnalysis*.dll "$app"/Microsoft.Diagnostics.*.dll "$app"/Iced.dll \
    "$app"/Gee.External.Capstone.dll "$app"/Dia2Lib.dll "$app"/TraceReloggerLib.dll "$app"/libcapstone.so
  rm -rf "$app"/runtimes "$app"/amd64 "$app"/x86 "$app"/arm64
done
# A GPU session needs neither face detection (OpenCV's native library, 110 MB) nor the ONNX Runtime that checks exports
# (35 MB), nor the test platform's code-coverage collector: without them the bundle stays under 40 MB. `predict
# --detect-faces` then names the missing library, and the tests of those features fail there (run the GPU tests with
# a filter, as scripts/gpu-session.sh does).
rm -f "$bundle"/nativecnn/libOpenCvSharpExtern.so "$bundle"/tests/libOpenCvSharpExtern.so \
  "$bundle"/tests/libonnxruntime*.so "$bundle"/tests/onnxruntime*.dll
# The coverage collector's instrumentation engines (Windows, macOS, Alpine, Ubuntu builds) go with it.
rm -rf "$bundle"/tests/CodeCoverage "$bundle"/tests/x64 "$bundle"/tests/alpine "$bundle"/tests/macos "$bundle"/tests/ubuntu

# The runtime the apps were built for, copied from the SDK's own dotnet root: the host (dotnet, host/fxr) and
# Microsoft.NETCore.App, nothing else (no SDK, no ASP.NET).
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')"
[ -n "$version" ] || { echo "error: no Microsoft.NETCore.App 10.x runtime next to $(command -v dotnet)" >&2; exit 1; }
fxr="$(ls "$dotnet_root/host/fxr" | sort -V | tail -n 1)"
mkdir -p "$bundle/dotnet/shared/Microsoft.NETCore.App" "$bundle/dotnet/host/fxr"
cp "$dotnet_root/dotnet" "$bundle/dotnet/"
cp -r "$dotnet_root/host/fxr/$fxr" "$bundle/dotnet/host/fxr/"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$version" "$bundle/dotnet/shared/Microsoft.NETCore.App/"

# The architectures, and the solution file the tests look for to find models/ (they run from the bundle as from a clone).
cp -r models "$bundle/models"
cp NativeCnn.sln "$bundle/"
cat > "$bundle/env.sh" <<'ENV'
# source this: the bundled .NET runtime and the three programs on PATH
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DOTNET_ROOT="$here/dotnet"
export PATH="$here/nativecnn:$here/bench:$here/tests:$here/dotnet:$PATH"
ENV

echo "compressing (xz -9)" >&2
tar -C "$out" -cf - nativecnn-bundle | xz -9 -T0 > "$out/nativecnn-bundle.tar.xz"
size=$(stat -c %s "$out/nativecnn-bundle.tar.xz")
echo "$out/nativecnn-bundle.tar.xz: $((size / 1024 / 1024)) MiB (.NET runtime $version)"
limit=$((40 * 1000 * 1000))
[ "$size" -le "$limit" ] || { echo "error: the bundle is larger than 40 MB" >&2; exit 1; }
