#!/usr/bin/env bash
# The test command: installs what the build and tests need (as root; else
# it prints the apt-get line), builds, and runs the whole suite.
#   ./run-tests.sh [make variables, e.g. SANITIZE=1]
set -euo pipefail
cd "$(dirname "$0")"
tools/deps.sh build test kernel rig bench-kernel perf
make -j"$(nproc)" "$@" all test-bins
make "$@" test
