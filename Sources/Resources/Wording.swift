/// A count with its noun, singular or plural: "1 row", "3 rows", "1 bias", "2 biases". Shared by
/// messages in every layer (tensors, nets, the language library), so it lives at the bottom.
public func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    n == 1 ? "1 \(singular)" : "\(n) \(plural ?? singular + "s")"
}
