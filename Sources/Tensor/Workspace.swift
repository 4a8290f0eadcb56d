/// Reusable memory for a layer that runs again and again (inference over many batches): the
/// im2col columns and the output tensor are kept and written in place the next time, so a
/// second run of the same shapes allocates nothing.
///
/// Not shared between threads: one workspace per running layer.
public final class Workspace {
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCount = 0
    /// The last output handed out; reused when the caller no longer holds it.
    private var output: Tensor?

    /// Per-worker im2col columns for the convolution kernels.
    public let columns = Scratch()

    public init() {}

    /// A scratch buffer of at least `count` floats, valid until the next call.
    public func scratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let s = scratch, scratchCount >= count { return s }
        scratch?.deallocate()
        let n = Swift.max(count, 1)
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: n)
        scratch = fresh
        scratchCount = n
        return fresh
    }

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

    deinit { scratch?.deallocate() }
}
