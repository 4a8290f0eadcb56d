@testable import Tensor
import Testing

/// The arena big tensor buffers come from (`BufferArena`): blocks cut from chunks best fit,
/// merged when freed, reused across sizes.
struct StorageTests {
    /// A chunk's blocks cover it in order, without gaps or overlaps, and no two free blocks sit
    /// side by side (they would have merged).
    static func wellFormed(_ chunk: BufferArena.Chunk) -> Bool {
        var offset = 0, previousFree = false
        for block in chunk.blocks {
            guard block.offset == offset, block.size > 0, !(previousFree && block.free) else { return false }
            offset += block.size
            previousFree = block.free
        }
        return offset == chunk.size
    }

    /// Addresses only: the state's bookkeeping never touches the memory.
    static var fakeBase: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: 1 << 40)! }

    @Test func blocksSplitMergeAndServeOtherSizes() throws {
        var state = BufferArena.State()
        let mb = 1 << 20
        let first = state.add(Self.fakeBase, length: 64 * mb, for: 10 * mb)
        #expect(first == Self.fakeBase)
        var held = [first]
        for size in [20 * mb, 4 * mb, 12 * mb] {
            guard let p = state.take(size) else { Issue.record("no block of \(size)"); return }
            held.append(p)
        }
        #expect(held[1] == Self.fakeBase + 10 * mb && held[2] == Self.fakeBase + 30 * mb)
        #expect(state.take(40 * mb) == nil)  // 18 MB are left
        #expect(state.live == 46 * mb && state.highWater == 46 * mb)
        // Freeing the first two leaves one free block of 30 MB, which serves a 25 MB request
        // (of a size never asked for before) at the chunk's start.
        #expect(state.give(held[0]).found && state.give(held[1]).found)
        #expect(state.chunks[0].blocks.first.map { $0.free && $0.size == 30 * mb } == true)
        #expect(state.take(25 * mb) == Self.fakeBase)
        // The best fit: a 4 MB request takes the 5 MB hole rather than the 18 MB tail.
        #expect(state.take(4 * mb) == Self.fakeBase + 25 * mb)
        #expect(Self.wellFormed(state.chunks[0]))
        // A pointer the arena did not give, or one given back twice, is refused.
        #expect(!state.give(Self.fakeBase + 1).found)
        #expect(!state.give(UnsafeMutableRawPointer(bitPattern: 1 << 20)!).found)
        #expect(state.give(held[2]).found && !state.give(held[2]).found)
        #expect(Self.wellFormed(state.chunks[0]))
    }

    /// The same sequence of requests, step after step (a training step's), is served from the
    /// pages mapped once the first steps have settled, everything freed merges back into whole
    /// free chunks, and what stays mapped is within a chunk of a quarter over the most in use.
    @Test func aRepeatedStepNeedsNoNewChunk() throws {
        var state = BufferArena.State()
        let kb = 1 << 10
        var sizes: [Int] = []
        var seed: UInt64 = 7
        for _ in 0..<60 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            sizes.append((Int(seed >> 33) % 4000 + 256) * kb / 4096 * 4096)
        }
        var chunks = 0
        func step() {
            var held: [UnsafeMutableRawPointer] = []
            for (i, size) in sizes.enumerated() {
                if let p = state.take(size) {
                    held.append(p)
                } else {
                    let length = Swift.max(BufferArena.chunkSize, size)
                    held.append(state.add(Self.fakeBase + chunks * (1 << 30), length: length, for: size))
                    chunks += 1
                }
                // Free every third buffer right away and every fifth a little later, as
                // temporaries are.
                if i % 3 == 2, let p = held.popLast() { _ = state.give(p) }
                if i % 5 == 4, held.count > 2 { _ = state.give(held.remove(at: held.count - 3)) }
            }
            for p in held { _ = state.give(p) }
        }
        step()
        step()
        let settled = chunks, mapped = state.mapped
        #expect(state.live == 0)
        for _ in 0..<3 { step() }
        #expect(chunks == settled && state.mapped == mapped)
        #expect(state.chunks.allSatisfy { $0.blocks.count == 1 && $0.blocks[0].free })
        #expect(state.mapped <= state.highWater * 5 / 4 + BufferArena.chunkSize)
    }

    /// Real buffers: big storages allocated and freed in a mixed order keep what was written
    /// in them; a freed block's pages serve the next storage.
    @Test func bigStoragesKeepTheirContents() throws {
        var live: [(Storage, Float)] = []
        for i in 0..<40 {
            let count = (1 << 16) + (i * 7919) % (1 << 18)
            let s = Storage(count: count)
            s.pointer.update(repeating: Float(i), count: count)
            live.append((s, Float(i)))
            if i % 3 == 1 { live.remove(at: live.count / 2) }
        }
        for (s, v) in live {
            #expect((0..<s.count).allSatisfy { s.pointer[$0] == v })
        }
    }
}
