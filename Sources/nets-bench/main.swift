import Dispatch
import Foundation
import Tensor

// The nets side of `scripts/bench kernels`: times tensor kernels and prints one line per case,
// `CASE MEDIAN_SECONDS`, the median of repeats after a warm-up.
// Usage: nets-bench [CASE...]   (no argument: every case)

BLAS.restartWithBetterKernels()
BLAS.configureThreads()
// OpenBLAS's worker threads spin (sched_yield) for about 0.1 s after the library starts; let
// them go to sleep so they do not compete with the first cases for the cores.
Thread.sleep(forTimeInterval: 0.3)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func median(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<3 { try body() }
    var times: [Double] = []
    for _ in 0..<repeats { times.append(try seconds(body)) }
    times.sort()
    return times[times.count / 2]
}

func random(_ shape: [Int]) throws -> Tensor {
    var rng = SeededGenerator(seed: UInt64(shape.reduce(1, *)))
    return try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
}

struct ConvCase {
    let name: String
    let input: [Int]
    let weights: [Int]
    let window: Window
    let groups: Int
}

let batch = 4
let convCases = [
    ConvCase(name: "stem3x3s2", input: [batch, 3, 224, 224], weights: [32, 3, 3, 3],
             window: Window(kernel: (3, 3), stride: (2, 2), padding: (1, 1, 1, 1)), groups: 1),
    ConvCase(name: "expand1x1", input: [batch, 24, 56, 56], weights: [144, 24, 1, 1], window: Window(kernel: (1, 1)), groups: 1),
    ConvCase(name: "depthwise3x3", input: [batch, 144, 56, 56], weights: [144, 1, 3, 3],
             window: Window(kernel: (3, 3), padding: (1, 1, 1, 1)), groups: 144),
    ConvCase(name: "project1x1", input: [batch, 144, 56, 56], weights: [24, 144, 1, 1], window: Window(kernel: (1, 1)), groups: 1),
]

nonisolated(unsafe) var cases: [String: () throws -> Double] = [:]
cases["gemm-stem-wide"] = {
    let a = try random([32, 27]), b = try random([27, 12544])
    return try median(repeats: 20) { _ = try Tensor.matmul(a, b) }
}
cases["gemm-stem-tall"] = {
    let a = try random([12544, 27]), b = try random([27, 32])
    return try median(repeats: 20) { _ = try Tensor.matmul(a, b) }
}
cases["gemm1024"] = {
    let a = try random([1024, 1024]), b = try random([1024, 1024])
    return try median(repeats: 15) { _ = try Tensor.matmul(a, b) }
}
for c in convCases {
    // Forward runs as the inference engine runs it: with a workspace, so repeated calls reuse
    // their memory instead of faulting in fresh pages.
    cases["conv-\(c.name)-forward"] = {
        let x = try random(c.input), w = try random(c.weights)
        let ws = Workspace()
        return try median(repeats: 15) {
            _ = try Convolution.forward(x, weights: w, biases: nil, window: c.window, groups: c.groups, workspace: ws)
        }
    }
    cases["conv-\(c.name)-backward"] = {
        let x = try random(c.input), w = try random(c.weights)
        let y = try Convolution.forward(x, weights: w, biases: nil, window: c.window, groups: c.groups)
        let g = try random(y.shape)
        return try median(repeats: 15) { _ = try Convolution.backward(x, weights: w, window: c.window, groups: c.groups, gradient: g) }
    }
}

// MobileNet V2's 1x1 convolutions on one image, run as a batch's worker runs them (serial, inside
// a job): through the inference kernel with packed weights, and as one OpenBLAS GEMM. Each case
// prints seconds; GFLOP/s is 2 * inputs * outputs * positions / seconds.
let pointwiseCases: [(String, Int, Int, Int)] = [  // name, inputs, outputs, side
    ("project96to24-56", 96, 24, 56), ("project144to24-56", 144, 24, 56), ("expand32to192-28", 32, 192, 28),
    ("project192to32-28", 192, 32, 28), ("expand64to384-14", 64, 384, 14), ("project384to64-14", 384, 64, 14),
    ("expand96to576-14", 96, 576, 14), ("project576to96-14", 576, 96, 14), ("expand160to960-7", 160, 960, 7),
    ("project960to160-7", 960, 160, 7), ("project960to320-7", 960, 320, 7), ("last320to1280-7", 320, 1280, 7),
]
for (name, k, o, side) in pointwiseCases {
    let window = Window(kernel: (1, 1))
    cases["pointwise-\(name)-nets"] = {
        let x = try random([1, k, side, side]), w = try random([o, k, 1, 1]), b = try random([o])
        let packed = PackedWeights(w, biases: b)
        let y = try Tensor(shape: [1, o, side, side])
        let scratch = Scratch()
        let out = OutputPointer(value: y.storage.pointer)
        return median(repeats: 50) {
            // Shapes fixed above: the call cannot throw; a failure would show as a wrong time only.
            Parallel.jobs(1) { _ in
                try? Convolution.inference(x.storage.pointer, shape: x.shape, weights: w, window: window, groups: 1,
                                           epilogue: Epilogue(biases: b.storage.pointer, activation: .relu6),
                                           output: out.value, scratch: scratch, packed: packed)
            }
        }
    }
    cases["pointwise-\(name)-blas"] = {
        let x = try random([k, side * side]), w = try random([o, k])
        let y = try Tensor(shape: [o, side * side])
        return median(repeats: 50) {
            BLAS.singleThreaded {
                BLAS.gemm(transA: false, transB: false, m: o, n: side * side, k: k, a: w.storage.pointer,
                          b: x.storage.pointer, c: y.storage.pointer)
            }
        }
    }
}

/// The output pointer handed to the job that writes it.
struct OutputPointer: @unchecked Sendable { let value: UnsafeMutablePointer<Float> }

let wanted = CommandLine.arguments.count > 1 ? Array(CommandLine.arguments.dropFirst()) : cases.keys.sorted()
print("openblas", BLAS.coreName, BLAS.threads)
for name in wanted {
    guard let run = cases[name] else {
        FileHandle.standardError.write(Data("nets-bench: unknown case \(name)\n".utf8))
        exit(2)
    }
    do {
        print(name, try run())
    } catch {
        FileHandle.standardError.write(Data("nets-bench: \(name): \(error)\n".utf8))
        exit(1)
    }
}
