import Tensor

/// A layer's step in an inference plan, made by `LayerOperator.planned`. Shapes here include
/// the batch (the plan runs one example or a whole batch through each step).
protocol PlannedOperation: Sendable {
    /// The output's shape for the inputs' shapes.
    func outputShape(_ xs: [[Int]]) throws -> [Int]
    /// Whether the output is the first input's memory under the new shape (nothing runs).
    var isView: Bool { get }
    /// Writes the output for the inputs (`xs`, with their shapes) to `y`; `scratch` is the
    /// runner's scratch memory.
    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws
    /// What the step can become in the epilogue of a step before it that absorbs it.
    var epilogueRole: EpilogueRole? { get }
    /// This step with `reader`, the only step that reads its output, merged in; nil when it
    /// cannot absorb it.
    func absorbing(_ reader: PlanReader) -> PlanFusion?
    /// This step ready to run many times: weights packed for the kernels that read them packed.
    /// The plan calls it once, after fusion has settled the weights.
    func prepared() -> any PlannedOperation
    /// Whether the step runs much faster on many examples at once than on each alone (a
    /// recurrence's per-step product is then a matrix product, not a vector one); a plan with
    /// such a step gives each core a share of the batch rather than one example at a time.
    var batchesExamples: Bool { get }
    /// Whether the step, and the steps after it, should run once on the whole batch after the
    /// steps before it have run example by example (a classifier's product: one matrix product
    /// reads its weights once for the batch, not once per example).
    var batchesTail: Bool { get }
    /// A short name for the step in `NETS_PLAN_PROFILE`'s table.
    var profileKind: String { get }
}

extension PlannedOperation {
    var isView: Bool { false }
    var epilogueRole: EpilogueRole? { nil }
    func absorbing(_ reader: PlanReader) -> PlanFusion? { nil }
    func prepared() -> any PlannedOperation { self }
    var batchesExamples: Bool { false }
    var batchesTail: Bool { false }
    var profileKind: String {
        String(reflecting: type(of: self)).split(separator: ".").dropFirst()
            .filter { $0 != "Planned" && !$0.contains("unknown context") }.joined(separator: ".")
    }
}

/// The part a step can play in another step's epilogue.
enum EpilogueRole {
    /// `x * scale + shift` per channel (batch normalization with its moving statistics).
    case scaleShift(scale: [Float], shift: [Float])
    case activation(Activation)
    /// The sum of its inputs (a residual connection when there are two).
    case addition
}

/// The step that reads another step's output, as that step sees it when deciding to absorb it.
struct PlanReader {
    let operation: any PlannedOperation
    /// The reader's input values, one of them `source`.
    let inputs: [Int]
    /// The value of the absorbing step that the reader reads.
    let source: Int
    /// Whether a value is available before the absorbing step runs.
    let isComputedBefore: (Int) -> Bool
}

/// The result of absorbing a reader: the merged step and a value it reads in addition (the
/// residual input).
struct PlanFusion {
    var operation: any PlannedOperation
    var residual: Int? = nil
}
