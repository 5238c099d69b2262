#!/usr/bin/python3
"""Checks a file written by `lsh export --reference` against PyTorch.

Loads the .npz into PyTorch's word_language_model architecture (nn.Embedding(V, E) -> nn.LSTM(E, H, L) ->
nn.Linear(H, V)) with load_state_dict(strict=True), so every name and shape must be exactly PyTorch's, runs it in
eval mode from a zero state over the exported token window ('window', int64 [T, B]: rows 0..T-2 are the inputs,
rows 1..T-1 the targets) and compares its logits and mean cross-entropy with the ones LSH computed
('reference.logits' [T-1, B, V], 'reference.loss'). It then computes the Lyapunov spectrum of the loaded weights
on the window with the PyTorch peer lyapunov_torch.py (float64, QR after every warm-up step as LSH does, the
T, W and Jacobian convention of 'reference.spectrum_settings') and compares it with 'reference.spectrum', which is
what `lsh spectrum` prints for the same options.

  /usr/bin/python3 bench/check_export.py MODEL.npz [--tolerance 1e-4] [--spectrum-tolerance 1e-6]

Prints the max |logit difference| and |loss difference| in the file's precision and in float64 (the weights
promoted: what is left there is LSH's own rounding) and the max |exponent difference|, and exits 1 if the
file's-precision differences or the spectrum's exceed their tolerance. Needs Debian's system python3 with
python3-torch (bench/ensure_torch.sh).
"""
import os
import argparse
import sys

import numpy as np
import torch
from torch import nn

NON_PARAMETERS = ("window", "reference.logits", "reference.loss", "reference.spectrum",
                  "reference.spectrum_settings")
REQUIRED = ("window", "reference.logits", "reference.loss")


class RNNModel(nn.Module):
    """pytorch/examples word_language_model RNNModel (LSTM), without dropout (eval mode)."""

    def __init__(self, vocab, embedding, hidden, layers):
        super().__init__()
        self.encoder = nn.Embedding(vocab, embedding)
        self.rnn = nn.LSTM(embedding, hidden, layers)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        output, _ = self.rnn(self.encoder(tokens))
        return self.decoder(output)


def load(path, dtype):
    archive = np.load(path)
    missing = [k for k in REQUIRED if k not in archive.files]
    if missing:
        sys.exit(f"check_export.py: {path} has no {', '.join(missing)} (export it with --reference)")
    state = {k: torch.from_numpy(archive[k]).to(dtype) for k in archive.files if k not in NON_PARAMETERS}
    vocab, embedding = state["encoder.weight"].shape
    layers = sum(1 for k in state if k.startswith("rnn.weight_ih_l"))
    widths = {state[f"rnn.weight_hh_l{l}"].shape[1] for l in range(layers)}
    if len(widths) != 1:
        sys.exit(f"check_export.py: layers of different widths {sorted(widths)} do not form one nn.LSTM")
    model = RNNModel(vocab, embedding, widths.pop(), layers).to(dtype)
    model.load_state_dict(state, strict=True)
    model.eval()
    window = torch.from_numpy(archive["window"])
    assert window.dtype == torch.int64 and window.dim() == 2, (window.dtype, window.shape)
    return model, window, archive["reference.logits"], float(archive["reference.loss"])


def compare(path, dtype):
    model, window, ref_logits, ref_loss = load(path, dtype)
    with torch.no_grad():
        logits = model(window[:-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), window[1:].reshape(-1)).item()
    if tuple(logits.shape) != ref_logits.shape:
        sys.exit(f"check_export.py: logits shape {tuple(logits.shape)} != reference {ref_logits.shape}")
    max_logit = (logits.double() - torch.from_numpy(ref_logits).double()).abs().max().item()
    return max_logit, abs(loss - ref_loss), loss, ref_loss, tuple(window.shape)


def compare_spectrum(path):
    """Max |exponent difference| between lyapunov_torch.py on the exported weights and window, and LSH's."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import lyapunov_torch
    archive = np.load(path)
    f64 = lambda k: torch.from_numpy(archive[k]).to(torch.float64).contiguous()
    layers = []
    while f"rnn.weight_ih_l{len(layers)}" in archive.files:
        l = len(layers)
        layers.append((f64(f"rnn.weight_ih_l{l}"), f64(f"rnn.weight_hh_l{l}"),
                       f64(f"rnn.bias_ih_l{l}") + f64(f"rnn.bias_hh_l{l}")))
    steps, warmup, transposed = (int(v) for v in archive["reference.spectrum_settings"])
    with torch.no_grad():
        ours = lyapunov_torch.spectrum(f64("encoder.weight"), layers, torch.from_numpy(archive["window"]),
                                       steps, warmup, bool(transposed), warmup_qr="every")
    reference = torch.from_numpy(archive["reference.spectrum"])
    return (ours - reference).abs().max().item(), len(reference), steps, warmup, bool(transposed)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("npz")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--spectrum-tolerance", type=float, default=1e-6)
    args = parser.parse_args()
    torch.set_num_threads(1)
    file_dtype = torch.from_numpy(np.load(args.npz)["encoder.weight"]).dtype
    max_logit, loss_diff, loss, ref_loss, shape = compare(args.npz, file_dtype)
    max_logit64, loss_diff64, _, _, _ = compare(args.npz, torch.float64)
    print(f"torch {torch.__version__}: load_state_dict(strict=True) ok; window {list(shape)}; "
          f"loss {loss:.8f} (LSH {ref_loss:.8f})")
    print(f"{str(file_dtype).replace('torch.', '')}: max |logit diff| {max_logit:.3e}, |loss diff| {loss_diff:.3e}")
    print(f"float64: max |logit diff| {max_logit64:.3e}, |loss diff| {loss_diff64:.3e}")
    failed = max_logit > args.tolerance or loss_diff > args.tolerance
    if "reference.spectrum" in np.load(args.npz).files:
        spectrum_diff, k, steps, warmup, transposed = compare_spectrum(args.npz)
        print(f"spectrum ({k} exponents, T={steps}, W={warmup}{', transposed J' if transposed else ''}): "
              f"max |exponent diff| {spectrum_diff:.3e}")
        failed = failed or spectrum_diff > args.spectrum_tolerance
    if failed:
        print(f"FAILED: difference above --tolerance {args.tolerance} or --spectrum-tolerance "
              f"{args.spectrum_tolerance}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
