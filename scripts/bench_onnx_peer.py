#!/usr/bin/env python3
"""The ONNX Runtime peer of `scripts/bench infer`: the benchmarked net as nets itself exports it
(`Export["MODEL.onnx", net]` in INFER_SETUP, the same weights nets runs), run by ONNX Runtime with
BENCH_THREADS intra-op threads (default 2).

usage: bench_onnx_peer.py MODEL.onnx NETS_OUTPUT.csv
NETS_OUTPUT.csv is nets' output on the bench's input x1. Prints one JSON line: {"ort_diff" (the
largest difference from nets' probabilities), "ort_1", "ort_32" (median seconds per batch)}.
"""
import os
import json
import sys

import numpy as np
import onnxruntime as ort

from bench_infer_peer import median


def main(model, nets_csv):
    # The bench's input: sin(0.001 i) over one 3 x 224 x 224 image, and 32 copies of it.
    x1 = np.sin(0.001 * np.arange(1, 3 * 224 * 224 + 1, dtype=np.float64)).astype(np.float32).reshape(1, 3, 224, 224)
    x32 = np.repeat(x1, 32, axis=0)
    nets_out = np.loadtxt(nets_csv, delimiter=",", dtype=np.float64).reshape(-1)
    options = ort.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get("BENCH_THREADS", "2"))
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    run = lambda x: session.run(None, {name: x})[0]
    print(json.dumps({"ort_diff": float(np.abs(run(x1).reshape(-1) - nets_out).max()),
                      "ort_1": median(lambda: run(x1), 20), "ort_32": median(lambda: run(x32), 5)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
