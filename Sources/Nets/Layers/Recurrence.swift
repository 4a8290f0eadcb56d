import Foundation
import Tensor

/// What distinguishes one recurrent layer from another: its gates and the per-unit arithmetic
/// that turns the gates' inputs into the new state. `Recurrence` does the rest (the matrix
/// products, the loop over time and back-propagation through time) for every cell alike.
///
/// Each gate g has `InputWeights` W_gx {n, k}, `StateWeights` W_gs {n, n} and `Biases` b_g {n};
/// at step t the cell sees, per unit, `x_g = W_gx . x_t + b_g` and `s_g = W_gs . s_{t-1}`
/// (kept apart because a GRU's memory gate scales `s_g` by its reset gate) with the previous
/// state and cell state, and gives the new state and cell state.
protocol RecurrentCell: Sendable {
    /// Gate names, which prefix the array names (`"InputGate"` gives `"InputGateInputWeights"`);
    /// a cell with one unnamed gate has the arrays `"InputWeights"`, `"StateWeights"`, `"Biases"`.
    static var gates: [String] { get }
    /// The same cell in the vector kernels.
    static var kernel: RecurrentKernels.Cell { get }
    /// Whether `stepBackward` reads the state projections `s` (then kept for every step).
    static var readsStateInputs: Bool { get }
    /// Whether the cell carries a cell state besides its state.
    static var hasCellState: Bool { get }
    /// One unit's step from its gate inputs (one lane per gate), previous state and cell state:
    /// the gate activations (which the backward pass reads), the new state and cell state.
    static func step(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float) -> (gates: SIMD4<Float>, state: Float, cell: Float)
    /// The step's derivative, from its gate activations `a`, state projections `s`, previous
    /// state and cell state and new cell state: from the gradients of the new state and cell
    /// state to those of the gate inputs `x` and `s` and of the previous state (not counting the
    /// paths through `s`) and cell state.
    static func stepBackward(_ a: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float, _ newCell: Float, dState: Float, dCell: Float)
        -> (dx: SIMD4<Float>, ds: SIMD4<Float>, dState: Float, dCell: Float)
}

extension RecurrentCell {
    static func arrayNames(_ gate: String) -> [String] { ["InputWeights", "StateWeights", "Biases"].map { gate + $0 } }
    static var arrayNames: [String] { gates.flatMap(arrayNames) }
}

/// The logistic sigmoid of one value.
func logistic(_ v: Float) -> Float { 1 / (1 + Foundation.exp(-v)) }

/// Tanh of one value through `exp` (libm's `tanhf` goes through the slower `expm1f`, which took
/// a third of an LSTM's inference time); within 1e-7 of `tanhf` near 0, exactly ±1 far out.
func hyperbolicTangent(_ v: Float) -> Float { 1 - 2 / (Foundation.exp(2 * v) + 1) }


/// The recurrence of a cell over a batch of sequences {n, T, k} with learned arrays by name;
/// the state and cell state start at zero.
///
/// The g gates' weights are stacked into one matrix each ({g u, k} for the inputs, {g u, u} for
/// the state). The input projections of the whole batch and sequence are one GEMM before the
/// loop over time; each step is one GEMM for the state projections and one fused cell (the
/// vector kernels of `RecurrentKernels`, else `Cell.step`) writing into buffers allocated once.
/// Back-propagation through time is one fused cell and one GEMM (the previous state's gradient)
/// per step; the weights' gradients are one GEMM each over all steps afterwards. The examples
/// of a batch are independent, so the loops over time run on a share of the batch per core.
///
/// Inside, everything is step-major (row t n + e for example e at step t), so a step's rows are
/// contiguous and the states before steps 0..<T are the first T n rows of the states; a row of
/// gate values holds gate q of unit j at `q u + j`.
struct Recurrence<Cell: RecurrentCell>: Sendable {
    let units: Int
    /// The gates' input weights stacked {g u, k}, state weights {g u, u}, biases {g u}.
    let inputWeights: [Float], stateWeights: [Float], biases: [Float]
    let width: Int

    private var gates: Int { Cell.gates.count }

