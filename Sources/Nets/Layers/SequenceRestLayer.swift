import Tensor

/// `SequenceRestLayer[]`: every element of a sequence but the first: {T, ...} in, {T - 1, ...} out (T at least 2).
///
/// - No arrays.
struct SequenceRestLayer: SequenceSelection, Codable {
    static let specKey = "sequenceRest"

    var kind: LayerKind { .sequenceRest }
    var name: String { "SequenceRestLayer" }

    func sources(_ steps: Int) -> [Int]? { steps >= 2 ? Array(1..<steps) : nil }
}
