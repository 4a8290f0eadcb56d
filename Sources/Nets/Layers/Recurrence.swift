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


/// A buffer the shares of a batch read, or write in disjoint rows, at once.
private struct Shared<P>: @unchecked Sendable {
    let value: P
    init(_ value: P) { self.value = value }
}

/// What an empty input is read from (nothing is read: its vectors have no elements).
private let emptyInput = Storage(count: 1)

/// The recurrence of a cell over a batch of sequences {n, T, k} with learned arrays by name;
/// the state and cell state start at zero.
///
/// The g gates' weights are stacked into one matrix each ({g u, k} for the inputs, {g u, u} for
/// the state), packed once for the per-step products (`RecurrentKernels.PackedMatrix`). Each
/// step is two such products (the input's and the previous state's) and one fused cell (the
/// vector kernels of `RecurrentKernels`, else `Cell.step`) on buffers that stay in cache.
/// Back-propagation through time is one fused cell and one product (the previous state's
/// gradient) per step; the weights' gradients are one GEMM over all steps afterwards. The
/// examples of a batch are independent, so the loops over time run on a share of the batch per
/// core.
///
/// Inside, everything is step-major (row t n + e for example e at step t), so a step's rows are
/// contiguous and the states before steps 0..<T are the first T n rows of the states; a row of
/// gate values holds gate q of unit j at `q u + j`.
struct Recurrence<Cell: RecurrentCell>: Sendable {
    let units: Int
    /// The gates' input weights stacked {g u, k}, state weights {g u, u}, biases {g u}.
    let inputWeights: [Float], stateWeights: [Float], biases: [Float]
    let width: Int
    /// W_xᵀ {k, g u} and W_sᵀ {u, g u} ready for the forward pass's per-step products.
    let packedInput: RecurrentKernels.PackedMatrix, packedState: RecurrentKernels.PackedMatrix

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
        let (k, gu) = (self.width, Cell.gates.count * units)
        packedInput = RecurrentKernels.PackedMatrix(wx, k: k, n: gu, transposed: true)
        packedState = RecurrentKernels.PackedMatrix(ws, k: units, n: gu, transposed: true)
    }

    /// Everything the backward pass needs from a forward pass, step-major.
    struct Record: Sendable {
        let batch: Int, steps: Int
        /// The input {n, T, k}.
        let x: Tensor
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
        let (n, steps) = try check(input.shape)
        var out = try Tensor(shape: [n, steps, units])
        let buffers = input.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { yp in run(xp.baseAddress ?? UnsafePointer(emptyInput.pointer), n: n, steps: steps, into: yp.baseAddress, keeping: true) }
        }
        return (out, Record(batch: n, steps: steps, x: input, gates: buffers.gates, stateInputs: buffers.stateInputs,
                            states: buffers.states, cells: buffers.cells))
    }

    /// The states after every step of `n` sequences ({n, steps, k} at `x`) written to `y`
    /// ({n, steps, units}), keeping nothing for a backward pass.
    func infer(_ x: UnsafePointer<Float>, shape: [Int], into y: UnsafeMutablePointer<Float>) throws {
        let (n, steps) = try check(shape)
        _ = run(x, n: n, steps: steps, into: y, keeping: false)
    }

    /// The batch size and steps of an input of `shape`, which must be {n, T, k} and fit in memory.
    private func check(_ shape: [Int]) throws -> (Int, Int) {
        guard shape.count == 3 else { throw NetError("eval", "a recurrent layer takes a sequence of vectors, not \(describe(Array(shape.dropFirst())))") }
        guard shape[2] == width else { throw NetError("eval", "the recurrent layer takes vectors of size \(width), not \(shape[2])") }
        // Everything a training pass keeps (gates, state inputs, states, cell states), within the memory limit.
        try Sizes.count([2 * gates + 3, shape[0], shape[1] + 1, Swift.max(units, width)], "the memory of the recurrent layer for this input")
        return (shape[0], shape[1])
    }

    /// The forward pass over `n` sequences of `steps` vectors at `x` ({n, steps, k}), writing
    /// the states to `y` ({n, steps, u}). Each step of a share of the batch is two products with
    /// the packed weights (the input's on top of the biases, the previous state's) and one cell,
    /// all on buffers small enough to stay in cache. With `keeping`, every step's gates (and
    /// state inputs, for cells that read them backward) are kept; otherwise one step's.
    private func run(_ x: UnsafePointer<Float>, n: Int, steps: Int, into y: UnsafeMutablePointer<Float>?,
                     keeping: Bool) -> (gates: Storage, stateInputs: Storage?, states: Storage, cells: Storage?) {
        let k = width, u = units, gu = gates * units
        let keepsStateInputs = keeping && Cell.readsStateInputs
        let g = Storage(count: (keeping ? steps : 1) * n * gu), si = Storage(count: (keepsStateInputs ? steps : 1) * n * gu)
        let states = Storage(count: (steps + 1) * n * u)
        states.pointer.initialize(repeating: 0, count: n * u)
        let cells = Cell.hasCellState ? Storage(count: (steps + 1) * n * u) : nil
        cells?.pointer.initialize(repeating: 0, count: n * u)
        let (xs, ys) = (Shared(x), Shared(y))
        Self.inParts(n) { rows in
            self.biases.withUnsafeBufferPointer { bp in
                guard let b = bp.baseAddress else { return }
                let m = rows.count, e0 = rows.lowerBound
                let (x, y) = (xs.value, ys.value)
                for t in 0..<steps {
                    let row = t * n + e0
                    let gt = g.pointer + ((keeping ? t * n : 0) + e0) * gu, s = si.pointer + ((keepsStateInputs ? t * n : 0) + e0) * gu
                    let previous = states.pointer + row * u, state = previous + n * u
                    let previousCell = cells.map { $0.pointer + row * u } ?? previous, cell = cells.map { $0.pointer + (row + n) * u } ?? state
                    // g = b + x_t W_xᵀ, s = s_{t-1} W_sᵀ.
                    for r in 0..<m { (gt + r * gu).update(from: b, count: gu) }
                    self.packedInput.multiply(m: m, x + (e0 * steps + t) * k, lda: steps * k, into: gt, accumulate: true)
                    self.packedState.multiply(m: m, previous, into: s, accumulate: false)
                    self.step(rows: m, gates: gt, stateInputs: s, previous: previous, previousCell: previousCell, state: state, cell: cell)
                    if let y {
                        for r in 0..<m { (y + ((e0 + r) * steps + t) * u).update(from: state + r * u, count: u) }
                    }
                }
            }
        }
        return (g, keepsStateInputs ? si : nil, states, cells)
    }

    /// Back-propagation through time: the input's gradient (when `needInput`) and, per gate, the
    /// gradients of the input weights, state weights and biases.
    func backward(_ r: Record, gradient dy: Tensor, needInput: Bool = true) throws -> (Tensor?, [[Tensor]]) {
        let n = r.batch, steps = r.steps, k = width, u = units, gu = gates * units
        guard dy.count == n * steps * u else { throw NetError("eval", "the recurrent layer's gradient has the wrong size") }
        let dg = Storage(count: steps * n * gu), ds = Cell.readsStateInputs ? Storage(count: steps * n * gu) : dg
        let dNext = Storage(repeating: 0, count: n * u), dPrevious = Storage(count: n * u), dCell = Storage(repeating: 0, count: n * u)
        let packed = RecurrentKernels.PackedMatrix(stateWeights, k: gu, n: u, transposed: false)
        Self.inParts(n) { rows in
            dy.withUnsafeBufferPointer { dyp in
                guard let dyb = dyp.baseAddress else { return }
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
                    packed.multiply(m: m, ds.pointer + row * gu, into: previousGradient, accumulate: true)
                    swap(&next, &previousGradient)
                }
            }
        }
        let grads = try weightGradients(r, dg: dg, ds: ds)
        guard needInput, k > 0 else { return (needInput ? try Tensor(shape: [n, steps, k]) : nil, grads) }
        // dx = dG W_x, step-major, then example-major.
        let dxSteps = Storage(count: steps * n * k)
        inputWeights.withUnsafeBufferPointer { wp in
            guard let wx = wp.baseAddress else { return }
            BLAS.gemm(transA: false, transB: false, m: steps * n, n: k, k: gu, a: dg.pointer, b: wx, c: dxSteps.pointer)
        }
        var dx = try Tensor(shape: [n, steps, k])
        dx.withUnsafeMutableBufferPointer { p in
            guard let o = p.baseAddress else { return }
            Self.transpose(dxSteps.pointer, into: o, outer: steps, inner: n, width: k)
        }
        return (dx, grads)
    }

    /// Per gate, the gradients of the input weights, state weights and biases over all steps:
    /// [dW_s, dW_x, db] = dGᵀ [s_{t-1}, x_t, 1], one GEMM that reads dG once (for a cell whose
    /// state inputs' gradient dS differs from dG, dW_s = dSᵀ s_{t-1} apart).
    private func weightGradients(_ r: Record, dg: Storage, ds: Storage) throws -> [[Tensor]] {
        let n = r.batch, steps = r.steps, k = width, u = units, gu = gates * units
        let shared = ds === dg, width = (shared ? u : 0) + k + 1, rows = steps * n
        let z = Storage(count: rows * width)
        r.x.withUnsafeBufferPointer { xp in
            for t in 0..<steps {
                for e in 0..<n {
                    var zr = z.pointer + (t * n + e) * width
                    if shared {
                        zr.update(from: r.states.pointer + (t * n + e) * u, count: u)
                        zr += u
                    }
                    if k > 0, let x = xp.baseAddress { zr.update(from: x + (e * steps + t) * k, count: k) }
                    zr[k] = 1
                }
            }
        }
        let dw = Self.transposedProduct(dg, z, rows: rows, m: gu, n: width)
        let dws = shared ? nil : Self.transposedProduct(ds, r.states, rows: rows, m: gu, n: u)
        /// Gate q's block of columns `columns` of a matrix with `stride` floats a row.
        func block(_ s: Storage, stride: Int, _ q: Int, _ columns: Range<Int>, _ shape: Shape) throws -> Tensor {
            var values: [Float] = []
            values.reserveCapacity(u * columns.count)
            for j in (q * u)..<((q + 1) * u) {
                values += UnsafeBufferPointer(start: s.pointer + j * stride + columns.lowerBound, count: columns.count)
            }
            return try Tensor(shape: shape, values: values)
        }
        let x0 = shared ? u : 0
        return try (0..<gates).map { q in
            [try block(dw, stride: width, q, x0..<(x0 + k), [u, k]),
             try dws.map { try block($0, stride: u, q, 0..<u, [u, u]) } ?? block(dw, stride: width, q, 0..<u, [u, u]),
             try block(dw, stride: width, q, (width - 1)..<width, [u])]
        }
    }

    /// aᵀ b {m, n} for a {rows, m} and b {rows, n} (at least `rows` rows, row-major): each
    /// core's job multiplies a share of the rows, OpenBLAS on one thread (its own threads would
    /// wake, then spin against the recurrence's jobs), and the shares' products are added.
    private static func transposedProduct(_ a: Storage, _ b: Storage, rows: Int, m: Int, n: Int) -> Storage {
        let parts = Swift.max(1, Swift.min(Parallel.workers, rows / 64))
        let products = Storage(count: parts * m * n)
        Parallel.jobs(parts) { p in
            let r0 = p * rows / parts, r1 = (p + 1) * rows / parts, c = products.pointer + p * m * n
            guard r1 > r0 else { c.initialize(repeating: 0, count: m * n); return }
            BLAS.gemm(transA: true, transB: false, m: m, n: n, k: r1 - r0, a: a.pointer + r0 * m, b: b.pointer + r0 * n, c: c)
        }
        for p in 1..<parts {
            let c = products.pointer + p * m * n
            for i in 0..<(m * n) { products.pointer[i] += c[i] }
        }
        return products
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
