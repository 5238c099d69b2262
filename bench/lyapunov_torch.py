#!/usr/bin/python3
"""PyTorch peer of LSH's Lyapunov-spectrum engine (io.lsh.lm.spectrum): the authors' QR algorithm for a stacked LSTM.

The algorithm (method.md section 4; the authors' public code, Vogt et al.'s lyapunov.py lineage):
  state     = hidden states of all layers stacked (n = sum H_l); the cell state is held fixed when differentiating
  Jacobian  = J_t = dh_t/dh_{t-1}, evaluated at the previous state and this token, block lower-triangular
              (J[l][l] = A_l, J[l][p] = B_l J[l-1][p]), materialised for every sequence of the batch: [B, n, n]
  propagate = Z = J_t^T Q (the authors' LSTM quirk, --transposed) or Z = J_t Q (the correct J, default here)
  warm-up   = the first W tokens: Q = J Q without renormalisation, then one Q = qr(Q).Q   (as the authors do)
  measure   = the same window again from the post-warm-up state, t = 1..T: Z = J Q; Q, R = torch.linalg.qr(Z);
              acc += log|diag R|   (sign fixing does not change |diag R|)
  result    = acc / T in log base 2, averaged over the B sequences, in QR order (not sorted)
The Jacobian is built with broadcasting (diag(d) U as d[:, None] * U), one batched matmul per propagation and one
batched QR per step: the "PyTorch way" the Java engine is benchmarked against.

Model folder (written by the Java side, PyTorch names; all float64 except the tokens):
  encoder.weight.npy [V, E]; rnn.weight_ih_l{l}.npy [4H, in]; rnn.weight_hh_l{l}.npy [4H, H];
  rnn.bias_ih_l{l}.npy [4H]; rnn.bias_hh_l{l}.npy [4H]  (gate order i, f, g, o); tokens.npy int64 [length, B]

Commands:
  spectrum DIR [--transposed] [--steps 35] [--warmup 10] [--log-base 2] [--exponents K] [--warmup-qr end|every]
           [--out FILE.npy]
  serve     line protocol for the Java benchmark: each stdin line is a JSON object
            {"dir": ..., "transposed": bool, "steps": T, "warmup": W, "batch": B, "warmup_qr": "end"}; the reply is one JSON line
            {"seconds": wall time of the spectrum (weights already loaded), "max": ..., "sum": ..., "peak_rss_mb": ...}
  info      versions, threads and the OpenBLAS kernel in use
Run with Debian's system python3 (/usr/bin/python3) and python3-torch + libopenblas0-pthread (bench/ensure_torch.sh).
"""
import argparse
import ctypes
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch

DTYPE = torch.float64


def load_model(folder):
    """Embedding [V, E] and per layer (W [4H, in], U [4H, H], b [4H]) as float64 tensors, plus tokens [len, B]."""
    emb = torch.from_numpy(np.load(os.path.join(folder, "encoder.weight.npy"))).to(DTYPE)
    layers = []
    l = 0
    while os.path.exists(os.path.join(folder, "rnn.weight_ih_l%d.npy" % l)):
        w = torch.from_numpy(np.load(os.path.join(folder, "rnn.weight_ih_l%d.npy" % l))).to(DTYPE)
        u = torch.from_numpy(np.load(os.path.join(folder, "rnn.weight_hh_l%d.npy" % l))).to(DTYPE)
        b = (torch.from_numpy(np.load(os.path.join(folder, "rnn.bias_ih_l%d.npy" % l))).to(DTYPE)
             + torch.from_numpy(np.load(os.path.join(folder, "rnn.bias_hh_l%d.npy" % l))).to(DTYPE))
        layers.append((w.contiguous(), u.contiguous(), b.contiguous()))
        l += 1
    if not layers:
        raise SystemExit("no rnn.weight_ih_l0.npy in " + folder)
    tokens = torch.from_numpy(np.load(os.path.join(folder, "tokens.npy")).astype(np.int64))
    return emb, layers, tokens


def step_and_jacobian(layers, x, h, c):
    """One LSTM step for the batch (x [B, E], h and c lists of [B, H_l]); returns (h', c', J) with
    J [B, n, n], J[b, row, col] = d h'_row / d h_col (stacked hidden state, cell state held fixed)."""
    batch = x.shape[0]
    sizes = [u.shape[1] for (_, u, _) in layers]
    n = sum(sizes)
    offsets = [sum(sizes[:l]) for l in range(len(sizes))]
    jac = torch.zeros(batch, n, n, dtype=DTYPE)
    h_new, c_new = [], []
    inp = x
    for l, (w, u, b) in enumerate(layers):
        hs = sizes[l]
        y = torch.addmm(b, inp, w.t()) + h[l] @ u.t()
        gi, gf, gg, go = y.chunk(4, dim=1)
        si, sf, tg, so = torch.sigmoid(gi), torch.sigmoid(gf), torch.tanh(gg), torch.sigmoid(go)
        cn = sf * c[l] + si * tg
        tc = torch.tanh(cn)
        hn = so * tc
        alpha = so * (1 - tc * tc)
        d = torch.stack([alpha * si * (1 - si) * tg,      # d/dy_i
                         alpha * sf * (1 - sf) * c[l],    # d/dy_f (c held fixed)
                         alpha * si * (1 - tg * tg),      # d/dy_g
                         so * (1 - so) * tc], dim=1)      # d/dy_o      -> [B, 4, H]
        r = slice(offsets[l], offsets[l] + hs)
        # A_l = sum_gates diag(d_gate) U_gate   ([B, H, H])
        jac[:, r, r] = torch.einsum("bgj,gjm->bjm", d, u.view(4, hs, hs))
        if l > 0:
            b_l = torch.einsum("bgj,gjm->bjm", d, w.view(4, hs, w.shape[1]))   # input block B_l [B, H, H_{l-1}]
            rp = slice(offsets[l - 1], offsets[l - 1] + sizes[l - 1])
            for p in range(l):
                cp = slice(offsets[p], offsets[p] + sizes[p])
                jac[:, r, cp] = torch.bmm(b_l, jac[:, rp, cp])
        h_new.append(hn)
        c_new.append(cn)
        inp = hn
    return h_new, c_new, jac


