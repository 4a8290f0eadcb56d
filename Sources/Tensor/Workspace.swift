/// Reusable memory for a layer that runs again and again (inference over many batches): the
/// im2col columns and the output tensor are kept and written in place the next time, so a
/// second run of the same shapes allocates nothing.
///
/// Not shared between threads: one workspace per running layer.
public final class Workspace {
    /// The last output handed out; reused when the caller no longer holds it.
    private var output: Tensor?

    /// Per-worker im2col columns for the convolution kernels.
    public let columns = Scratch()

    public init() {}

    /// A tensor of `shape` to overwrite: the previous output's storage when nobody else holds
    /// it any more, else a new one. Write it, then hand it to `keep`.
    public func takeOutput(_ shape: [Int]) throws -> Tensor {
        if var t = output {
            output = nil
            if t.shape == shape && t.isUniquelyOwned() { return t }
        }
        return try Tensor(shape: shape)
    }

    /// Remembers a finished output for reuse by the next run, and returns it.
    public func keep(_ t: Tensor) -> Tensor {
        output = t
        return t
    }
}