    init(units: Int, arrays: (String) throws -> Tensor) throws {
        self.units = units
        var wx: [Float] = [], ws: [Float] = [], b: [Float] = []
        var width: Int?
        for g in Cell.gates {
            let names = Cell.arrayNames(g)
            let (x, s, bias) = (try arrays(names[0]), try arrays(names[1]), try arrays(names[2]))
            guard x.rank == 2, x.shape[0] == units, width == nil || width == x.shape[1], s.shape == [units, units], bias.shape == [units] else {
                throw NetError("invarr", "the arrays of a recurrent layer with \(units) units must be {\(units), k}, {\(units), \(units)} and {\(units)}")
            }
            width = x.shape[1]
            wx += x.values
            ws += s.values
            b += bias.values
        }
        (inputWeights, stateWeights, biases, self.width) = (wx, ws, b, width ?? 0)
    }

    /// Everything the backward pass needs from a forward pass, step-major.
    struct Record: Sendable {
        let batch: Int, steps: Int
        /// The input {T, n, k}.
        let x: Storage
        /// The gate activations of every step {T, n, g u}.
        let gates: Storage
        /// `W_s . s_{t-1}` of every step {T, n, g u} when the cell reads them backward.
        let stateInputs: Storage?
        /// States and cell states before and after each step {T + 1, n, u} (row block 0 is the
        /// zero start); no cell states for cells without them.
        let states: Storage
        let cells: Storage?
    }

    /// The states after every step, {batch, steps, units}, with the record for `backward`.
    func forward(_ input: Tensor) throws -> (Tensor, Record) {
        guard input.rank == 3 else { throw NetError("eval", "a recurrent layer takes a sequence of vectors, not \(describe(Array(input.shape.dropFirst())))") }
        let n = input.shape[0], steps = input.shape[1], k = input.shape[2], u = units, gu = gates * units
        guard k == width else { throw NetError("eval", "the recurrent layer takes vectors of size \(width), not \(k)") }
        // Everything the pass keeps (input, gates, state inputs, states, cell states), within the memory limit.
        try Sizes.count([2 * gates + 3, n, steps + 1, Swift.max(u, k)], "the memory of the recurrent layer for this input")
        let x = Storage(count: steps * n * k), g = Storage(count: steps * n * gu)
        input.withUnsafeBufferPointer { p in
            guard let xin = p.baseAddress else { return }
            Self.transpose(xin, into: x.pointer, outer: n, inner: steps, width: k)
        }
        biases.withUnsafeBufferPointer { bp in
            guard let b = bp.baseAddress else { return }
            for r in 0..<(steps * n) { (g.pointer + r * gu).update(from: b, count: gu) }
        }
        if k > 0 {
            inputWeights.withUnsafeBufferPointer { wp in
                guard let wx = wp.baseAddress else { return }
                BLAS.gemm(transA: false, transB: true, m: steps * n, n: gu, k: k, a: x.pointer, b: wx, beta: 1, c: g.pointer)
            }
        }
        let keepsStateInputs = Cell.readsStateInputs
        let si = Storage(count: (keepsStateInputs ? steps : 1) * n * gu)
        let states = Storage(count: (steps + 1) * n * u)
        states.pointer.initialize(repeating: 0, count: n * u)
        let cells = Cell.hasCellState ? Storage(count: (steps + 1) * n * u) : nil
        cells?.pointer.initialize(repeating: 0, count: n * u)
        let packed = stateWeights.withUnsafeBufferPointer { wp in wp.baseAddress.map { RecurrentKernels.PackedMatrix($0, k: u, n: gu, transposed: true) } }
        Self.inParts(n) { rows in
            self.stateWeights.withUnsafeBufferPointer { wp in
                guard let ws = wp.baseAddress else { return }
                let m = rows.count, e0 = rows.lowerBound
                for t in 0..<steps {
                    let row = t * n + e0, s = si.pointer + ((keepsStateInputs ? t * n : 0) + e0) * gu
                    let previous = states.pointer + row * u, state = previous + n * u
                    let previousCell = cells.map { $0.pointer + row * u } ?? previous, cell = cells.map { $0.pointer + (row + n) * u } ?? state
                    // s = s_{t-1} W_sᵀ.
                    if packed?.multiply(m: m, previous, into: s, accumulate: false) != true {
                        BLAS.gemm(transA: false, transB: true, m: m, n: gu, k: u, a: previous, b: ws, c: s)
                    }
                    self.step(rows: m, gates: g.pointer + row * gu, stateInputs: s, previous: previous, previousCell: previousCell,
                              state: state, cell: cell)
                }
            }
        }
        var out = try Tensor(shape: [n, steps, u])
        out.withUnsafeMutableBufferPointer { p in
            guard let o = p.baseAddress else { return }
            Self.transpose(states.pointer + n * u, into: o, outer: steps, inner: n, width: u)
        }
        return (out, Record(batch: n, steps: steps, x: x, gates: g, stateInputs: keepsStateInputs ? si : nil, states: states, cells: cells))
    }

