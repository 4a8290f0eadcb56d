import Tensor

/// `SequenceMostLayer[]`: every element of a sequence but the last: {T, ...} in, {T - 1, ...} out (T at least 2).
///
/// - No arrays.
struct SequenceMostLayer: SequenceSelection, Codable {
    static let specKey = "sequenceMost"

    var kind: LayerKind { .sequenceMost }
    var name: String { "SequenceMostLayer" }

    func sources(_ steps: Int) -> [Int]? { steps >= 2 ? Array(0..<(steps - 1)) : nil }
}
