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
    struct Step {
        var op: any PlannedOperation
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
    /// Per-step timing when `NETS_PLAN_PROFILE` is set.
    private var profile: PlanProfile?
    /// Where a batch stops running example by example: the first step that batches the tail
    /// (`PlannedOperation.batchesTail`) and the value it reads, when the steps from there on
    /// read nothing computed before it but that value.
    private var tail: (start: Int, value: Int)?

    /// Compiles a net; nets with parts that have no inference form (loss layers) throw.
    public init(_ net: Net) throws {
        result = try emit(net, [0])
        fuse()
        for i in steps.indices { steps[i].op = steps[i].op.prepared() }
        tail = batchedTail()
        if PlanProfile.enabled { profile = PlanProfile(steps: steps.count) }
    }

    /// Number of steps after fusion (for tests and benchmarks).
    public var stepCount: Int { steps.count }

    /// The first step that a batch runs once for all its examples, when there is one (for tests).
    public var batchedTailStart: Int? { tail?.start }

    private func value() -> Int {
        valueCount += 1
        return valueCount - 1
    }

    private func add(_ op: any PlannedOperation, _ inputs: [Int]) -> Int {
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

    /// A layer's step; a layer without one (dropout) passes its input's value on.
    private func emit(_ l: Layer, _ inputs: [Int]) throws -> Int {
        guard let op = try l.operation.planned(l) else { return inputs[0] }
        return add(op, inputs)
    }

    // MARK: Fusion

    private func readers(_ v: Int) -> [Int] {
        steps.indices.filter { steps[$0].inputs.contains(v) }
    }

    private func producer(_ v: Int) -> Int? { steps.firstIndex { $0.output == v } }

    /// Lets each step absorb the step after it (`PlannedOperation.absorbing`), when that step is
    /// the only reader of its output: batch norm, then an activation or a residual addition
    /// (then an activation), merged into the convolution before them.
    private func fuse() {
        var i = 0
        while i < steps.count {
            let out = steps[i].output
            let r = readers(out)
            guard out != result, r.count == 1 else { i += 1; continue }
            let j = r[0]
            let reader = PlanReader(operation: steps[j].op, inputs: steps[j].inputs, source: out) { v in
                self.producer(v).map { $0 < i } ?? true
            }
            guard let fusion = steps[i].op.absorbing(reader) else { i += 1; continue }
            steps[i].op = fusion.operation
            steps[i].output = steps[j].output
            if let rv = fusion.residual, !steps[i].inputs.contains(rv) { steps[i].inputs.append(rv) }
            steps.remove(at: j)
        }
    }

    /// The start of the tail that runs on the whole batch at once, and the value it reads; nil
    /// when no step asks for it, or the steps after it read values from before it.
    private func batchedTail() -> (start: Int, value: Int)? {
        guard let start = steps.firstIndex(where: { $0.op.batchesTail }), start > 0,
              steps[start].inputs.count == 1, !steps.contains(where: { $0.op.batchesExamples }) else { return nil }
        let value = steps[start].inputs[0]
        let later = Set(steps[start...].map(\.output))
        guard later.contains(result), value != result,
              steps[start...].allSatisfy({ $0.inputs.allSatisfy { $0 == value || later.contains($0) } }) else { return nil }
        return (start, value)
    }

    // MARK: Running

    /// The net applied to a batch (leading dimension). A batch of several examples runs as one
    /// job per core, each taking the next example and running every layer on it with serial
    /// kernels: an example's activations stay in cache from layer to layer, and the cores never
    /// wait for each other between layers (a plan with a step that batches examples, such as a
    /// recurrence, gives each job a core's share of the batch instead). A single example runs
    /// with parallel kernels.
    /// `stop` is asked before each example; once it says yes the run ends with
    /// `NetError("interrupted")` (Ctrl-C within an example's time, not a batch's).
    public func run(_ x: Tensor, stop: @Sendable () -> Bool = { false }) throws -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        guard let profile else { return try runBatch(x, stop: stop) }
        let start = PlanProfile.now()
        defer { profile.report(kinds: steps.map(\.op.profileKind), wall: Double(PlanProfile.now() - start) / 1e9) }
        return try runBatch(x, stop: stop)
    }

    private func runBatch(_ x: Tensor, stop: @Sendable () -> Bool) throws -> Tensor {
        let n = x.shape.first ?? 0, workers = Swift.min(Parallel.workers, n)
        // OpenBLAS single-threaded throughout: its threads, once woken by one multi-threaded
        // GEMM (the classifier's), spin for a while and take the cores from the next layers.
        guard x.rank >= 2, workers >= 2 else { return try BLAS.singleThreaded { try run(x, runners[0]) } }
        while runners.count < workers { runners.append(Runner()) }
        // One example per job, or a core's share of the batch for steps that batch examples; a
        // tail that batches runs once, on every example's value, after the jobs.
        let perJob = steps.contains(where: { $0.op.batchesExamples }) ? (n + workers - 1) / workers : 1
        let jobs = (n + perJob - 1) / perJob
        let head = tail.map { (0..<$0.start, $0.value) } ?? (steps.indices, result)
        let results = Results(count: jobs)
        defer { results.deallocate() }
        let next = Atomic<Int>(0)
        Parallel.jobs(workers) { w in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < jobs, !stop() else { return }
                let examples = i * perJob..<Swift.min(n, (i + 1) * perJob)
                results.slots[i] = Result { try self.run(x.slice(examples), self.runners[w], head.0, output: head.1) }
            }
        }
        if stop() { throw NetError("interrupted", "the evaluation was interrupted") }
        let y = try Tensor.concatenate(results.slots.map { try ($0 ?? .failure(NetError("eval", "an example was not run"))).get() })
        guard let tail else { return y }
        return try BLAS.singleThreaded { try run(y, runners[0], tail.start..<steps.count, input: tail.value, output: result) }
    }

    /// One slot per job's examples, each written by the one job that ran it.
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
        try run(x, runner, steps.indices, output: result)
    }

    /// Steps `range` with `x` as value `input`, giving value `output`.
    private func run(_ x: Tensor, _ runner: Runner, _ range: Range<Int>, input: Int = 0, output result: Int) throws -> Tensor {
        var storage = [Storage?](repeating: nil, count: valueCount)
        var shapes = [[Int]](repeating: [], count: valueCount)
        var remaining = [Int](repeating: 0, count: valueCount)
        for s in steps[range] { for v in s.inputs { remaining[v] += 1 } }
        remaining[result] += 1
        var holders: [ObjectIdentifier: Int] = [:]
        storage[input] = x.storage
        shapes[input] = x.shape
        holders[ObjectIdentifier(x.storage)] = 1
        func release(_ v: Int) {
            remaining[v] -= 1
            guard remaining[v] == 0, let s = storage[v] else { return }
            storage[v] = nil
            let id = ObjectIdentifier(s)
            holders[id, default: 1] -= 1
            if holders[id] == 0 && v != input && s !== x.storage { runner.pool.append(s) }
        }
        func take(_ count: Int) -> Storage {
            var best: Int?
            for (k, s) in runner.pool.enumerated() where s.count >= count {
                if best == nil || s.count < runner.pool[best!].count { best = k }
            }
            if let k = best { return runner.pool.remove(at: k) }
            return Storage(count: count)
        }
        for index in range {
            let step = steps[index]
            let started = profile == nil ? 0 : PlanProfile.now()
            let ins = try step.inputs.map { v in
                guard let s = storage[v] else { throw NetError("eval", "a step of the plan reads a value not computed yet") }
                return s
            }
            let inShapes = step.inputs.map { shapes[$0] }
            let outShape = try step.op.outputShape(inShapes)
            let out: Storage
            if step.op.isView {
                out = ins[0]
            } else {
                // The batch's output, checked against the memory bound before the arena grows.
                out = take(try Sizes.count(outShape, "the output of a step for this batch"))
                try step.op.execute(ins.map { UnsafePointer($0.pointer) }, inShapes, out.pointer, outShape, runner.scratch)
            }
            storage[step.output] = out
            shapes[step.output] = outShape
            holders[ObjectIdentifier(out), default: 0] += 1
            for v in step.inputs { release(v) }
            profile?.add(index, since: started, shape: outShape)
        }
        guard let final = storage[result] else { throw NetError("eval", "the plan produced no output") }
        let y = try Tensor(shape: shapes[result], values: Array(UnsafeBufferPointer(start: final.pointer, count: shapes[result].reduce(1, *))))
        release(result)
        return y
    }
}
