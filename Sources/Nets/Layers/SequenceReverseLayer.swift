import Tensor

/// `SequenceReverseLayer[]`: the elements of a sequence in reverse order: {T, ...} in, {T, ...} out.
///
/// - No arrays.
struct SequenceReverseLayer: SequenceSelection, Codable {
    static let specKey = "sequenceReverse"

    var kind: LayerKind { .sequenceReverse }
    var name: String { "SequenceReverseLayer" }

    func sources(_ steps: Int) -> [Int]? { steps >= 1 ? Array((0..<steps).reversed()) : nil }
}
