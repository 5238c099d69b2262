#!/usr/bin/python3
"""PyTorch peer of LSH's training loop (io.lsh.lm.train.TrainingSession) for same-run speed ratios.

The model and step are PyTorch's word_language_model (examples/word_language_model), as method.md section 2
describes the recipe: Embedding(V, H) -> dropout -> LSTM(H, H, layers, dropout between layers) -> dropout ->
Linear(H, V); float32; per window of T tokens x B columns: forward with the hidden state carried (detached),
mean cross-entropy, backward, clip_grad_norm_(0.25), then torch.optim.SGD(lr, weight_decay) or
torch.optim.Adam(lr, weight_decay). Tokens are uniform random ids (the speed does not depend on them).

Commands:
  serve   line protocol for TrainingSpeedBenchmark: each stdin line is a JSON object
          {"vocab": V, "hidden": H, "layers": 2, "batch": B, "bptt": T, "windows": N, "optimizer": "sgd"|"adam",
           "dropout": 0.2, "mode": "train"|"eval"}; the model and optimizer are built once per (V, H, layers,
          optimizer, dropout) and kept; "eval" times forward + loss only (model.eval(), torch.no_grad()),
          like the Java side's; the reply is one JSON line
          {"seconds": [per-window wall time], "tokens": B*T per window, "loss": last loss, "peak_rss_mb": ...}
          {"cmd": "info"} replies with versions and thread settings.
  info    versions and threads
Options: --threads N sets torch.set_num_threads (intra-op threads; OpenBLAS's own pool follows OPENBLAS_NUM_THREADS).
Run with Debian's system python3 (/usr/bin/python3) and python3-torch + libopenblas0-pthread (bench/ensure_torch.sh).
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn as nn


class RnnModel(nn.Module):
    """word_language_model's RNNModel for LSTM, untied, with its initialisation."""

    def __init__(self, vocab, hidden, layers, dropout):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(vocab, hidden)
        self.rnn = nn.LSTM(hidden, hidden, layers, dropout=dropout)
        self.decoder = nn.Linear(hidden, vocab)
        self.layers = layers
        self.hidden = hidden
        # word_language_model's init_weights (the LSTM keeps PyTorch's default)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

    def forward(self, tokens, state):
        emb = self.drop(self.encoder(tokens))
        out, state = self.rnn(emb, state)
        return self.decoder(self.drop(out)), state

    def init_state(self, batch):
        z = torch.zeros(self.layers, batch, self.hidden)
        return z, z.clone()


def info():
    return {"python": sys.version.split()[0], "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")}


def serve():
    cache = {}
    crit = nn.CrossEntropyLoss()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        if req.get("cmd") == "info":
            print(json.dumps(info()), flush=True)
            continue
        vocab, hidden = int(req["vocab"]), int(req["hidden"])
        layers, batch, bptt = int(req.get("layers", 2)), int(req["batch"]), int(req["bptt"])
        windows, name = int(req["windows"]), req.get("optimizer", "sgd")
        dropout = float(req.get("dropout", 0.2))
        key = (vocab, hidden, layers, name, dropout)
        if key not in cache:
            cache.clear()
            torch.manual_seed(1)
            model = RnnModel(vocab, hidden, layers, dropout)
            model.train()
            if name == "adam":
                opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1.2e-6)
            else:
                opt = torch.optim.SGD(model.parameters(), lr=1.0, weight_decay=1.2e-6)
            cache[key] = (model, opt)
        model, opt = cache[key]
        data = torch.randint(0, vocab, (windows * bptt + 1, batch), generator=torch.Generator().manual_seed(2))
        state = model.init_state(batch)
        seconds = []
        loss = float("nan")
        if req.get("mode") == "eval":  # evaluation: dropout off, no graph, the state carried
            model.eval()
            with torch.no_grad():
                for w in range(windows):
                    start = time.perf_counter()
                    out, state = model(data[w * bptt:(w + 1) * bptt], state)
                    loss = crit(out.view(-1, vocab), data[w * bptt + 1:(w + 1) * bptt + 1].reshape(-1)).item()
                    seconds.append(time.perf_counter() - start)
            model.train()
            print(json.dumps({"seconds": seconds, "tokens": batch * bptt, "loss": loss,
                              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}),
                  flush=True)
            continue
        for w in range(windows):
            start = time.perf_counter()
            x = data[w * bptt:(w + 1) * bptt]
            y = data[w * bptt + 1:(w + 1) * bptt + 1]
            state = tuple(s.detach() for s in state)
            opt.zero_grad()
            out, state = model(x, state)
            l = crit(out.view(-1, vocab), y.reshape(-1))
            l.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            opt.step()
            loss = l.item()
            seconds.append(time.perf_counter() - start)
        print(json.dumps({"seconds": seconds, "tokens": batch * bptt, "loss": loss,
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["serve", "info"])
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: leave the default)")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.command == "info":
        print(json.dumps(info()))
    else:
        serve()


if __name__ == "__main__":
    main()
