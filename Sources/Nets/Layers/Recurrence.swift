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

/// The recurrence of a cell over a batch of sequences {n, T, k} with learned arrays by name;
/// the state and cell state start at zero. Everything runs on flat Float arrays, time-major
/// for the states (`states[t]` is {n, units}).
struct Recurrence<Cell: RecurrentCell> {
    let units: Int
    /// Per gate: input weights {units, k}, state weights {units, units}, biases {units}.
    let weights: [(input: Tensor, state: Tensor, biases: Tensor)]

    init(units: Int, arrays: (String) throws -> Tensor) throws {
        self.units = units
        weights = try Cell.gates.map { g in
            let names = Cell.arrayNames(g)
            return (try arrays(names[0]), try arrays(names[1]), try arrays(names[2]))
        }
        for w in weights {
            guard w.input.rank == 2, w.input.shape[0] == units, w.state.shape == [units, units], w.biases.shape == [units] else {
                throw NetError("invarr", "the arrays of a recurrent layer with \(units) units must be {\(units), k}, {\(units), \(units)} and {\(units)}")
            }
        }
    }

    /// Everything the backward pass needs from a forward pass.
    struct Record {
        let batch: Int, steps: Int, width: Int
        /// The input {batch * steps, width}, example-major.
        let x: [Float]
        /// Per gate, `W_gx . x_t + b_g` for every example and step: {batch * steps, units}.
        let gateInputs: [[Float]]
        /// Per step, per gate, `W_gs . s_{t-1}`: {batch, units}.
        var stateInputs: [[[Float]]]
        /// States and cell states after each step (index t + 1; index 0 is the zero start).
        var states: [[Float]]
        var cells: [[Float]]
    }

    /// The states after every step, {batch, steps, units}, with the record for `backward`.
    func forward(_ input: Tensor) throws -> (Tensor, Record) {
        guard input.rank == 3 else { throw NetError("eval", "a recurrent layer takes a sequence of vectors, not \(describe(Array(input.shape.dropFirst())))") }
        let n = input.shape[0], steps = input.shape[1], k = input.shape[2], u = units
        guard k == weights[0].input.shape[1] else { throw NetError("eval", "the recurrent layer takes vectors of size \(weights[0].input.shape[1]), not \(k)") }
        // Everything the pass keeps (gate and state inputs, states, cell states), within the memory limit.
        try Sizes.count([2 * weights.count + 3, n, steps, Swift.max(u, k)], "the memory of the recurrent layer for this input")
        let x = input.values
        var gateInputs: [[Float]] = []
        for w in weights {
            var a = [Float](repeating: 0, count: n * steps * u)
            let b = w.biases.values
            for r in 0..<(n * steps) { for j in 0..<u { a[r * u + j] = b[j] } }
            x.withUnsafeBufferPointer { xp in
                w.input.withUnsafeBufferPointer { wp in
                    a.withUnsafeMutableBufferPointer { ap in
                        guard let xb = xp.baseAddress, let wb = wp.baseAddress, let ab = ap.baseAddress else { return }
                        BLAS.gemm(transA: false, transB: true, m: n * steps, n: u, k: k, a: xb, b: wb, beta: 1, c: ab)
                    }
                }
            }
            gateInputs.append(a)
        }
        var record = Record(batch: n, steps: steps, width: k, x: x, gateInputs: gateInputs, stateInputs: [],
                            states: [[Float](repeating: 0, count: n * u)], cells: [[Float](repeating: 0, count: n * u)])
        var out = [Float](repeating: 0, count: n * steps * u)
        for t in 0..<steps {
            let previous = record.states[t], previousCell = record.cells[t]
            let stateInputs = weights.map { w in product(previous, rows: n, w.state, transpose: true) }
            var state = [Float](repeating: 0, count: n * u), cell = state
            for e in 0..<n {
                for j in 0..<u {
                    let i = e * u + j, row = (e * steps + t) * u + j
                    let (xg, sg) = lanes(gateInputs, row, stateInputs, i)
                    (state[i], cell[i]) = Cell.step(xg, sg, previous[i], previousCell[i])
                    out[row] = state[i]
                }
            }
            record.stateInputs.append(stateInputs)
            record.states.append(state)
            record.cells.append(cell)
        }
        return (try Tensor(shape: [n, steps, u], values: out), record)
    }