def spectrum(emb, layers, tokens, steps=35, warmup=10, transposed=False, log_base=2.0, exponents=0,
             warmup_qr="end"):
    """The mean spectrum over the B = tokens.shape[1] sequences (tensor [k]); replay-window warm-up.
    warmup_qr: "end" = the authors' warm-up (W products, then one QR); "every" = a QR after every warm-up product
    (the Java engine's way: the same Q in exact arithmetic, but the trailing directions survive in floating point)."""
    batch = tokens.shape[1]
    sizes = [u.shape[1] for (_, u, _) in layers]
    n = sum(sizes)
    k = n if exponents == 0 else exponents
    h = [torch.zeros(batch, s, dtype=DTYPE) for s in sizes]
    c = [torch.zeros(batch, s, dtype=DTYPE) for s in sizes]
    q = torch.eye(n, dtype=DTYPE)[:, :k].repeat(batch, 1, 1)

    def propagate(jac, q):
        return torch.bmm(jac.transpose(1, 2) if transposed else jac, q)

    for t in range(warmup):
        h, c, jac = step_and_jacobian(layers, emb[tokens[t]], h, c)
        q = propagate(jac, q)
        if warmup_qr == "every":
            q, _ = torch.linalg.qr(q, mode="reduced")
    if warmup > 0 and warmup_qr == "end":
        q, _ = torch.linalg.qr(q, mode="reduced")
    acc = torch.zeros(batch, k, dtype=DTYPE)
    for t in range(steps):
        h, c, jac = step_and_jacobian(layers, emb[tokens[t]], h, c)
        q, r = torch.linalg.qr(propagate(jac, q), mode="reduced")
        acc += torch.log(torch.abs(torch.diagonal(r, dim1=1, dim2=2)))
    return (acc / (steps * math.log(log_base))).mean(dim=0)


def openblas_info():
    """Config and kernel (core name) of the OpenBLAS that torch loaded, via its C API; None if not found."""
    for name in ("libopenblas.so.0", "libopenblas.so", "libblas.so.3"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {"library": name, "config": lib.openblas_get_config().decode(),
                    "core": lib.openblas_get_corename().decode(), "threads": lib.openblas_get_num_threads()}
        except (OSError, AttributeError):
            continue
    return None


def info():
    return {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads(), "openblas": openblas_info(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}


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
        emb, layers, tokens = cache[folder]
        batch = int(req.get("batch", tokens.shape[1]))
        with torch.no_grad():
            start = time.perf_counter()
            le = spectrum(emb, layers, tokens[:, :batch], int(req.get("steps", 35)), int(req.get("warmup", 10)),
                          bool(req.get("transposed", False)), warmup_qr=req.get("warmup_qr", "end"))
            seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "max": float(le.max()), "sum": float(le.sum()),
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["spectrum", "serve", "info"])
    parser.add_argument("dir", nargs="?")
    parser.add_argument("--transposed", action="store_true", help="multiply by J^T (the authors' LSTM quirk)")
    parser.add_argument("--steps", type=int, default=35)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--log-base", type=float, default=2.0)
    parser.add_argument("--exponents", type=int, default=0, help="k; 0 = all")
    parser.add_argument("--warmup-qr", choices=["end", "every"], default="end",
                        help="end: the authors' warm-up (one QR after the W products); every: QR after each product")
    parser.add_argument("--out", help="write the spectrum as .npy (float64 [k])")
    args = parser.parse_args()
    if args.command == "info":
        print(json.dumps(info(), indent=1))
    elif args.command == "serve":
        serve()
    else:
        if not args.dir:
            parser.error("spectrum needs DIR")
        emb, layers, tokens = load_model(args.dir)
        with torch.no_grad():
            le = spectrum(emb, layers, tokens, args.steps, args.warmup, args.transposed, args.log_base,
                          args.exponents, args.warmup_qr)
        if args.out:
            np.save(args.out, le.numpy())
        else:
            print(" ".join("%.17g" % v for v in le.tolist()))


if __name__ == "__main__":
    main()