    /// Back-propagation through time: the input's gradient (when `needInput`) and, per gate, the
    /// gradients of the input weights, state weights and biases.
    func backward(_ r: Record, gradient dy: Tensor, needInput: Bool = true) throws -> (Tensor?, [[Tensor]]) {
        let n = r.batch, steps = r.steps, k = width, u = units, gu = gates * units
        guard dy.count == n * steps * u else { throw NetError("eval", "the recurrent layer's gradient has the wrong size") }
        let dg = Storage(count: steps * n * gu), ds = Cell.readsStateInputs ? Storage(count: steps * n * gu) : dg
        let dNext = Storage(repeating: 0, count: n * u), dPrevious = Storage(count: n * u), dCell = Storage(repeating: 0, count: n * u)
        let packed = stateWeights.withUnsafeBufferPointer { wp in wp.baseAddress.map { RecurrentKernels.PackedMatrix($0, k: gu, n: u, transposed: false) } }
        Self.inParts(n) { rows in
            dy.withUnsafeBufferPointer { dyp in
            self.stateWeights.withUnsafeBufferPointer { wp in
                guard let dyb = dyp.baseAddress, let ws = wp.baseAddress else { return }
                let m = rows.count, e0 = rows.lowerBound
                var next = dNext.pointer + e0 * u, previousGradient = dPrevious.pointer + e0 * u
                for t in (0..<steps).reversed() {
                    let row = t * n + e0, previous = r.states.pointer + row * u
                    let gates = r.gates.pointer + row * gu, s = r.stateInputs.map { $0.pointer + row * gu } ?? gates
                    let previousCell = r.cells.map { $0.pointer + row * u } ?? previous, cell = r.cells.map { $0.pointer + (row + n) * u } ?? previous
                    self.stepBackward(rows: m, gates: gates, stateInputs: s, previous: previous, previousCell: previousCell, cell: cell,
                                      dy: dyb + (e0 * steps + t) * u, dyStride: steps * u, dNext: next, dCell: dCell.pointer + e0 * u,
                                      dGates: dg.pointer + row * gu, dStateInputs: ds.pointer + row * gu, dPrevious: previousGradient)
                    // d s_{t-1} += dS W_s.
                    if packed?.multiply(m: m, ds.pointer + row * gu, into: previousGradient, accumulate: true) != true {
                        BLAS.gemm(transA: false, transB: false, m: m, n: u, k: gu, a: ds.pointer + row * gu, b: ws, beta: 1, c: previousGradient)
                    }
                    swap(&next, &previousGradient)
                }
            }
            }
        }
        // dW_s = dSᵀ s_{t-1} over every step at once, dW_x = dGᵀ x, dx = dG W_x, db = 1ᵀ dG.
        let dws = Storage(count: gu * u), dwx = Storage(repeating: 0, count: gu * k), db = Storage(count: gu)
        let dxSteps = Storage(repeating: 0, count: needInput ? steps * n * k : 0), ones = Storage(repeating: 1, count: steps * n)
        BLAS.gemm(transA: true, transB: false, m: gu, n: u, k: steps * n, a: ds.pointer, b: r.states.pointer, c: dws.pointer)
        BLAS.gemm(transA: false, transB: false, m: 1, n: gu, k: steps * n, a: ones.pointer, b: dg.pointer, c: db.pointer)
        if k > 0 {
            BLAS.gemm(transA: true, transB: false, m: gu, n: k, k: steps * n, a: dg.pointer, b: r.x.pointer, c: dwx.pointer)
            inputWeights.withUnsafeBufferPointer { wp in
                guard let wx = wp.baseAddress, needInput else { return }
                BLAS.gemm(transA: false, transB: false, m: steps * n, n: k, k: gu, a: dg.pointer, b: wx, c: dxSteps.pointer)
            }
        }
        var dx = needInput ? try Tensor(shape: [n, steps, k]) : nil
        dx?.withUnsafeMutableBufferPointer { p in
            guard let o = p.baseAddress else { return }
            Self.transpose(dxSteps.pointer, into: o, outer: steps, inner: n, width: k)
        }
        func part(_ s: Storage, _ q: Int, _ shape: Shape) throws -> Tensor {
            let count = shape.reduce(1, *)
            return try Tensor(shape: shape, values: Array(UnsafeBufferPointer(start: s.pointer + q * count, count: count)))
        }
        let grads = try (0..<gates).map { q in [try part(dwx, q, [u, k]), try part(dws, q, [u, u]), try part(db, q, [u])] }
        return (dx, grads)
    }

