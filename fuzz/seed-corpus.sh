#!/usr/bin/env bash
# Seeds the fuzzing corpus with every shipped scenario.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/scenario
cp ../scenarios/*.toml ../scenarios/validation/*.toml ../scenarios/bench/*.toml corpus/scenario/
