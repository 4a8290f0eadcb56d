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
    /// One unit's step: gate inputs (one lane per gate), previous state and cell state.
    static func step(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float) -> (state: Float, cell: Float)
    /// The step's derivative: from the gradients of the new state and cell state to those of the
    /// gate inputs and of the previous state and cell state (not counting the paths through `s`).
    static func stepBackward(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float, dState: Float, dCell: Float)
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
/// the state), so the input projections of the whole batch and sequence are one GEMM before the
/// loop over time, each step's state projections one GEMM, and back-propagation through time
/// one GEMM per step for the previous state's gradient and one for the state weights'. Gate
/// values are laid out gate by gate within a row: row r, gate q, unit j is `r g u + q u + j`.
struct Recurrence<Cell: RecurrentCell> {
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

    /// Everything the backward pass needs from a forward pass.
    struct Record {
        let batch: Int, steps: Int
        /// The input {batch * steps, width}, example-major.
        let x: [Float]
        /// `W_x . x + b` for every example and step: {batch * steps, g u}.
        let gateInputs: [Float]
        /// Per step, `W_s . s_{t-1}`: {steps, batch, g u}.
        var stateInputs: [Float]
        /// States and cell states after each step, {steps + 1, batch, u} (step 0 is the zero start).
        var states: [Float]
        var cells: [Float]
    }

    /// The states after every step, {batch, steps, units}, with the record for `backward`.
    func forward(_ input: Tensor) throws -> (Tensor, Record) {
        guard input.rank == 3 else { throw NetError("eval", "a recurrent layer takes a sequence of vectors, not \(describe(Array(input.shape.dropFirst())))") }
        let n = input.shape[0], steps = input.shape[1], k = input.shape[2], u = units, gu = gates * units
        guard k == width else { throw NetError("eval", "the recurrent layer takes vectors of size \(width), not \(k)") }
        // Everything the pass keeps (gate and state inputs, states, cell states), within the memory limit.
        try Sizes.count([2 * gates + 3, n, steps + 1, Swift.max(u, k)], "the memory of the recurrent layer for this input")
        let x = input.values
        var gateInputs = [Float](repeating: 0, count: n * steps * gu)
        var stateInputs = [Float](repeating: 0, count: steps * n * gu)
        var states = [Float](repeating: 0, count: (steps + 1) * n * u), cells = states
        var out = [Float](repeating: 0, count: n * steps * u)
        x.withUnsafeBufferPointer { xp in
        inputWeights.withUnsafeBufferPointer { wxp in
        stateWeights.withUnsafeBufferPointer { wsp in
        biases.withUnsafeBufferPointer { bp in
        gateInputs.withUnsafeMutableBufferPointer { gp in
        stateInputs.withUnsafeMutableBufferPointer { sp in
        states.withUnsafeMutableBufferPointer { stp in
        cells.withUnsafeMutableBufferPointer { cp in
        out.withUnsafeMutableBufferPointer { op in
            guard let x0 = xp.baseAddress, let wx = wxp.baseAddress, let ws = wsp.baseAddress, let b = bp.baseAddress,
                  let g = gp.baseAddress, let s = sp.baseAddress, let st = stp.baseAddress, let c = cp.baseAddress,
                  let o = op.baseAddress else { return }
            for r in 0..<(n * steps) { (g + r * gu).update(from: b, count: gu) }
            BLAS.gemm(transA: false, transB: true, m: n * steps, n: gu, k: k, a: x0, b: wx, beta: 1, c: g)
            // Each step's GEMM is small ({n, g u} from {n, u}): OpenBLAS's threads would meet once
            // per step, which costs more than they save (on a busy machine, many times more).
            BLAS.singleThreaded {
            for t in 0..<steps {
                let previous = st + t * n * u, previousCell = c + t * n * u
                let state = st + (t + 1) * n * u, cell = c + (t + 1) * n * u, si = s + t * n * gu
                BLAS.gemm(transA: false, transB: true, m: n, n: gu, k: u, a: previous, b: ws, c: si)
                for e in 0..<n {
                    let gx = g + (e * steps + t) * gu, gs = si + e * gu
                    for j in 0..<u {
                        let i = e * u + j
                        let (xg, sg) = lanes(gx + j, gs + j)
                        (state[i], cell[i]) = Cell.step(xg, sg, previous[i], previousCell[i])
                        o[(e * steps + t) * u + j] = state[i]
                    }
                }
            }
            }
        }}}}}}}}}
        let record = Record(batch: n, steps: steps, x: x, gateInputs: gateInputs, stateInputs: stateInputs, states: states, cells: cells)
        return (try Tensor(shape: [n, steps, u], values: out), record)
    }

