#!/usr/bin/python3
"""PyTorch peer of the Java AWD-LSTM-MoS model (worker/lm-core, io.lsh.lm.model.AwdMosLanguageModel) for speed.

The architecture of Yang et al. 2018 (method.md section 2, setting C): embedding dropout (whole word rows), locked
dropout on the embedded input / between layers / on the last output / on the latent, DropConnect on every recurrent
matrix (one mask per forward, applied through torch.nn.utils.stateless.functional_call so the fused CPU LSTM still
runs), Mixture-of-Softmaxes head over the tied embedding, AR and TAR. Times one forward + backward per window on random
tokens and prints one JSON line. Run with Debian's system python3 (bench/ensure_torch.sh):

    /usr/bin/python3 bench/awd_mos_torch.py --vocab 10000 --batch 20 --bptt 35 --windows 3

With --check DIR it instead reads a model and a window written by AwdMosTorchCrossCheckTest (float64 .npy files with
PyTorch names and shapes), computes the evaluation loss and, dropout off, the gradients of cross-entropy + alpha AR +
beta TAR, and writes them back as DIR/grad.<name>.npy plus one JSON line with both losses.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import stateless


def locked(x, p, training):
    """Variational dropout: one mask per sequence (dim 1), shared over time (dim 0)."""
    if not training or p == 0:
        return x
    mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p) / (1 - p)
    return x * mask


class AwdMos(nn.Module):
    def __init__(self, vocab, emb, hidden, experts, dropoute, dropouti, dropouth, dropout, dropoutl, wdrop):
        super().__init__()
        self.encoder = nn.Embedding(vocab, emb)
        sizes = [emb] + hidden
        self.rnns = nn.ModuleList(nn.LSTM(sizes[l], sizes[l + 1]) for l in range(len(hidden)))
        self.prior = nn.Linear(hidden[-1], experts, bias=False)
        self.latent = nn.Linear(hidden[-1], experts * emb)
        self.decoder_bias = nn.Parameter(torch.zeros(vocab))
        self.emb, self.experts, self.vocab = emb, experts, vocab
        self.p = dict(e=dropoute, i=dropouti, h=dropouth, o=dropout, l=dropoutl, w=wdrop)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)

    def forward(self, tokens, state):
        p, training = self.p, self.training
        weight = self.encoder.weight
        if training and p['e'] > 0:
            rows = weight.new_empty(weight.size(0), 1).bernoulli_(1 - p['e']) / (1 - p['e'])
            weight = weight * rows
        x = locked(F.embedding(tokens, weight), p['i'], training)
        new_state, last_raw = [], None
        for l, rnn in enumerate(self.rnns):
            if training and p['w'] > 0:
                params = {'weight_hh_l0': F.dropout(rnn.weight_hh_l0, p['w'], True)}
                x, s = stateless.functional_call(rnn, params, (x, state[l]))
            else:
                x, s = rnn(x, state[l])
            new_state.append(s)
            last_raw = x
            x = locked(x, p['h'] if l < len(self.rnns) - 1 else p['o'], training)
        output = x
        prior = F.log_softmax(self.prior(output), -1).view(-1, self.experts)
        latent = locked(torch.tanh(self.latent(output)), p['l'], training)
        logits = F.linear(latent.view(-1, self.emb), self.encoder.weight, self.decoder_bias)
        log_expert = F.log_softmax(logits, -1).view(-1, self.experts, self.vocab)
        log_prob = torch.logsumexp(log_expert + prior.unsqueeze(2), 1)
        return log_prob, new_state, last_raw, output


def check(directory, alpha, beta):
    import os
    import numpy as np
    load = lambda name: torch.from_numpy(np.load(os.path.join(directory, name + '.npy')))
    encoder = load('encoder.weight')
    vocab, emb = encoder.shape
    hidden, l = [], 0
    while os.path.exists(os.path.join(directory, 'rnn.weight_hh_l%d.npy' % l)):
        hidden.append(load('rnn.weight_hh_l%d' % l).shape[1])
        l += 1
    experts = load('prior.weight').shape[0]
    model = AwdMos(vocab, emb, hidden, experts, 0, 0, 0, 0, 0, 0).double()
    with torch.no_grad():
        model.encoder.weight.copy_(encoder)
        for l, rnn in enumerate(model.rnns):
            for name in ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'):
                getattr(rnn, name).copy_(load('rnn.' + name[:-1] + str(l)))
        model.prior.weight.copy_(load('prior.weight'))
        model.latent.weight.copy_(load('latent.weight'))
        model.latent.bias.copy_(load('latent.bias'))
        model.decoder_bias.copy_(load('decoder.bias'))
    inputs, targets = load('inputs'), load('targets').reshape(-1)
    state = [(load('h%d' % l).unsqueeze(0), load('c%d' % l).unsqueeze(0)) for l in range(len(hidden))]
    model.eval()
    with torch.no_grad():
        eval_loss = F.nll_loss(model(inputs, state)[0], targets).item()
    model.train()
    log_prob, _, raw, dropped = model(inputs, state)
    cross_entropy = F.nll_loss(log_prob, targets)
    penalty = alpha * dropped.pow(2).mean()
    if raw.size(0) > 1:
        penalty = penalty + beta * (raw[1:] - raw[:-1]).pow(2).mean()
    (cross_entropy + penalty).backward()
    grads = {'encoder.weight': model.encoder.weight.grad, 'prior.weight': model.prior.weight.grad,
             'latent.weight': model.latent.weight.grad, 'latent.bias': model.latent.bias.grad,
             'decoder.bias': model.decoder_bias.grad}
    for l, rnn in enumerate(model.rnns):
        grads['rnn.weight_ih_l%d' % l] = rnn.weight_ih_l0.grad
        grads['rnn.weight_hh_l%d' % l] = rnn.weight_hh_l0.grad
        grads['rnn.bias_l%d' % l] = rnn.bias_ih_l0.grad
    for name, g in grads.items():
        np.save(os.path.join(directory, 'grad.' + name + '.npy'), g.numpy().reshape(-1))
    print(json.dumps({'eval_loss': eval_loss, 'train_loss': cross_entropy.item(), 'penalty': penalty.item()}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--check', metavar='DIR')
    ap.add_argument('--alpha', type=float, default=2.0)
    ap.add_argument('--beta', type=float, default=1.0)
    ap.add_argument('--vocab', type=int, default=10000)
    ap.add_argument('--batch', type=int, default=20)
    ap.add_argument('--bptt', type=int, default=35)
    ap.add_argument('--windows', type=int, default=3)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    if args.check:
        check(args.check, args.alpha, args.beta)
        return
    torch.manual_seed(args.seed)
    model = AwdMos(args.vocab, 300, [1150, 1150, 650], 15, 0.1, 0.55, 0.2, 0.4, 0.29, 0.5)
    model.train()
    state = [(torch.zeros(1, args.batch, h), torch.zeros(1, args.batch, h)) for h in (1150, 1150, 650)]
    times = []
    for w in range(args.warmup + args.windows):
        tokens = torch.randint(args.vocab, (args.bptt, args.batch))
        targets = torch.randint(args.vocab, (args.bptt * args.batch,))
        start = time.perf_counter()
        model.zero_grad()
        log_prob, new_state, raw, dropped = model(tokens, state)
        loss = F.nll_loss(log_prob, targets)
        loss = loss + 2.0 * dropped.pow(2).mean() + 1.0 * (raw[1:] - raw[:-1]).pow(2).mean()
        loss.backward()
        state = [(h.detach(), c.detach()) for h, c in new_state]
        if w >= args.warmup:
            times.append(time.perf_counter() - start)
    times.sort()
    tokens = args.bptt * args.batch
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(),
                      'median_seconds': times[len(times) // 2],
                      'median_tokens_per_s': tokens / times[len(times) // 2],
                      'overall_tokens_per_s': tokens * len(times) / sum(times)}))


if __name__ == '__main__':
    main()
