#!/usr/bin/env python3
"""The ONNX Runtime peer of `scripts/bench infer`: the benchmarked net as nets itself exports it
(`Export["MODEL.onnx", net]` in INFER_SETUP, the same weights nets runs), run by ONNX Runtime with
BENCH_THREADS intra-op threads (default 2).

usage: bench_onnx_peer.py MODEL.onnx NETS_OUTPUT.csv
       bench_onnx_peer.py --profile MODEL.onnx BATCH
NETS_OUTPUT.csv is nets' output on the bench's input x1. Prints one JSON line: {"ort_diff" (the
largest difference from nets' probabilities), "ort_1", "ort_32" (median seconds per batch)}.
With --profile: ONNX Runtime's own per-node profile (SessionOptions.enable_profiling) of 10 runs
at batch BATCH, printed as a table of nodes in graph order (milliseconds per run), to compare
with nets' NETS_PLAN_PROFILE=1 table.
"""
import os
import json
import sys

import numpy as np
import onnxruntime as ort

from bench_infer_peer import median


def session_options():
    options = ort.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get("BENCH_THREADS", "2"))
    options.inter_op_num_threads = 1
    return options


def profile(model, batch, runs=10):
    x = np.repeat(np.sin(0.001 * np.arange(1, 3 * 224 * 224 + 1)).astype(np.float32).reshape(1, 3, 224, 224), batch, axis=0)
    options = session_options()
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    for _ in range(3):
        session.run(None, {name: x})
    options.enable_profiling = True
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    for _ in range(runs + 1):
        session.run(None, {name: x})
    dump = session.end_profiling()
    with open(dump) as f:
        events = json.load(f)
    os.remove(dump)  # the dump is ONNX Runtime's file in the working directory; the table below is what counts
    nodes, order = {}, []
    for e in events:
        if e.get("cat") != "Node" or not e["name"].endswith("_kernel_time"):
            continue
        node = e["name"][:-len("_kernel_time")]
        if node not in nodes:
            order.append(node)
            nodes[node] = [e["args"].get("op_name", "?"), [], e["args"].get("output_type_shape", "")]
        nodes[node][1].append(e["dur"] / 1000)
    total = sum(sorted(t)[len(t) // 2] for _, t, _ in nodes.values())
    print(f"onnxruntime profile, batch {batch}: {total:.3f} ms in nodes per run (median of {runs})")
    for i, node in enumerate(order):
        op, times, shape = nodes[node]
        t = sorted(times)[len(times) // 2]
        shape = "x".join(str(d) for d in shape[0].get("float", [])) if shape else ""
        print(f"{i:3d}  {op:<22} {node[:28]:<28} {shape:<16} {t:8.3f} ms {100 * t / total:5.1f}%")


def main(model, nets_csv):
    # The bench's input: sin(0.001 i) over one 3 x 224 x 224 image, and 32 copies of it.
    x1 = np.sin(0.001 * np.arange(1, 3 * 224 * 224 + 1, dtype=np.float64)).astype(np.float32).reshape(1, 3, 224, 224)
    x32 = np.repeat(x1, 32, axis=0)
    nets_out = np.loadtxt(nets_csv, delimiter=",", dtype=np.float64).reshape(-1)
    session = ort.InferenceSession(model, session_options(), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    run = lambda x: session.run(None, {name: x})[0]
    print(json.dumps({"ort_diff": float(np.abs(run(x1).reshape(-1) - nets_out).max()),
                      "ort_1": median(lambda: run(x1), 20), "ort_32": median(lambda: run(x32), 5)}))


if __name__ == "__main__":
    if sys.argv[1] == "--profile":
        profile(sys.argv[2], int(sys.argv[3]))
    else:
        main(sys.argv[1], sys.argv[2])
