import Synchronization

/// Float32 memory aligned for SIMD (64 bytes), owned by one or more tensors (copy on write).
///
/// `@unchecked Sendable`: a storage is mutated only through a tensor that holds the only
/// reference to it (`isKnownUniquelyReferenced`), so shared storages are read-only.
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        _ = BufferCache.heapSettings
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = BufferCache.take(bytes) ?? UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
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

    deinit {
        let raw = UnsafeMutableRawPointer(pointer)
        if !BufferCache.give(raw, max(count, 1) * MemoryLayout<Float>.stride) { raw.deallocate() }
    }
}

/// Large freed buffers kept for the next tensor of the same size. Training and batched
/// inference allocate the same shapes step after step; without this, each big buffer is a fresh
/// mapping whose pages the kernel zeroes on first touch (over a fifth of a training step's time).
/// At most `limit` bytes are kept; the oldest go first.
enum BufferCache {
    static let minimum = 1 << 18
    static let limit = 1 << 31

    struct State {
        var free: [Int: [UnsafeMutableRawPointer]] = [:]
        var total = 0
    }

    /// `@unchecked Sendable` box: the pointers are owned by the cache while inside it.
    struct Shelf: @unchecked Sendable { var state = State() }

    static let shelf = Mutex(Shelf())

    static func take(_ bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes >= minimum else { return nil }
        return shelf.withLock { s -> UnsafeMutableRawPointer? in
            guard var list = s.state.free[bytes], let p = list.popLast() else { return nil }
            s.state.free[bytes] = list
            s.state.total -= bytes
            return p
        }
    }

    /// Keeps a freed buffer unless the cache is full. Buffers freed first stay: a training step
    /// frees its backward temporaries and then its forward activations, and the next step asks
    /// for the same sizes in the same order.
    static func give(_ p: UnsafeMutableRawPointer, _ bytes: Int) -> Bool {
        guard bytes >= minimum, bytes <= limit / 4 else { return false }
        return shelf.withLock { s in
            guard s.state.total + bytes <= limit else { return false }
            s.state.free[bytes, default: []].append(p)
            s.state.total += bytes
            return true
        }
    }

    /// glibc serves blocks up to 32 MiB (its maximum mmap threshold) from the heap and keeps
    /// freed heap memory instead of returning it, so smaller tensors reuse pages too.
    static let heapSettings: Bool = {
        #if os(Linux)
        _ = glibcMallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 1 << 30)   // M_TRIM_THRESHOLD
        #endif
        return true
    }()
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
