import Foundation
import Synchronization
import Tensor

/// A net compiled for inference: its layers flattened into steps over numbered values, batch
/// normalization folded into the convolution before it, and the activation or residual addition
/// that follows a convolution applied in the convolution's own pass. Activation memory comes
/// from a pool that keeps its buffers between runs: a value's buffer goes back to the pool after
/// its last reader, so a run needs a few live activations, not all of them, and a second run of
/// the same batch size allocates nothing.
///
/// `@unchecked Sendable`: `run` holds a lock while it uses the pool and scratch memory.
public final class InferencePlan: @unchecked Sendable {
    enum Op {
        case convolution(weights: Tensor, biases: Tensor, spec: WindowSpec, groups: Int, activation: Activation?, residual: Int?)
        case affine(scale: [Float], shift: [Float], activation: Activation?)
        case elementwise(ElementwiseFunction)
        case pooling(WindowSpec, Pooling.Function)
        case aggregation(Pooling.Function)
        case linear(weights: Tensor, biases: Tensor?, output: Shape)
        case softmax
        /// Same memory, new shape: per-example dims, or nil for flattening.
        case reshape(Shape?)
        case total
        case catenate
    }

    struct Step {
        var op: Op
        var inputs: [Int]
        var output: Int
    }

    /// One run's memory: pooled activation buffers and the convolutions' scratch. A plan keeps
    /// one per core, so that images can run side by side.
    final class Runner {
        var pool: [Storage] = []
        let scratch = Scratch()
    }

    private(set) var steps: [Step] = []
    private var valueCount = 1
    private var result = 0
    private let lock = NSLock()
    private var runners: [Runner] = [Runner()]

    /// Compiles a net; nets with parts that have no inference form (loss layers) throw.
    public init(_ net: Net) throws {
        result = try emit(net, [0])
        fuse()
    }

    /// Number of steps after fusion (for tests and benchmarks).
    public var stepCount: Int { steps.count }

    private func value() -> Int {
        valueCount += 1
        return valueCount - 1
    }

    private func add(_ op: Op, _ inputs: [Int]) -> Int {
        let out = value()
        steps.append(Step(op: op, inputs: inputs, output: out))
        return out
    }

    private func emit(_ net: Net, _ inputs: [Int]) throws -> Int {
        switch net {
        case .layer(let l): return try emit(l, inputs)
        case .chain(let c):
            var v = inputs[0]
            for node in c.nodes { v = try emit(node, [v]) }
            return v
        case .graph(let g):
            var values = [Int?](repeating: nil, count: g.nodes.count)
            func source(_ s: Edge.Source) -> Int? { Graph.value(s, inputs: inputs, values: values) }
            for n in g.order { values[n] = try emit(g.nodes[n], g.inputs(of: n, source)) }
            guard let out = g.outputSource, let v = source(out) else {
                throw NetError("eval", "the graph has no output")
            }
            return v
        }
    }

    private func emit(_ l: Layer, _ inputs: [Int]) throws -> Int {
        switch l.kind {
        case .convolution(_, let spec, let groups, _):
            let w = try l.array("Weights")
            let b = try l.arrays["Biases"] ?? Tensor(shape: [w.shape[0]])
            return add(.convolution(weights: w, biases: b, spec: spec, groups: groups, activation: nil, residual: nil), inputs)
        case .batchNorm(let eps, _):
            let g = try l.array("Scaling").values, beta = try l.array("Biases").values
            let mean = try l.array("MovingMean").values, variance = try l.array("MovingVariance").values
            let scale = zip(g, variance).map { $0 / ($1 + eps).squareRoot() }
            let shift = (0..<g.count).map { beta[$0] - mean[$0] * scale[$0] }
            return add(.affine(scale: scale, shift: shift, activation: nil), inputs)
        case .elementwise(let f): return add(.elementwise(f), inputs)
        case .pooling(let spec, let f): return add(.pooling(spec, f), inputs)
        case .aggregation(let f): return add(.aggregation(f), inputs)
        case .linear(let size, _):
            let w = try l.array("Weights")
            return add(.linear(weights: w, biases: l.arrays["Biases"], output: size ?? [w.shape[0]]), inputs)
        case .softmax: return add(.softmax, inputs)
        case .dropout: return inputs[0]
        case .flatten: return add(.reshape(nil), inputs)
        case .reshape(let dims): return add(.reshape(dims), inputs)
        case .total: return add(.total, inputs)
        case .catenate: return add(.catenate, inputs)
        case .loss: throw NetError("eval", "loss layers have no inference form")
        }
    }

    // MARK: Fusion

    private func readers(_ v: Int) -> [Int] {
        steps.indices.filter { steps[$0].inputs.contains(v) }
    }

    private func producer(_ v: Int) -> Int? { steps.firstIndex { $0.output == v } }

