/// Float32 memory aligned for SIMD (64 bytes), owned by one or more tensors (copy on write).
///
/// `@unchecked Sendable`: a storage is mutated only through a tensor that holds the only
/// reference to it (`isKnownUniquelyReferenced`), so shared storages are read-only.
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    public convenience init(repeating value: Float, count: Int) {
        self.init(count: count)
        pointer.initialize(repeating: value, count: count)
    }

    public func copy() -> Storage {
        let s = Storage(count: count)
        s.pointer.update(from: pointer, count: count)
        return s
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
