import Synchronization

/// Float32 memory aligned for SIMD (64 bytes), owned by one or more tensors (copy on write).
///
/// `@unchecked Sendable`: a storage is mutated only through a tensor that holds the only
/// reference to it (`isKnownUniquelyReferenced`), so shared storages are read-only.
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
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
        var order: [(Int, UnsafeMutableRawPointer)] = []
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
            if let k = s.state.order.firstIndex(where: { $0.1 == p }) { s.state.order.remove(at: k) }
            return p
        }
    }

    static func give(_ p: UnsafeMutableRawPointer, _ bytes: Int) -> Bool {
        guard bytes >= minimum, bytes <= limit / 4 else { return false }
        var evicted: [UnsafeMutableRawPointer] = []
        shelf.withLock { s in
            s.state.free[bytes, default: []].append(p)
            s.state.order.append((bytes, p))
            s.state.total += bytes
            while s.state.total > limit, !s.state.order.isEmpty {
                let (size, old) = s.state.order.removeFirst()
                if var list = s.state.free[size], let k = list.firstIndex(of: old) {
                    list.remove(at: k)
                    s.state.free[size] = list
                }
                s.state.total -= size
                evicted.append(old)
            }
        }
        for e in evicted { e.deallocate() }
        return true
    }
}
