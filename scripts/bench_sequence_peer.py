#!/usr/bin/env python3
"""The PyTorch side of `scripts/bench sequence`: the same nets, sizes and data shapes as nets runs.

(a) lstm_train_round: one round of training over 128 sequences of 64 vectors of size 32, batch
    32 (4 steps), of LSTM(32 -> 128) -> last state -> Linear(128 -> 4) -> softmax cross-entropy,
    Adam (learning rate 0.001), eager mode;
(b) embedding_lstm_infer: inference (no_grad) of Embedding(100 -> 64) -> LSTM(64 -> 128) -> last
    state -> Linear(128 -> 4) -> softmax over 128 sequences of 64 indices, batch 32, eager mode.
Each is the median of 3 runs after a warm-up. Threads: BENCH_THREADS (default 2). Prints one
JSON line of seconds.
"""
import json
import os
import statistics
import time

import torch

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
torch.manual_seed(1)
N, T, K, U, C, V, E, BATCH = 128, 64, 32, 128, 4, 100, 64, 32


def median(f, repeats=3):
    f()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


class Reader(torch.nn.Module):
    def __init__(self, embedding=None):
        super().__init__()
        self.embedding = embedding
        self.lstm = torch.nn.LSTM(E if embedding is not None else K, U, batch_first=True)
        self.linear = torch.nn.Linear(U, C)

    def forward(self, x):
        if self.embedding is not None:
            x = self.embedding(x)
        return self.linear(self.lstm(x)[0][:, -1])


def main():
    out = {}
    x = torch.rand(N, T, K) * 2 - 1
    labels = torch.arange(N) % C
    net = Reader()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)

    def train_round():
        for b in range(0, N, BATCH):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x[b:b + BATCH]), labels[b:b + BATCH])
            loss.backward()
            optimizer.step()

    out["lstm_train_round"] = median(train_round)

    reader = Reader(torch.nn.Embedding(V, E)).eval()
    tokens = torch.randint(0, V, (N, T))

    def infer():
        with torch.no_grad():
            for b in range(0, N, BATCH):
                torch.softmax(reader(tokens[b:b + BATCH]), dim=-1)

    out["embedding_lstm_infer"] = median(infer)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