    /// Back-propagation through time: the input's gradient and, per gate, the gradients of the
    /// input weights, state weights and biases.
    func backward(_ r: Record, gradient dy: Tensor) throws -> (Tensor, [[Tensor]]) {
        let n = r.batch, steps = r.steps, k = r.width, u = units, g = weights.count
        let dyv = dy.values
        var dGateInputs = [[Float]](repeating: [Float](repeating: 0, count: n * steps * u), count: g)
        var dStateWeights = [[Float]](repeating: [Float](repeating: 0, count: u * u), count: g)
        var dNext = [Float](repeating: 0, count: n * u), dNextCell = dNext
        for t in (0..<steps).reversed() {
            var dStateInputs = [[Float]](repeating: [Float](repeating: 0, count: n * u), count: g)
            var dPrevious = [Float](repeating: 0, count: n * u)
            let previous = r.states[t], previousCell = r.cells[t]
            for e in 0..<n {
                for j in 0..<u {
                    let i = e * u + j, row = (e * steps + t) * u + j
                    let (xg, sg) = lanes(r.gateInputs, row, r.stateInputs[t], i)
                    let d = Cell.stepBackward(xg, sg, previous[i], previousCell[i], dState: dyv[row] + dNext[i], dCell: dNextCell[i])
                    for q in 0..<g {
                        dGateInputs[q][row] = d.dx[q]
                        dStateInputs[q][i] = d.ds[q]
                    }
                    dPrevious[i] = d.dState
                    dNextCell[i] = d.dCell
                }
            }
            for q in 0..<g {
                accumulate(&dStateWeights[q], dStateInputs[q], previous, rows: n)
                dPrevious.withUnsafeMutableBufferPointer { dp in
                    dStateInputs[q].withUnsafeBufferPointer { sp in
                        weights[q].state.withUnsafeBufferPointer { wp in
                            guard let d = dp.baseAddress, let s = sp.baseAddress, let w = wp.baseAddress else { return }
                            BLAS.gemm(transA: false, transB: false, m: n, n: u, k: u, a: s, b: w, beta: 1, c: d)
                        }
                    }
                }
            }
            dNext = dPrevious
        }
        var dx = [Float](repeating: 0, count: n * steps * k)
        var grads: [[Tensor]] = []
        for q in 0..<g {
            var dIn = [Float](repeating: 0, count: u * k)
            accumulate(&dIn, dGateInputs[q], r.x, rows: n * steps)
            var dBias = [Float](repeating: 0, count: u)
            for row in 0..<(n * steps) { for j in 0..<u { dBias[j] += dGateInputs[q][row * u + j] } }
            dx.withUnsafeMutableBufferPointer { dp in
                dGateInputs[q].withUnsafeBufferPointer { gp in
                    weights[q].input.withUnsafeBufferPointer { wp in
                        guard let d = dp.baseAddress, let a = gp.baseAddress, let w = wp.baseAddress else { return }
                        BLAS.gemm(transA: false, transB: false, m: n * steps, n: k, k: u, a: a, b: w, beta: 1, c: d)
                    }
                }
            }
            grads.append([try Tensor(shape: [u, k], values: dIn), try Tensor(shape: [u, u], values: dStateWeights[q]),
                          try Tensor(shape: [u], values: dBias)])
        }
        return (try Tensor(shape: [n, steps, k], values: dx), grads)
    }

    /// The gates' inputs of one unit as SIMD lanes.
    private func lanes(_ gateInputs: [[Float]], _ row: Int, _ stateInputs: [[Float]], _ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        var x = SIMD4<Float>(repeating: 0), s = SIMD4<Float>(repeating: 0)
        for q in 0..<gateInputs.count {
            x[q] = gateInputs[q][row]
            s[q] = stateInputs[q][i]
        }
        return (x, s)
    }

    /// `a . w^T` for a {rows, units} matrix a and a {units, units} tensor w.
    private func product(_ a: [Float], rows: Int, _ w: Tensor, transpose: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: rows * units)
        a.withUnsafeBufferPointer { ap in
            w.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    guard let ab = ap.baseAddress, let wb = wp.baseAddress, let ob = op.baseAddress else { return }
                    BLAS.gemm(transA: false, transB: transpose, m: rows, n: units, k: units, a: ab, b: wb, c: ob)
                }
            }
        }
        return out
    }

    /// `target += g^T . a` for g {rows, units} and a {rows, width}.
    private func accumulate(_ target: inout [Float], _ g: [Float], _ a: [Float], rows: Int) {
        let width = a.count / Swift.max(rows, 1)
        target.withUnsafeMutableBufferPointer { tp in
            g.withUnsafeBufferPointer { gp in
                a.withUnsafeBufferPointer { ap in
                    guard let t = tp.baseAddress, let gb = gp.baseAddress, let ab = ap.baseAddress else { return }
                    BLAS.gemm(transA: true, transB: false, m: units, n: width, k: rows, a: gb, b: ab, beta: 1, c: t)
                }
            }
        }
    }
}
