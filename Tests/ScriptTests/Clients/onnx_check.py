"""nets's ONNX exports checked by the ecosystem: onnx.checker.check_model accepts each model and
ONNX Runtime's outputs match nets's own on the same inputs. Run by Tests/ScriptTests/ONNXTests.swift
as `python3 -S onnx_check.py NETS_BINARY WORKDIR` with the pinned clients (onnx, onnxruntime) on
PYTHONPATH; prints one line per model (`ok   NAME max |difference| D`) and exits 1 on a failure."""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort

nets, work = sys.argv[1], sys.argv[2]

# name -> (net, tolerance on the largest absolute difference)
CASES = {
    "mobilenet_v2": ("NetInitialize[NetReplacePart[MobileNetV2Architecture[], \"Input\" -> {3, 224, 224}], RandomSeeding -> 1]", 1e-5),
    "small_cnn": ("NetInitialize[NetChain[{ConvolutionLayer[8, 3, \"PaddingSize\" -> 1, \"Stride\" -> 2], BatchNormalizationLayer[], "
                  "ElementwiseLayer[Clip[#, {0, 6}] &], ConvolutionLayer[8, 3, \"ChannelGroups\" -> 8, \"PaddingSize\" -> 1], Ramp, "
                  "PoolingLayer[2, 2, \"Function\" -> Mean], ConvolutionLayer[4, 3, \"Dilation\" -> 2, \"PaddingSize\" -> 2], "
                  "PoolingLayer[3, 1, \"PaddingSize\" -> 1], AggregationLayer[Mean], LinearLayer[10], "
                  "ElementwiseLayer[Tanh[#] * 2 + LogisticSigmoid[#] &], SoftmaxLayer[]}, \"Input\" -> {3, 16, 16}], RandomSeeding -> 2]", 1e-5),
    "graph": ("NetInitialize[NetGraph[{LinearLayer[6], ElementwiseLayer[Tanh], ElementwiseLayer[Ramp], TotalLayer[], CatenateLayer[], "
              "FlattenLayer[], ReshapeLayer[{3, 4}], FlattenLayer[], LinearLayer[3], DropoutLayer[]}, "
              "{1 -> 2, 1 -> 3, {2, 3} -> 4, {4, 1} -> 5, 5 -> 6 -> 7 -> 8 -> 9 -> 10}, \"Input\" -> 4], RandomSeeding -> 3]", 1e-5),
    "deconvolution": ("NetInitialize[NetChain[{DeconvolutionLayer[4, 2, \"Stride\" -> 2], Ramp, DeconvolutionLayer[4, 3, \"Stride\" -> 2, "
                      "\"PaddingSize\" -> 1, \"ChannelGroups\" -> 2], DeconvolutionLayer[2, 3, \"PaddingSize\" -> \"Same\", \"Dilation\" -> 2]}, "
                      "\"Input\" -> {4, 5, 5}], RandomSeeding -> 4]", 1e-5),
    "lstm": ("NetInitialize[NetChain[{LongShortTermMemoryLayer[5], SequenceLastLayer[], LinearLayer[3]}, \"Input\" -> {6, 4}], RandomSeeding -> 5]", 1e-5),
    "recurrent": ("NetInitialize[NetChain[{GatedRecurrentLayer[5], BasicRecurrentLayer[3], SequenceMostLayer[], SequenceRestLayer[], "
                  "SequenceReverseLayer[], AggregationLayer[Total, 1]}, \"Input\" -> {6, 4}], RandomSeeding -> 6]", 1e-5),
    "embedding": ("NetInitialize[NetChain[{EmbeddingLayer[3, 10], LongShortTermMemoryLayer[4], AggregationLayer[Max, 1], "
                  "LinearLayer[2]}, \"Input\" -> {7}], RandomSeeding -> 7]", 1e-5),
    "bidirectional": ("NetInitialize[NetChain[{NetBidirectionalOperator[LongShortTermMemoryLayer[4]], NetBidirectionalOperator[GatedRecurrentLayer[3]], "
                      "NetBidirectionalOperator[BasicRecurrentLayer[2]], SequenceLastLayer[], LinearLayer[2]}, \"Input\" -> {6, 4}], RandomSeeding -> 8]", 1e-5),
    "layernorm": ("NetInitialize[NetChain[{LinearLayer[{3, 8}], NormalizationLayer[2, \"Same\", \"Epsilon\" -> 0.01], ElementwiseLayer[\"GELU\"], "
                  "NormalizationLayer[1 ;; All, \"Same\"], LinearLayer[2]}, \"Input\" -> 5], RandomSeeding -> 9]", 1e-5),
    "transpose": ("NetInitialize[NetChain[{TransposeLayer[{3, 1, 2}], ConvolutionLayer[2, 1], TransposeLayer[], FlattenLayer[], LinearLayer[3]}, "
                  "\"Input\" -> {4, 3, 2}], RandomSeeding -> 10]", 1e-5),
    "parts": ("NetInitialize[NetGraph[{ResizeLayer[{Scaled[2], 5}], ConvolutionLayer[4, 1], PartLayer[{1 ;; 2, -1 ;; 1 ;; -2}], "
              "PartLayer[{{4, 1}, 2 ;; 4}], ConstantArrayLayer[{2, 1, 1}], ThreadingLayer[Times], ThreadingLayer[Max], CatenateLayer[2], "
              "ResizeLayer[{Scaled[3], All}, Resampling -> \"Nearest\"], FlattenLayer[], LinearLayer[3]}, "
              "{1 -> 2, 2 -> 3, 2 -> 4, {3, 5} -> 6, {6, 4} -> 7, {7, 3} -> 8, 8 -> 9, 9 -> 10, 10 -> 11}, \"Input\" -> {2, 3, 4}], RandomSeeding -> 11]", 1e-5),
    "padding": ("NetInitialize[NetChain[{PaddingLayer[{{0, 0}, {1, 2}, {2, 1}}, \"Padding\" -> \"Reflected\"], ConvolutionLayer[2, 3], "
                "PaddingLayer[{{1, 0}, {0, 1}}, \"Padding\" -> -0.5], PaddingLayer[{{0, 0}, {1, 1}, {2, 0}}, \"Padding\" -> \"Fixed\"], FlattenLayer[], LinearLayer[3]}, "
                "\"Input\" -> {2, 4, 5}], RandomSeeding -> 12]", 1e-5),
}
# inputs other than uniform reals in [-1, 1]: the embedding reads indices 1...10
INPUTS = {"embedding": "Table[RandomInteger[{1, 10}, 7], 2]"}
DEFAULT_INPUT = 'Table[RandomReal[{-1, 1}, First[Values[Information[net, "InputPorts"]]]], 2]'

