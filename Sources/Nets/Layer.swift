import Tensor

/// One layer: what it computes, its learned arrays (absent until initialized), and the shapes
/// of its inputs and output as far as they are known. What the layer means is its
/// `LayerOperator` (made from `kind`); this type holds the state and runs the generic parts.
public struct Layer: Sendable {
    /// The implementation of the layer's kind, refined as arrays and shapes become known.
    private(set) var operation: any LayerOperator
    /// Learned arrays by name (`"Weights"`, `"Biases"`, ...); a missing one is uninitialized.
    public var arrays: [String: Tensor]
    /// Per-example shape of each input port (one for most layers).
    public var inputs: [Shape?]
    public var output: Shape?

    /// What the layer computes; setting it replaces the implementation.
    public var kind: LayerKind {
        get { operation.kind }
        set { operation = newValue.operation }
    }

    /// A layer with the given arrays and optional input shape; the shapes the arrays imply are
    /// inferred, and arrays that do not fit the layer throw.
    public init(_ kind: LayerKind, arrays: [String: Tensor] = [:], input: Shape? = nil, inputCount: Int = 1) throws {
        operation = kind.operation
        self.arrays = [:]
        self.inputs = Array(repeating: nil, count: operation.inputCount ?? inputCount)
        self.output = nil
        let names = operation.arrayNames
        for (name, array) in arrays {
            guard names.contains(name) else {
                throw NetError("invarr", "\(operation.name) has no array \(quoted(name)); its arrays are \(names.map(quoted).joined(separator: ", "))")
            }
            self.arrays[name] = array
        }
        try operation.fixSizes(arrays: self.arrays)
        if let input { _ = try constrain(inputs: [input], output: nil) }
        _ = try constrain(inputs: inputs, output: output)
    }

    /// Refines the layer's shapes with what is known from outside; returns whether anything
    /// changed. Shapes that cannot be reconciled throw.
    public mutating func constrain(inputs given: [Shape?], output givenOutput: Shape?) throws -> Bool {
        let before = (inputs, output, kind)
        var shapes = LayerShapes(inputs: inputs, output: output)
        for (i, s) in given.enumerated() where i < inputs.count {
            guard let merged = unify(inputs[i], s) else {
                throw NetError.incompatible("the input is \(describe(inputs[i])), but \(describe(s)) was given")
            }
            shapes.inputs[i] = merged
        }
        guard let merged = unify(output, givenOutput) else {
            throw NetError.incompatible("the output is \(describe(output)), but \(describe(givenOutput)) is required")
        }
        shapes.output = merged
        try Layer.checkSizes(shapes)
        try operation.inferShapes(&shapes, arrays: arrays)
        try Layer.checkSizes(shapes)
        inputs = shapes.inputs
        output = shapes.output
        return before.0 != inputs || before.1 != output || before.2 != kind
    }

    /// Throws unless every known shape has positive dimensions and fits the memory limit, so
    /// that shape rules and later allocations can compute with them without overflow.
    static func checkSizes(_ shapes: LayerShapes) throws {
        for (i, s) in shapes.inputs.enumerated() {
            if let s { try Sizes.count(s, shapes.inputs.count == 1 ? "the input" : "input \(i + 1)") }
        }
        if let s = shapes.output { try Sizes.count(s, "the output") }
    }

    /// The shapes the learned arrays must have, once the layer's shapes are known.
    public var arrayShapes: [String: Shape]? { operation.arrayShapes(inputs: inputs) }

    /// Whether every learned array is present.
    public var isInitialized: Bool { operation.arrayNames.allSatisfy { arrays[$0] != nil } }

    /// A learned array, or an error saying it is not initialized.
    func array(_ name: String) throws -> Tensor {
        guard let a = arrays[name] else {
            throw NetError("uninit", "the array \(quoted(name)) of \(operation.name) is not initialized; use NetInitialize or NetTrain")
        }
        return a
    }

    /// The layer applied to a batch.
    public func forward(_ xs: [Tensor]) throws -> Tensor { try operation.forward(xs, self) }

    /// The training forward pass; see `LayerOperator.trainForward`.
    func trainForward(_ xs: [Tensor], _ path: [String], _ pass: TrainingPass, needInput: Bool) throws -> (Tensor, Backward) {
        try operation.trainForward(xs, self, TrainingStep(path: path, pass: pass, needInput: needInput))
    }

    /// The loss `l` of a batch and its gradient with respect to the input.
    func loss(_ l: LossKind, _ x: Tensor, _ target: Tensor) throws -> (loss: Double, gradient: Tensor) {
        try l.operation.loss(x, target)
    }
}