    /// Merges batch norm, then an activation or a residual addition (then an activation), into
    /// the convolution before them, when the convolution's output has no other reader.
    private func fuse() {
        var i = 0
        while i < steps.count {
            guard case .convolution(var w, var b, let spec, let groups, var activation, var residual) = steps[i].op else { i += 1; continue }
            let out = steps[i].output
            let r = readers(out)
            guard out != result, r.count == 1 else { i += 1; continue }
            let j = r[0]
            var merged = false
            switch steps[j].op {
            case .affine(let scale, let shift, nil) where activation == nil && residual == nil:
                let o = w.shape[0], per = w.count / Swift.max(o, 1)
                let bias = b.values
                w.withUnsafeMutableBufferPointer { p in
                    for ch in 0..<o { for k in 0..<per { p[ch * per + k] *= scale[ch] } }
                }
                b = (try? Tensor(shape: [o], values: (0..<o).map { bias[$0] * scale[$0] + shift[$0] })) ?? b
                merged = true
            case .elementwise(.activation(let f)) where activation == nil:
                activation = f
                merged = true
            case .total where activation == nil && residual == nil && steps[j].inputs.count == 2:
                let other = steps[j].inputs[0] == out ? steps[j].inputs[1] : steps[j].inputs[0]
                if other != out, (producer(other).map { $0 < i } ?? true) {
                    residual = other
                    merged = true
                }
            default:
                break
            }
            if merged {
                steps[i].op = .convolution(weights: w, biases: b, spec: spec, groups: groups, activation: activation, residual: residual)
                steps[i].output = steps[j].output
                if let rv = residual, !steps[i].inputs.contains(rv) { steps[i].inputs.append(rv) }
                steps.remove(at: j)
            } else {
                i += 1
            }
        }
    }

    // MARK: Running

