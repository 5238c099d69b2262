#!/usr/bin/python3
"""PyTorch peer of LSH's training fidelity check (issue #3): PyTorch's word_language_model recipe on a real corpus.

Trains the untied 2-layer LSTM LM (Embedding -> dropout -> LSTM with dropout between layers -> dropout -> Linear)
for a number of epochs with word_language_model's loop (main.py): batchify the train split into B columns, windows
of T tokens (the last one shorter), hidden state carried and detached, mean cross-entropy, clip_grad_norm_, plain
SGD (p -= lr * grad), no weight decay; then the validation perplexity with evaluation batch E, state carried over
the whole split. Initialisation as word_language_model: embedding and decoder weights U(-0.1, 0.1), decoder bias 0,
LSTM PyTorch's default. The vocabulary is every word of train, valid and test, with <eos> at each line end.

Usage: train_fidelity_torch.py DATA_DIR [--hidden 200] [--layers 2] [--epochs 1] [--lr 20] [--clip 0.25]
       [--dropout 0.2] [--batch 20] [--bptt 35] [--eval-batch 10] [--seed 1] [--threads 2]
Prints one JSON line: {"valid_ppl": ..., "train_seconds": ..., "train_tokens": ..., "vocab": ...}.
Run with Debian's system python3 (/usr/bin/python3) and python3-torch + libopenblas0-pthread (bench/ensure_torch.sh).
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn

from train_speed_torch import RnnModel  # the same model and initialisation as the speed peer


def read_corpus(data_dir):
    names = ["ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"]
    if not os.path.exists(os.path.join(data_dir, names[0])):
        names = ["wiki.train.tokens", "wiki.valid.tokens", "wiki.test.tokens"]
    words = {}
    splits = []
    for name in names:
        ids = []
        with open(os.path.join(data_dir, name), encoding="utf-8") as f:
            for line in f:
                for w in line.split() + ["<eos>"]:
                    ids.append(words.setdefault(w, len(words)))
        splits.append(torch.tensor(ids, dtype=torch.long))
    return len(words), splits


def batchify(data, batch):
    n = data.size(0) // batch
    return data[: n * batch].view(batch, -1).t().contiguous()


def evaluate(model, data, bptt, vocab):
    model.eval()
    total = 0.0
    state = model.init_state(data.size(1))
    crit = nn.CrossEntropyLoss()
    with torch.no_grad():
        for i in range(0, data.size(0) - 1, bptt):
            seq = min(bptt, data.size(0) - 1 - i)
            out, state = model(data[i:i + seq], state)
            total += seq * crit(out.view(-1, vocab), data[i + 1:i + 1 + seq].reshape(-1)).item()
    return math.exp(total / (data.size(0) - 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    for name, default in [("hidden", 200), ("layers", 2), ("epochs", 1), ("batch", 20), ("bptt", 35),
                          ("eval-batch", 10), ("seed", 1), ("threads", 2)]:
        p.add_argument("--" + name, type=int, default=default)
    for name, default in [("lr", 20.0), ("clip", 0.25), ("dropout", 0.2)]:
        p.add_argument("--" + name, type=float, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    vocab, (train, valid, _) = read_corpus(a.data)
    train_data = batchify(train, a.batch)
    valid_data = batchify(valid, a.eval_batch)
    model = RnnModel(vocab, a.hidden, a.layers, a.dropout)
    crit = nn.CrossEntropyLoss()
    start = time.time()
    tokens = 0
    for _ in range(a.epochs):
        model.train()
        state = model.init_state(a.batch)
        for i in range(0, train_data.size(0) - 1, a.bptt):
            seq = min(a.bptt, train_data.size(0) - 1 - i)
            state = tuple(s.detach() for s in state)
            model.zero_grad()
            out, state = model(train_data[i:i + seq], state)
            loss = crit(out.view(-1, vocab), train_data[i + 1:i + 1 + seq].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            with torch.no_grad():
                for q in model.parameters():
                    q.add_(q.grad, alpha=-a.lr)
            tokens += seq * a.batch
    seconds = time.time() - start
    ppl = evaluate(model, valid_data, a.bptt, vocab)
    print(json.dumps({"valid_ppl": ppl, "train_seconds": seconds, "train_tokens": tokens, "vocab": vocab,
                      "seed": a.seed, "epochs": a.epochs}), flush=True)


if __name__ == "__main__":
    main()
