/// The shapes of one layer's input ports and output as far as they are known, as a layer's
/// shape rule sees and refines them. Refining a known shape to a different one throws.
struct LayerShapes {
    var inputs: [Shape?]
    var output: Shape?

    /// The first input port's shape.
    var input: Shape? { inputs.first ?? nil }

    /// Sets the output to `s` (nothing when nil).
    mutating func setOutput(_ s: Shape?) throws {
        guard let s else { return }
        guard let m = unify(output, s) else {
            throw NetError.incompatible("the layer produces \(describe(s)), but \(describe(output)) is required")
        }
        output = m
    }

    /// Sets input port `i` to `s` (nothing when nil or when there is no such port).
    mutating func setInput(_ s: Shape?, _ i: Int = 0) throws {
        guard let s, i < inputs.count else { return }
        guard let m = unify(inputs[i], s) else {
            throw NetError.incompatible("the layer needs \(describe(s)), but gets \(describe(inputs[i]))")
        }
        inputs[i] = m
    }

    /// The rule of layers whose output has the input's shape, run both ways.
    mutating func keepShape() throws {
        try setOutput(input)
        try setInput(output)
    }
}