    /// Runs `body` on shares of the batch's rows 0..<n, one per core when the batch is large
    /// enough to be worth it (the examples' recurrences are independent), each with OpenBLAS on
    /// one thread: a step's GEMM is too small for OpenBLAS's threads to gain from meeting.
    private static func inParts(_ n: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let parts = Swift.max(1, Swift.min(Parallel.workers, n / 8))
        Parallel.jobs(parts) { p in body((p * n / parts)..<((p + 1) * n / parts)) }
    }

    /// `to[(i outer + o) width + c] = from[(o inner + i) width + c]`: {outer, inner, width} to
    /// {inner, outer, width}.
    private static func transpose(_ from: UnsafePointer<Float>, into to: UnsafeMutablePointer<Float>, outer: Int, inner: Int, width: Int) {
        guard width > 0 else { return }
        for o in 0..<outer {
            for i in 0..<inner { (to + (i * outer + o) * width).update(from: from + (o * inner + i) * width, count: width) }
        }
    }

    /// One step over `rows` examples (see `RecurrentKernels.forward`): the vector cell, else
    /// `Cell.step` unit by unit.
    private func step(rows: Int, gates g: UnsafeMutablePointer<Float>, stateInputs s: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                      previousCell: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, cell: UnsafeMutablePointer<Float>) {
        if RecurrentKernels.forward(Cell.kernel, rows: rows, units: units, gates: g, stateInputs: s, previous: previous,
                                    previousCell: previousCell, state: state, cellState: cell) { return }
        let u = units, gu = gates * units
        for r in 0..<rows {
            for j in 0..<u {
                let i = r * u + j, at = r * gu + j
                let out = Cell.step(lanes(g + at), lanes(s + at), previous[i], Cell.hasCellState ? previousCell[i] : 0)
                for q in 0..<gates { g[at + q * u] = out.gates[q] }
                state[i] = out.state
                if Cell.hasCellState { cell[i] = out.cell }
            }
        }
    }

    /// One backward step over `rows` examples (see `RecurrentKernels.backward`): the vector cell,
    /// else `Cell.stepBackward` unit by unit.
    private func stepBackward(rows: Int, gates g: UnsafePointer<Float>, stateInputs s: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                              previousCell: UnsafePointer<Float>, cell: UnsafePointer<Float>, dy: UnsafePointer<Float>, dyStride: Int,
                              dNext: UnsafePointer<Float>, dCell: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                              dStateInputs: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>) {
        if RecurrentKernels.backward(Cell.kernel, rows: rows, units: units, gates: g, stateInputs: s, previous: previous,
                                     previousCell: previousCell, cellState: cell, dy: dy, dyStride: dyStride, dNext: dNext,
                                     dCell: dCell, dGates: dGates, dStateInputs: dStateInputs, dPrevious: dPrevious) { return }
        let u = units, gu = gates * units
        for r in 0..<rows {
            for j in 0..<u {
                let i = r * u + j, at = r * gu + j
                let d = Cell.stepBackward(lanes(g + at), Cell.readsStateInputs ? lanes(s + at) : .zero, previous[i],
                                          Cell.hasCellState ? previousCell[i] : 0, Cell.hasCellState ? cell[i] : 0,
                                          dState: dy[r * dyStride + j] + dNext[i], dCell: Cell.hasCellState ? dCell[i] : 0)
                for q in 0..<gates {
                    dGates[at + q * u] = d.dx[q]
                    if Cell.readsStateInputs { dStateInputs[at + q * u] = d.ds[q] }
                }
                dPrevious[i] = d.dState
                if Cell.hasCellState { dCell[i] = d.dCell }
            }
        }
    }

    /// One unit's gate values as SIMD lanes: `p` points at gate 0's value, the other gates'
    /// values follow `units` apart.
    @inline(__always)
    private func lanes(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        var v = SIMD4<Float>(repeating: 0)
        for q in 0..<gates { v[q] = p[q * units] }
        return v
    }
}