    /// The net applied to a batch (leading dimension). A batch of several examples runs as one
    /// job per core, each taking the next example and running every layer on it with serial
    /// kernels: an example's activations stay in cache from layer to layer, and the cores never
    /// wait for each other between layers. A single example runs with parallel kernels.
    public func run(_ x: Tensor) throws -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        let n = x.shape.first ?? 0, workers = Swift.min(Parallel.workers, n)
        // OpenBLAS single-threaded throughout: its threads, once woken by one multi-threaded
        // GEMM (the classifier's), spin for a while and take the cores from the next layers.
        guard x.rank >= 2, workers >= 2 else { return try BLAS.singleThreaded { try run(x, runners[0]) } }
        while runners.count < workers { runners.append(Runner()) }
        let results = Results(count: n)
        defer { results.deallocate() }
        let next = Atomic<Int>(0)
        Parallel.jobs(workers) { w in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < n else { return }
                results.slots[i] = Result { try self.run(x.slice(i..<(i + 1)), self.runners[w]) }
            }
        }
        return try Tensor.concatenate(results.slots.map { try ($0 ?? .failure(NetError("eval", "an example was not run"))).get() })
    }

    /// One slot per example, each written by the one job that ran it.
    private struct Results: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<Result<Tensor, any Error>?>
        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }
        func deallocate() {
            _ = slots.deinitialize()
            slots.deallocate()
        }
    }

    private func run(_ x: Tensor, _ runner: Runner) throws -> Tensor {
        var storage = [Storage?](repeating: nil, count: valueCount)
        var shapes = [[Int]](repeating: [], count: valueCount)
        var remaining = [Int](repeating: 0, count: valueCount)
        for s in steps { for v in s.inputs { remaining[v] += 1 } }
        remaining[result] += 1
        var holders: [ObjectIdentifier: Int] = [:]
        storage[0] = x.storage
        shapes[0] = x.shape
        holders[ObjectIdentifier(x.storage)] = 1
        func release(_ v: Int) {
            remaining[v] -= 1
            guard remaining[v] == 0, let s = storage[v] else { return }
            storage[v] = nil
            let id = ObjectIdentifier(s)
            holders[id, default: 1] -= 1
            if holders[id] == 0 && v != 0 && s !== x.storage { runner.pool.append(s) }
        }
        func take(_ count: Int) -> Storage {
            var best: Int?
            for (k, s) in runner.pool.enumerated() where s.count >= count {
                if best == nil || s.count < runner.pool[best!].count { best = k }
            }
            if let k = best { return runner.pool.remove(at: k) }
            return Storage(count: count)
        }
        for step in steps {
            let ins = step.inputs.map { storage[$0]! }
            let inShapes = step.inputs.map { shapes[$0] }
            let outShape = try shape(step.op, inShapes)
            let out: Storage
            if case .reshape = step.op {
                out = ins[0]
            } else {
                out = take(outShape.reduce(1, *))
                try execute(step.op, ins.map { UnsafePointer($0.pointer) }, inShapes, out.pointer, outShape, runner.scratch)
            }
            storage[step.output] = out
            shapes[step.output] = outShape
            holders[ObjectIdentifier(out), default: 0] += 1
            for v in step.inputs { release(v) }
        }
        guard let final = storage[result] else { throw NetError("eval", "the plan produced no output") }
        let y = try Tensor(shape: shapes[result], values: Array(UnsafeBufferPointer(start: final.pointer, count: shapes[result].reduce(1, *))))
        release(result)
        return y
    }

    private func shape(_ op: Op, _ xs: [[Int]]) throws -> [Int] {
        let x = xs[0]
        let n = x.first ?? 1
        switch op {
        case .convolution(let w, _, let spec, _, _, _):
            guard x.count == 4 else { throw NetError("eval", "a convolution needs {channels, height, width} inputs") }
            let (ho, wo) = try spec.window(x[2], x[3]).output(x[2], x[3])
            return [n, w.shape[0], ho, wo]
        case .pooling(let spec, _):
            guard x.count == 4 else { throw NetError("eval", "pooling needs {channels, height, width} inputs") }
            let (ho, wo) = try spec.window(x[2], x[3]).output(x[2], x[3])
            return [n, x[1], ho, wo]
        case .aggregation: return [n, x[1]]
        case .linear(_, _, let size): return [n] + size
        case .reshape(let dims): return [n] + (dims ?? [x.dropFirst().reduce(1, *)])
        case .catenate: return [n, xs.map { $0[1] }.reduce(0, +)] + x.dropFirst(2)
        case .affine, .elementwise, .softmax, .total: return x
        }
    }

    private func execute(_ op: Op, _ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                         _ scratch: Scratch) throws {
        let x = xs[0], count = shapes[0].reduce(1, *)
        switch op {
        case .convolution(let w, let b, let spec, let groups, let activation, let residual):
            let s = shapes[0]
            let win = spec.window(s[2], s[3])
            try b.withUnsafeBufferPointer { bias in
                let epilogue = Epilogue(biases: bias.baseAddress, residual: residual == nil ? nil : xs.last, activation: activation)
                try Convolution.inference(x, shape: s, weights: w, window: win, groups: groups, epilogue: epilogue, output: y, scratch: scratch)
            }
        case .affine(let scale, let shift, let activation):
            let n = shapes[0][0], c = shapes[0][1], inner = count / Swift.max(n * c, 1)
            for i in 0..<n {
                for ch in 0..<c {
                    let src = x + (i * c + ch) * inner, dst = y + (i * c + ch) * inner
                    let a = scale[ch], t = shift[ch]
                    for k in 0..<inner { dst[k] = src[k] * a + t }
                    activation?.apply(dst, count: inner)
                }
            }
        case .elementwise(let f):
            y.update(from: x, count: count)
            switch f {
            case .activation(let a): a.apply(y, count: count)
            case .scalar(let s): for i in 0..<count { y[i] = Float(s.evaluate(Double(y[i])).value) }
            }
        case .pooling(let spec, let f):
            try Pooling.inference(x, shape: shapes[0], f, window: spec.window(shapes[0][2], shapes[0][3]), output: y)
        case .aggregation(let f):
            let planes = shapes[0][0] * shapes[0][1]
            Pooling.globalInference(x, planes: planes, size: count / Swift.max(planes, 1), f, output: y)
        case .linear(let w, let b, _):
            let n = shapes[0][0], k = count / Swift.max(n, 1), o = w.shape[0]
            guard k == w.shape[1] else { throw NetError("eval", "the linear layer takes \(w.shape[1]) values, not \(k)") }
            BLAS.gemm(transA: false, transB: true, m: n, n: o, k: k, a: x, b: w.storage.pointer, c: y)
            if let b {
                let bp = b.storage.pointer
                for i in 0..<n { for j in 0..<o { y[i * o + j] += bp[j] } }
            }
        case .softmax:
            let len = shapes[0].last ?? 1, rows = count / Swift.max(len, 1)
            for r in 0..<rows {
                let src = x + r * len, dst = y + r * len
                var top = -Float.infinity
                for i in 0..<len { top = Swift.max(top, src[i]) }
                var sum: Float = 0
                for i in 0..<len { dst[i] = Foundation.exp(src[i] - top); sum += dst[i] }
                for i in 0..<len { dst[i] /= sum }
            }
        case .total:
            y.update(from: x, count: count)
            for other in xs.dropFirst() { for i in 0..<count { y[i] += other[i] } }
        case .catenate:
            let n = shapes[0][0]
            var offset = 0
            for i in 0..<n {
                for (p, s) in zip(xs, shapes) {
                    let size = s.dropFirst().reduce(1, *)
                    (y + offset).update(from: p + i * size, count: size)
                    offset += size
                }
            }
        case .reshape:
            break
        }
    }
}
