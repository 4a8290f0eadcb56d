import Tensor

/// What the recurrent layers (`BasicRecurrentLayer`, `GatedRecurrentLayer`,
/// `LongShortTermMemoryLayer`) share: a sequence of vectors {T, k} in, the sequence of states
/// {T, n} out, the arrays of their cell's gates, and the forward, backward and plan step of
/// `Recurrence`. A conforming type names its cell and its spec.
protocol RecurrentLayer: LayerOperator {
    associatedtype Cell: RecurrentCell
    /// The state size n.
    var units: Int { get }
}

extension RecurrentLayer {
    var arrayNames: [String] { Cell.arrayNames }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard units > 0 else { throw NetError("invspec", "\(name) needs a positive number of units, not \(units)") }
        var width: Int?
        for (key, a) in arrays {
            let fits: Bool
            if key.hasSuffix("Biases") {
                fits = a.shape == [units]
            } else if key.hasSuffix("StateWeights") {
                fits = a.shape == [units, units]
            } else {
                fits = a.rank == 2 && a.shape[0] == units && (width == nil || width == a.shape[1])
                if fits { width = a.shape[1] }
            }
            guard fits else {
                let expected = key.hasSuffix("Biases") ? "a vector of size \(units)" : key.hasSuffix("StateWeights") ? "a \(units) x \(units) matrix"
                    : "a matrix with \(units) rows" + (width.map { " and \($0) columns" } ?? "")
                throw NetError("invarr", "\(quoted(key)) must be \(expected), not \(describe(a.shape))")
            }
        }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input {
            guard x.count == 2 else { throw NetError.incompatible("\(name) takes a sequence of vectors {T, k}, not \(describe(x))") }
            if let w = arrays[Cell.arrayNames[0]], w.rank == 2, w.shape[1] != x[1] {
                throw NetError.incompatible("the input weights take vectors of size \(w.shape[1]), but the input is \(describe(x))")
            }
            try shapes.setOutput([x[0], units])
        }
        if let y = shapes.output, y.count == 2, let w = arrays[Cell.arrayNames[0]], w.rank == 2 { try shapes.setInput([y[0], w.shape[1]]) }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let x = inputs.first ?? nil, x.count == 2 else { return nil }
        var out: [String: Shape] = [:]
        for g in Cell.gates {
            let names = Cell.arrayNames(g)
            out[names[0]] = [units, x[1]]
            out[names[1]] = [units, units]
            out[names[2]] = [units]
        }
        return out
    }

    /// Weights normal with variance 1 / fan-in (the state weights' fan-in is n), biases 0.
    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let count = shape.reduce(1, *)
        guard array.hasSuffix("Weights"), shape.count == 2 else { return Array(repeating: 0, count: count) }
        let std = (1.0 / Double(Swift.max(shape[1], 1))).squareRoot()
        return (0..<count).map { _ in Float(generator.normal() * std) }
    }

    func recurrence(_ layer: Layer) throws -> Recurrence<Cell> {
        try Recurrence<Cell>(units: units) { try layer.array($0) }
    }

    /// Under a `SequenceMask`, the outputs on padding are 0: the states there never reach a
    /// real output, and their gradients are 0 too.
    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        try SequenceMask.zeroingPadding(recurrence(layer).forward(input(xs)).0)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let r = try recurrence(layer)
        let (y, record) = try r.forward(input(xs))
        let frozen = step.isFrozen(layer), lengths = SequenceMask.lengths
        return (try SequenceMask.zeroingPadding(y), { dy in
            let masked = try SequenceMask.$lengths.withValue(lengths) { try SequenceMask.zeroingPadding(dy) }
            let (dx, grads) = try r.backward(record, gradient: masked, needInput: step.needInput)
            if !frozen {
                for (g, gate) in Cell.gates.enumerated() {
                    for (name, grad) in zip(Cell.arrayNames(gate), grads[g]) { try step.accumulate(name, grad) }
                }
            }
            return [dx]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { PlannedRecurrence(recurrence: try recurrence(layer)) }
}

/// A recurrent layer's plan step: the recurrence (its weights packed once, with the plan) from
/// the step's input straight into its output, keeping nothing for a backward pass.
private struct PlannedRecurrence<Cell: RecurrentCell>: PlannedOperation {
    let recurrence: Recurrence<Cell>
    var batchesExamples: Bool { true }

    func outputShape(_ xs: [[Int]]) throws -> [Int] {
        guard xs[0].count == 3 else { throw NetError("eval", "a recurrent layer takes a sequence of vectors") }
        return [xs[0][0], xs[0][1], recurrence.units]
    }

    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws {
        try recurrence.infer(xs[0], shape: shapes[0], into: y)
    }
}
