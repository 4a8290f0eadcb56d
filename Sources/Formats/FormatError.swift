/// A file that cannot be read as the format it claims: damaged, cut off, hostile or unsupported.
/// `tag` is the message tag the kernel issues it under (`Import::npy`).
public struct FormatError: Error, CustomStringConvertible, Sendable {
    public var tag: String
    public var description: String

    public init(_ tag: String, _ description: String) {
        self.tag = tag
        self.description = description
    }
}

/// A name in double quotes, as messages write file members and fields.
func quoted(_ s: String) -> String { "\"" + s + "\"" }
