#!/usr/bin/python3
"""PyTorch peer of LSH's RHN training step (io.lsh.lm.model.RhnLanguageModel): forward + backward + SGD update of a
Recurrent Highway Network language model with the same sizes, timed per BPTT window.

Model (Zilly et al. 2017, coupled carry gate, tied embedding): x = embedding(token) with word dropout and a
variational input mask; per token D micro-layers y_d = (s m_h) R_d + b_d (+ x W_x at d = 0), h = tanh(y[:H]),
t = sigmoid(y[H:]), s = s + t (h - s); output dropout (variational), decoder = embedding^T + bias, cross-entropy; then
global-norm clipping and plain SGD. The word dropout here drops positions independently (the Java model shares the
decision between repeats of a word); the cost is the same.

Usage: rhn_train_torch.py [--hidden 830] [--depth 10] [--vocab 10000] [--batch 20] [--bptt 35] [--windows 5]
Prints one JSON line {"median_tokens_per_s", "min", "max", "threads", "peak_rss_mb"}.
Run with Debian's system python3 (/usr/bin/python3) and python3-torch + libopenblas0-pthread (bench/ensure_torch.sh).
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Rhn(nn.Module):
    def __init__(self, vocab, hidden, depth, drop_x=0.25, drop_i=0.75, drop_h=0.25, drop_o=0.75):
        super().__init__()
        self.hidden, self.depth = hidden, depth
        self.drops = (drop_x, drop_i, drop_h, drop_o)
        self.embedding = nn.Parameter(torch.empty(vocab, hidden).uniform_(-0.04, 0.04))
        self.input_weight = nn.Parameter(torch.empty(hidden, 2 * hidden).uniform_(-0.04, 0.04))
        self.recurrent = nn.ParameterList(
            [nn.Parameter(torch.empty(hidden, 2 * hidden).uniform_(-0.04, 0.04)) for _ in range(depth)])
        self.bias = nn.ParameterList([nn.Parameter(torch.cat([torch.zeros(hidden), torch.full((hidden,), -2.0)]))
                                      for _ in range(depth)])
        self.decoder_bias = nn.Parameter(torch.zeros(vocab))

    @staticmethod
    def mask(shape, p):
        return torch.bernoulli(torch.full(shape, 1 - p)) / (1 - p)

    def forward(self, tokens, s):
        steps, batch = tokens.shape
        h_size = self.hidden
        drop_x, drop_i, drop_h, drop_o = self.drops
        x = self.embedding[tokens] * self.mask((steps, batch, 1), drop_x) * self.mask((1, batch, h_size), drop_i)
        xw = (x.reshape(steps * batch, h_size) @ self.input_weight).reshape(steps, batch, 2 * h_size)
        m_h = self.mask((batch, h_size), drop_h)
        outputs = []
        for t in range(steps):
            for d in range(self.depth):
                y = torch.addmm(self.bias[d], s * m_h, self.recurrent[d])
                if d == 0:
                    y = y + xw[t]
                h = torch.tanh(y[:, :h_size])
                gate = torch.sigmoid(y[:, h_size:])
                s = s + gate * (h - s)
            outputs.append(s)
        out = torch.stack(outputs) * self.mask((1, batch, h_size), drop_o)
        logits = torch.addmm(self.decoder_bias, out.reshape(steps * batch, h_size), self.embedding.t())
        return logits, s


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, default=830)
    parser.add_argument("--depth", type=int, default=10)
    parser.add_argument("--vocab", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--bptt", type=int, default=35)
    parser.add_argument("--windows", type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(1)
    model = Rhn(args.vocab, args.hidden, args.depth)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    s = torch.zeros(args.batch, args.hidden)
    rates = []
    for w in range(args.windows + 1):
        tokens = torch.randint(args.vocab, (args.bptt, args.batch))
        targets = torch.randint(args.vocab, (args.bptt * args.batch,))
        start = time.perf_counter()
        optimizer.zero_grad()
        logits, s = model(tokens, s.detach())
        loss = F.cross_entropy(logits, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimizer.step()
        seconds = time.perf_counter() - start
        if w > 0:  # the first window warms up
            rates.append(args.bptt * args.batch / seconds)
    rates.sort()
    print(json.dumps({"median_tokens_per_s": rates[len(rates) // 2], "min": rates[0], "max": rates[-1],
                      "threads": torch.get_num_threads(),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}), flush=True)


if __name__ == "__main__":
    main()
