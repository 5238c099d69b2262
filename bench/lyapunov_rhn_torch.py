#!/usr/bin/python3
"""PyTorch peer of LSH's Lyapunov-spectrum engine for the Recurrent Highway Network (io.lsh.lm.spectrum.RhnStep).

The algorithm (method.md section 4; the authors multiply by the true Jacobian for the RHN):
  state     = the RHN state s (n = H)
  step      = D micro-layers: y_d = s R_d + b_d (+ x W_x at d = 0); h = tanh(y_d[:H]); t = sigmoid(y_d[H:]);
              s = h t + s (1 - t)   (coupled carry gate)
  Jacobian  = J_t = M_{D-1} ... M_0 with M_d = diag(t (1 - h^2)) R_H^T + diag((h - s) t (1 - t)) R_T^T + diag(1 - t),
              materialised for every sequence of the batch ([B, n, n]; D-1 batched matmuls)
  warm-up   = the first W tokens: Q = J Q, then one Q = qr(Q).Q (--warmup-qr end, the authors' way) or a QR after
              every product (--warmup-qr every, the Java engine's way: the same Q in exact arithmetic)
  measure   = the same window again from the post-warm-up state, t = 1..T: Q, R = torch.linalg.qr(J Q);
              acc += log|diag R|
  result    = acc / T in log base 2, averaged over the B sequences, in QR order (not sorted)
Model folder (written by the Java side, row-vector convention of io.lsh.lm.model.RhnWeights; float64 except tokens):
  encoder.weight.npy [V, E]; rnn.weight_ih_l0.npy [E, 2H]; rnn.weight_hh_l{d}.npy [H, 2H]; rnn.bias_l{d}.npy [2H]
  (column blocks [H | T]); tokens.npy int64 [length, B]
Commands: spectrum DIR [--steps 35] [--warmup 10] [--log-base 2] [--exponents K] [--warmup-qr end|every] [--out F]
          serve  (same line protocol as lyapunov_torch.py: {"dir", "steps", "warmup", "batch", "warmup_qr"} ->
                  {"seconds", "max", "sum", "peak_rss_mb"})
          info
Run with Debian's system python3 (/usr/bin/python3) and python3-torch + libopenblas0-pthread (bench/ensure_torch.sh).
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch

from lyapunov_torch import info

DTYPE = torch.float64


def load_model(folder):
    """Embedding [V, E], W_x [E, 2H], per micro-layer (R_H^T [H, H], R_T^T [H, H], R_d [H, 2H], b_d [2H]), tokens."""
    def load(name):
        return torch.from_numpy(np.load(os.path.join(folder, name))).to(DTYPE).contiguous()
    emb = load("encoder.weight.npy")
    w = load("rnn.weight_ih_l0.npy")
    hidden = w.shape[1] // 2
    micro = []
    d = 0
    while os.path.exists(os.path.join(folder, "rnn.weight_hh_l%d.npy" % d)):
        r = load("rnn.weight_hh_l%d.npy" % d)
        b = load("rnn.bias_l%d.npy" % d).reshape(-1)
        micro.append((r[:, :hidden].t().contiguous(), r[:, hidden:].t().contiguous(), r, b))
        d += 1
    if not micro:
        raise SystemExit("no rnn.weight_hh_l0.npy in " + folder)
    tokens = torch.from_numpy(np.load(os.path.join(folder, "tokens.npy")).astype(np.int64))
    return emb, w, micro, tokens


def step_and_jacobian(w, micro, x, s):
    """One token step for the batch (x [B, E], s [B, H]); returns (s', J [B, H, H]), J[b, row, col] = ds'_row/ds_col."""
    hidden = s.shape[1]
    jac = None
    for d, (rh_t, rt_t, r, b) in enumerate(micro):
        y = torch.addmm(b, s, r)
        if d == 0:
            y = y + x @ w
        h = torch.tanh(y[:, :hidden])
        t = torch.sigmoid(y[:, hidden:])
        a = t * (1 - h * h)
        c = (h - s) * t * (1 - t)
        m = a[:, :, None] * rh_t[None] + c[:, :, None] * rt_t[None]
        m.diagonal(dim1=1, dim2=2).add_(1 - t)
        s = s + t * (h - s)
        jac = m if jac is None else torch.bmm(m, jac)
    return s, jac


def spectrum(emb, w, micro, tokens, steps=35, warmup=10, log_base=2.0, exponents=0, warmup_qr="end"):
    """The mean spectrum over the B = tokens.shape[1] sequences (tensor [k]); replay-window warm-up."""
    batch = tokens.shape[1]
    n = w.shape[1] // 2
    k = n if exponents == 0 else exponents
    s = torch.zeros(batch, n, dtype=DTYPE)
    q = torch.eye(n, dtype=DTYPE)[:, :k].repeat(batch, 1, 1)
    for t in range(warmup):
        s, jac = step_and_jacobian(w, micro, emb[tokens[t]], s)
        q = torch.bmm(jac, q)
        if warmup_qr == "every":
            q, _ = torch.linalg.qr(q, mode="reduced")
    if warmup > 0 and warmup_qr == "end":
        q, _ = torch.linalg.qr(q, mode="reduced")
    acc = torch.zeros(batch, k, dtype=DTYPE)
    for t in range(steps):
        s, jac = step_and_jacobian(w, micro, emb[tokens[t]], s)
        q, r = torch.linalg.qr(torch.bmm(jac, q), mode="reduced")
        acc += torch.log(torch.abs(torch.diagonal(r, dim1=1, dim2=2)))
    return (acc / (steps * math.log(log_base))).mean(dim=0)


def serve():
    cache = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        if req.get("cmd") == "info":
            print(json.dumps(info()), flush=True)
            continue
        folder = req["dir"]
        if folder not in cache:
            cache.clear()
            cache[folder] = load_model(folder)
        emb, w, micro, tokens = cache[folder]
        batch = int(req.get("batch", tokens.shape[1]))
        with torch.no_grad():
            start = time.perf_counter()
            le = spectrum(emb, w, micro, tokens[:, :batch], int(req.get("steps", 35)), int(req.get("warmup", 10)),
                          warmup_qr=req.get("warmup_qr", "end"))
            seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "max": float(le.max()), "sum": float(le.sum()),
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["spectrum", "serve", "info"])
    parser.add_argument("dir", nargs="?")
    parser.add_argument("--steps", type=int, default=35)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--log-base", type=float, default=2.0)
    parser.add_argument("--exponents", type=int, default=0, help="k; 0 = all")
    parser.add_argument("--warmup-qr", choices=["end", "every"], default="end")
    parser.add_argument("--out", help="write the spectrum as .npy (float64 [k])")
    args = parser.parse_args()
    if args.command == "info":
        print(json.dumps(info(), indent=1))
    elif args.command == "serve":
        serve()
    else:
        if not args.dir:
            parser.error("spectrum needs DIR")
        emb, w, micro, tokens = load_model(args.dir)
        with torch.no_grad():
            le = spectrum(emb, w, micro, tokens, args.steps, args.warmup, args.log_base, args.exponents,
                          args.warmup_qr)
        if args.out:
            np.save(args.out, le.numpy())
        else:
            print(" ".join("%.17g" % v for v in le.tolist()))


if __name__ == "__main__":
    main()
