import Glibc
import Synchronization

/// Float32 memory aligned for SIMD (64 bytes), owned by one or more tensors (copy on write).
///
/// `@unchecked Sendable`: a storage is mutated only through a tensor that holds the only
/// reference to it (`isKnownUniquelyReferenced`), so shared storages are read-only.
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>
    /// Whether the buffer is the arena's (`BufferArena`) rather than malloc's.
    let fromArena: Bool

    public init(count: Int) {
        _ = BufferArena.heapSettings
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let (raw, fromArena) = BufferArena.allocate(bytes)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.fromArena = fromArena
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
        BufferArena.release(UnsafeMutableRawPointer(pointer), arena: fromArena)
    }
}

/// Pages mapped for the arena: `length` bytes starting on a 2 MB boundary, with transparent
/// huge pages asked for, so the kernel zeroes a new chunk 2 MB at a time instead of faulting it
/// in 4 KB pages.
enum Pages {
    static let huge = 2 << 20

    /// New zeroed pages, or nil when the system has none to give.
    static func map(_ length: Int) -> UnsafeMutableRawPointer? {
        #if os(Linux)
        let reserve = length + huge
        guard let base = mmap(nil, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED else {
            return nil
        }
        // Keep the 2 MB-aligned `length` bytes inside the reservation; give back the rest.
        let address = Int(bitPattern: base), start = (address + huge - 1) / huge * huge
        if start > address { munmap(base, start - address) }
        let end = start + length, reservedEnd = address + reserve
        if reservedEnd > end, let tail = UnsafeMutableRawPointer(bitPattern: end) { munmap(tail, reservedEnd - end) }
        guard let p = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
        _ = madvise(p, length, 14)  // MADV_HUGEPAGE; only a hint (ignored where THP is off)
        return p
        #else
        return nil
        #endif
    }

    static func unmap(_ p: UnsafeMutableRawPointer, _ length: Int) {
        #if os(Linux)
        munmap(p, length)
        #endif
    }
}

/// Where big tensor buffers (256 KB and up) live: chunks of mapped pages cut into blocks, best
/// fit, a freed block merged with free neighbours. Training and batched inference allocate the
/// same shapes step after step, so the blocks a step frees serve the next step's tensors and no
/// page is zeroed twice (a new page costs 0.2-0.45 ms per MB on a virtual machine: without
/// reuse, over a fifth of a training step's time).
///
/// An earlier cache kept freed buffers for the next tensor of exactly the same size. A training
/// step has a dozen and a half sizes, each wanted several at a time at some moment, so to serve
/// every request it held the sum of those peaks: 1.1 GB beside 0.5 GB in use at batch 16.
/// Blocks that split and merge serve any size from the same pages, so what stays resident is
/// close to the most ever in use at once. A chunk wholly free is unmapped when the others still
/// hold a quarter more than that high-water mark.
enum BufferArena {
    static let minimum = 1 << 18
    static let granule = 1 << 12
    static let chunkSize = 64 << 20

    struct Block {
        var offset: Int
        var size: Int
        var free: Bool
    }

    /// `@unchecked Sendable`: a chunk's pages are the arena's, handed out block by block.
    struct Chunk: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let size: Int
        /// In address order, covering the chunk.
        var blocks: [Block]

        func contains(_ p: UnsafeMutableRawPointer) -> Bool { p >= base && p < base + size }
    }

    struct State {
        var chunks: [Chunk] = []
        var mapped = 0
        /// Bytes in blocks in use, and the most ever in use at once.
        var live = 0
        var highWater = 0

        /// The free block that fits `size` most tightly, cut to size.
        mutating func take(_ size: Int) -> UnsafeMutableRawPointer? {
            var best: (chunk: Int, block: Int, size: Int)?
            for (c, chunk) in chunks.enumerated() {
                for (b, block) in chunk.blocks.enumerated() where block.free && block.size >= size {
                    if best == nil || block.size < best?.size ?? 0 { best = (c, b, block.size) }
                }
            }
            guard let (c, b, _) = best else { return nil }
            let block = chunks[c].blocks[b]
            chunks[c].blocks[b] = Block(offset: block.offset, size: size, free: false)
            if block.size > size {
                chunks[c].blocks.insert(Block(offset: block.offset + size, size: block.size - size, free: true), at: b + 1)
            }
            use(size)
            return chunks[c].base + block.offset
        }