    /// Back-propagation through time: the input's gradient and, per gate, the gradients of the
    /// input weights, state weights and biases.
    func backward(_ r: Record, gradient dy: Tensor) throws -> (Tensor, [[Tensor]]) {
        let n = r.batch, steps = r.steps, k = width, u = units, gu = gates * units
        let dyv = dy.values
        guard dyv.count == n * steps * u else { throw NetError("eval", "the recurrent layer's gradient has the wrong size") }
        var dGateInputs = [Float](repeating: 0, count: n * steps * gu)
        var dStateWeights = [Float](repeating: 0, count: gu * u)
        var dNext = [Float](repeating: 0, count: n * u), dNextCell = dNext, dPrevious = dNext
        var dStateInputs = [Float](repeating: 0, count: n * gu)
        var dx = [Float](repeating: 0, count: n * steps * k)
        var dInputWeights = [Float](repeating: 0, count: gu * k), dBiases = [Float](repeating: 0, count: gu)
        r.gateInputs.withUnsafeBufferPointer { gp in
        r.stateInputs.withUnsafeBufferPointer { sp in
        r.states.withUnsafeBufferPointer { stp in
        r.cells.withUnsafeBufferPointer { cp in
        r.x.withUnsafeBufferPointer { xp in
        dyv.withUnsafeBufferPointer { dyp in
        inputWeights.withUnsafeBufferPointer { wxp in
        stateWeights.withUnsafeBufferPointer { wsp in
        dGateInputs.withUnsafeMutableBufferPointer { dgp in
        dStateWeights.withUnsafeMutableBufferPointer { dwsp in
        dNext.withUnsafeMutableBufferPointer { dnp in
        dNextCell.withUnsafeMutableBufferPointer { dncp in
        dPrevious.withUnsafeMutableBufferPointer { dpp in
        dStateInputs.withUnsafeMutableBufferPointer { dsp in
        dx.withUnsafeMutableBufferPointer { dxp in
        dInputWeights.withUnsafeMutableBufferPointer { dwxp in
            guard let g = gp.baseAddress, let s = sp.baseAddress, let st = stp.baseAddress, let c = cp.baseAddress,
                  let x = xp.baseAddress, let dyb = dyp.baseAddress, let wx = wxp.baseAddress, let ws = wsp.baseAddress,
                  let dg = dgp.baseAddress, let dws = dwsp.baseAddress, var dNextState = dnp.baseAddress, let dCell = dncp.baseAddress,
                  var dPrev = dpp.baseAddress, let dS = dsp.baseAddress, let dxb = dxp.baseAddress, let dwx = dwxp.baseAddress else { return }
            // One thread for the small per-step GEMMs, as in `forward`.
            BLAS.singleThreaded {
            for t in (0..<steps).reversed() {
                let previous = st + t * n * u, previousCell = c + t * n * u, si = s + t * n * gu
                for e in 0..<n {
                    let gx = g + (e * steps + t) * gu, gs = si + e * gu
                    for j in 0..<u {
                        let i = e * u + j, row = (e * steps + t) * u + j
                        let (xg, sg) = lanes(gx + j, gs + j)
                        let d = Cell.stepBackward(xg, sg, previous[i], previousCell[i], dState: dyb[row] + dNextState[i], dCell: dCell[i])
                        let dgRow = dg + (e * steps + t) * gu + j, dsRow = dS + e * gu + j
                        for q in 0..<gates {
                            dgRow[q * u] = d.dx[q]
                            dsRow[q * u] = d.ds[q]
                        }
                        dPrev[i] = d.dState
                        dCell[i] = d.dCell
                    }
                }
                // dW_s += dSᵀ s_{t-1}; d s_{t-1} += dS W_s.
                BLAS.gemm(transA: true, transB: false, m: gu, n: u, k: n, a: dS, b: previous, beta: 1, c: dws)
                BLAS.gemm(transA: false, transB: false, m: n, n: u, k: gu, a: dS, b: ws, beta: 1, c: dPrev)
                swap(&dNextState, &dPrev)
            }
            }
            // dW_x = dGᵀ x, dx = dG W_x.
            BLAS.gemm(transA: true, transB: false, m: gu, n: k, k: n * steps, a: dg, b: x, c: dwx)
            BLAS.gemm(transA: false, transB: false, m: n * steps, n: k, k: gu, a: dg, b: wx, c: dxb)
        }}}}}}}}}}}}}}}}
        for row in 0..<(n * steps) { for q in 0..<gu { dBiases[q] += dGateInputs[row * gu + q] } }
        var grads: [[Tensor]] = []
        for q in 0..<gates {
            grads.append([try Tensor(shape: [u, k], values: Array(dInputWeights[(q * u * k)..<((q + 1) * u * k)])),
                          try Tensor(shape: [u, u], values: Array(dStateWeights[(q * u * u)..<((q + 1) * u * u)])),
                          try Tensor(shape: [u], values: Array(dBiases[(q * u)..<((q + 1) * u)]))])
        }
        return (try Tensor(shape: [n, steps, k], values: dx), grads)
    }

    /// The gates' inputs of one unit as SIMD lanes: `x` and `s` point at gate 0's value, the
    /// other gates' values follow `units` apart.
    @inline(__always)
    private func lanes(_ x: UnsafePointer<Float>, _ s: UnsafePointer<Float>) -> (SIMD4<Float>, SIMD4<Float>) {
        var xv = SIMD4<Float>(repeating: 0), sv = SIMD4<Float>(repeating: 0)
        for q in 0..<gates {
            xv[q] = x[q * units]
            sv[q] = s[q * units]
        }
        return (xv, sv)
    }
}