lines = []
for name, (net, _) in CASES.items():
    model = os.path.join(work, name + ".onnx")
    lines.append(f'net = {net}; Export["{model}", net]; '
                 f'x = {INPUTS.get(name, DEFAULT_INPUT)}; '
                 f'Export["{os.path.join(work, name + ".txt")}", ToString[{{Dimensions[x], Flatten[x], Dimensions[net[x]], Flatten[net[x]]}}, InputForm]];')
script = os.path.join(work, "export.nets")
with open(script, "w") as f:
    f.write("\n".join(lines) + "\n")
run = subprocess.run([nets, script], capture_output=True, text=True, timeout=600)
if run.returncode != 0 or "::" in run.stdout:
    print("FAIL nets export:", run.stdout, run.stderr)
    sys.exit(1)

failed = False
for name, (_, tolerance) in CASES.items():
    path = os.path.join(work, name + ".onnx")
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        with open(os.path.join(work, name + ".txt")) as f:
            # {dims of x, x flattened, dims of nets's output, the output flattened} in InputForm
            x_dims, x, y_dims, y_nets = json.loads(f.read().replace("{", "[").replace("}", "]").replace("*^", "e"))
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        x = np.asarray(x, dtype=np.float32).reshape(x_dims)
        y = session.run(None, {session.get_inputs()[0].name: x})[0]
        d = float(np.max(np.abs(y - np.asarray(y_nets, dtype=np.float32).reshape(y_dims))))
        ok = d <= tolerance
    except Exception as e:  # a failure of the checker or the runtime is this model's failure
        d, ok = f"error {e}", False
    failed = failed or not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name} max |difference| {d}")
sys.exit(1 if failed else 0)
