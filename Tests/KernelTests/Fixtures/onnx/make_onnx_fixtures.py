"""Makes the ONNX fixtures of Tests/KernelTests/ONNXTests.swift with the onnx Python helper, laid out
as torch.onnx.export lays out models (Conv with pads and biases, BatchNormalization, Clip as ReLU6,
GlobalAveragePool + Flatten + Gemm(transB), MatMul + Add, a residual Add, Concat, Reshape through a
Constant shape), with seeded weights; the reference outputs are ONNX Runtime's on a seeded input.
Also hostile files: huge dims, a cycle, a missing initializer, and an unsupported operator.

    python3 Tests/KernelTests/Fixtures/onnx/make_onnx_fixtures.py   (onnx 1.23.2, onnxruntime 1.32.0)
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20)


def init(name, *shape, scale=0.3):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def model(nodes, inits, inp, out, name):
    g = helper.make_graph(nodes, name, [inp], [out], initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="pytorch", producer_version="2.5")
    m.ir_version = 7
    return m


def save_with_reference(m, name, shape):
    onnx.checker.check_model(m)
    path = os.path.join(HERE, name + ".onnx")
    onnx.save(m, path)
    x = rng.standard_normal(shape).astype(np.float32)
    y = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {m.graph.input[0].name: x})[0]
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"input": np.round(x.astype(np.float64), 6).tolist(), "output": y.astype(np.float64).tolist()}, f)


def raw_tensor(name, dims, raw):
    """A float tensor whose raw data need not fit its dims (the helper would refuse it)."""
    t = TensorProto()
    t.name, t.data_type, t.raw_data = name, TensorProto.FLOAT, raw
    t.dims.extend(dims)
    return t


def batch_input(name, *dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch_size", *dims])


# A small convolutional classifier, as torch exports one.
conv = model([
    helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"], name="/conv1/Conv",
                     kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1], dilations=[1, 1], group=1),
    helper.make_node("BatchNormalization", ["/conv1/Conv_output_0", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"],
                     ["/bn1/BatchNormalization_output_0"], name="/bn1/BatchNormalization", epsilon=1e-5, momentum=0.9),
    helper.make_node("Relu", ["/bn1/BatchNormalization_output_0"], ["/relu/Relu_output_0"], name="/relu/Relu"),
    helper.make_node("MaxPool", ["/relu/Relu_output_0"], ["/pool/MaxPool_output_0"], name="/pool/MaxPool",
                     kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0], ceil_mode=0),
    helper.make_node("Conv", ["/pool/MaxPool_output_0", "conv2.weight"], ["/conv2/Conv_output_0"], name="/conv2/Conv",
                     kernel_shape=[3, 3], pads=[2, 2, 2, 2], strides=[1, 1], dilations=[2, 2], group=2),
    helper.make_node("Clip", ["/conv2/Conv_output_0", "zero", "six"], ["/act/Clip_output_0"], name="/act/Clip"),
    helper.make_node("AveragePool", ["/act/Clip_output_0"], ["/avg/AveragePool_output_0"], name="/avg/AveragePool",
                     kernel_shape=[2, 2], strides=[1, 1], pads=[1, 1, 0, 0], count_include_pad=1),
    helper.make_node("GlobalAveragePool", ["/avg/AveragePool_output_0"], ["/gap/GlobalAveragePool_output_0"], name="/gap/GlobalAveragePool"),
    helper.make_node("Flatten", ["/gap/GlobalAveragePool_output_0"], ["/Flatten_output_0"], name="/Flatten", axis=1),
    helper.make_node("Gemm", ["/Flatten_output_0", "fc.weight", "fc.bias"], ["/fc/Gemm_output_0"], name="/fc/Gemm", alpha=1.0, beta=1.0, transB=1),
    helper.make_node("Softmax", ["/fc/Gemm_output_0"], ["output"], name="/Softmax", axis=-1),
], [
    init("conv1.weight", 4, 3, 3, 3), init("conv1.bias", 4), init("bn1.weight", 4), init("bn1.bias", 4),
    init("bn1.running_mean", 4, scale=0.1),
    numpy_helper.from_array(rng.uniform(0.5, 1.5, 4).astype(np.float32), "bn1.running_var"),
    init("conv2.weight", 6, 2, 3, 3),
    numpy_helper.from_array(np.array(0, np.float32), "zero"), numpy_helper.from_array(np.array(6, np.float32), "six"),
    init("fc.weight", 5, 6), init("fc.bias", 5),
], batch_input("input", 3, 8, 8), helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch_size", 5]), "torch_like_cnn")
save_with_reference(conv, "torch_like_cnn", (2, 3, 8, 8))

# A graph: MatMul + Add, scalar arithmetic, a residual Add, Concat, Reshape by a Constant shape.
mlp = model([
    helper.make_node("MatMul", ["x", "w1"], ["h1"], name="/fc1/MatMul"),
    helper.make_node("Add", ["h1", "b1"], ["h2"], name="/fc1/Add"),
    helper.make_node("Tanh", ["h2"], ["t"], name="/Tanh"),
    helper.make_node("Mul", ["t", "half"], ["t2"], name="/Mul"),
    helper.make_node("Sub", ["t2", "quarter"], ["t3"], name="/Sub"),
    helper.make_node("Sigmoid", ["h2"], ["s"], name="/Sigmoid"),
    helper.make_node("Add", ["t3", "s"], ["r"], name="/residual/Add"),
    helper.make_node("Identity", ["r"], ["r2"], name="/Identity"),
    helper.make_node("Dropout", ["r2"], ["d"], name="/dropout/Dropout"),
    helper.make_node("Concat", ["d", "h2"], ["c"], name="/Concat", axis=1),
    helper.make_node("Constant", [], ["shape"], name="/Constant", value=numpy_helper.from_array(np.array([-1, 4, 4], np.int64))),
    helper.make_node("Reshape", ["c", "shape"], ["rs"], name="/Reshape"),
    helper.make_node("Flatten", ["rs"], ["f"], name="/Flatten", axis=1),
    helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="/fc2/Gemm", transB=0),
], [init("w1", 5, 8), init("b1", 8), numpy_helper.from_array(np.array(0.5, np.float32), "half"),
    numpy_helper.from_array(np.array([0.25], np.float32), "quarter"), init("w2", 16, 3), init("b2", 3)],
    batch_input("x", 5), helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 3]), "torch_like_graph")
save_with_reference(mlp, "torch_like_graph", (3, 5))

# Operators with no nets layer, and hostile files (written unchecked: the checker refuses them).
unsupported = model([
    helper.make_node("Relu", ["x"], ["a"], name="/relu/Relu"),
    helper.make_node("Shape", ["a"], ["s"], name="/Shape"),
    helper.make_node("Reshape", ["a", "s"], ["y"], name="/Reshape"),
], [], batch_input("x", 4), helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 4]), "unsupported")
onnx.save(unsupported, os.path.join(HERE, "unsupported_operator.onnx"))

huge = model([helper.make_node("Gemm", ["x", "w"], ["y"], name="/fc/Gemm", transB=1)],
             [raw_tensor("w", [1 << 40, 1 << 40], b"\0\0\0\0")],
             batch_input("x", 4), helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 4]), "huge")
onnx.save(huge, os.path.join(HERE, "hostile_huge_dims.onnx"))

short = model([helper.make_node("Gemm", ["x", "w"], ["y"], name="/fc/Gemm", transB=1)],
              [raw_tensor("w", [4, 4], b"\0" * 12)],
              batch_input("x", 4), helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 4]), "short")
onnx.save(short, os.path.join(HERE, "hostile_short_data.onnx"))

cycle = model([helper.make_node("Relu", ["b"], ["a"], name="/first"), helper.make_node("Add", ["x", "a"], ["b"], name="/second")],
              [], batch_input("x", 4), helper.make_tensor_value_info("b", TensorProto.FLOAT, ["batch_size", 4]), "cycle")
onnx.save(cycle, os.path.join(HERE, "hostile_cycle.onnx"))

missing = model([helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["y"], name="/fc/Gemm", transB=1)],
                [init("fc.weight", 2, 4)], batch_input("x", 4),
                helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 2]), "missing")
onnx.save(missing, os.path.join(HERE, "hostile_missing_initializer.onnx"))

external = model([helper.make_node("Gemm", ["x", "w"], ["y"], name="/fc/Gemm", transB=1)],
                 [init("w", 2, 4)], batch_input("x", 4), helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 2]), "external")
w = external.graph.initializer[0]
w.ClearField("raw_data")
w.data_location = TensorProto.EXTERNAL
for k, v in [("location", "../../../etc/passwd"), ("offset", "0"), ("length", "32")]:
    e = w.external_data.add()
    e.key, e.value = k, v
onnx.save(external, os.path.join(HERE, "hostile_external_path.onnx"))
print("wrote fixtures to", HERE)
