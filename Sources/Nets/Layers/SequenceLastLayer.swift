import Tensor

/// `SequenceLastLayer[]`: the last element of a sequence: {T, ...} in, {...} out.
///
/// - No arrays.
struct SequenceLastLayer: SequenceSelection, Codable {
    static let specKey = "sequenceLast"

    var kind: LayerKind { .sequenceLast }
    var name: String { "SequenceLastLayer" }
    var dropsSequence: Bool { true }

    func sources(_ steps: Int) -> [Int]? { steps >= 1 ? [steps - 1] : nil }
}
