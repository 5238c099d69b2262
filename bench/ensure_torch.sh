#!/bin/sh
# Installs the PyTorch peer (Debian's python3-torch for the system python3, plus the pthread OpenBLAS so torch
# does not fall back to the reference BLAS) if it is missing. Needs root (apt-get). Never run this in CI.
set -e
if /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    exit 0
fi
if [ -n "$CI" ]; then
    echo "ensure_torch.sh: refusing to apt-get install in CI" >&2
    exit 1
fi
apt-get update && apt-get install -y python3-torch libopenblas0-pthread