        /// A new chunk for a block of `size` (which takes its start).
        @discardableResult
        mutating func add(_ base: UnsafeMutableRawPointer, length: Int, for size: Int) -> UnsafeMutableRawPointer {
            var blocks = [Block(offset: 0, size: size, free: false)]
            if length > size { blocks.append(Block(offset: size, size: length - size, free: true)) }
            chunks.append(Chunk(base: base, size: length, blocks: blocks))
            mapped += length
            use(size)
            return base
        }

        mutating func use(_ size: Int) {
            live += size
            highWater = Swift.max(highWater, live)
        }

        /// Frees the block at `p`, merged with free neighbours. `found` is false when `p` is
        /// not a block in use; `unmap` is the chunk to give back to the system when it is now
        /// wholly free and the chunks left still hold a quarter more than the high-water mark.
        mutating func give(_ p: UnsafeMutableRawPointer) -> (found: Bool, unmap: Chunk?) {
            guard let c = chunks.firstIndex(where: { $0.contains(p) }) else { return (false, nil) }
            let offset = p - chunks[c].base
            var lo = 0, hi = chunks[c].blocks.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if chunks[c].blocks[mid].offset < offset { lo = mid + 1 } else { hi = mid }
            }
            guard chunks[c].blocks[lo].offset == offset, !chunks[c].blocks[lo].free else { return (false, nil) }
            live -= chunks[c].blocks[lo].size
            chunks[c].blocks[lo].free = true
            if lo + 1 < chunks[c].blocks.count, chunks[c].blocks[lo + 1].free {
                chunks[c].blocks[lo].size += chunks[c].blocks.remove(at: lo + 1).size
            }
            if lo > 0, chunks[c].blocks[lo - 1].free {
                chunks[c].blocks[lo - 1].size += chunks[c].blocks.remove(at: lo).size
            }
            if chunks[c].blocks.count == 1, mapped - chunks[c].size >= highWater + highWater / 4 {
                let chunk = chunks.remove(at: c)
                mapped -= chunk.size
                return (true, chunk)
            }
            return (true, nil)
        }
    }

    /// `@unchecked Sendable` box: the chunks are owned by the arena.
    struct Shelf: @unchecked Sendable { var state = State() }

    static let shelf = Mutex(Shelf())

    static func rounded(_ bytes: Int) -> Int { (bytes + granule - 1) / granule * granule }

    /// A buffer of `bytes` (64-byte aligned) and whether it is the arena's: a big one from a
    /// free block or a new chunk; a small one (or when no pages are to be had) from malloc.
    static func allocate(_ bytes: Int) -> (UnsafeMutableRawPointer, arena: Bool) {
        if bytes >= minimum {
            let size = rounded(bytes)
            let hit = shelf.withLock { shelf in shelf.state.take(size).map { Int(bitPattern: $0) } }
            if let address = hit, let p = UnsafeMutableRawPointer(bitPattern: address) { return (p, true) }
            let length = Swift.max(chunkSize, (size + Pages.huge - 1) / Pages.huge * Pages.huge)
            if let base = Pages.map(length) {
                shelf.withLock { _ = $0.state.add(base, length: length, for: size) }
                return (base, true)
            }
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), false)
    }

    /// Takes back a buffer from `allocate`.
    static func release(_ p: UnsafeMutableRawPointer, arena: Bool) {
        guard arena else { p.deallocate(); return }
        let (found, unmap) = shelf.withLock { $0.state.give(p) }
        if let chunk = unmap { Pages.unmap(chunk.base, chunk.size) }
        assert(found, "a buffer the arena did not give")
    }

    /// Below `minimum`, glibc serves blocks up to 32 MiB (its maximum mmap threshold) from the
    /// heap and keeps freed heap memory instead of returning it, so small tensors reuse pages.
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
