// Shared by FormatsTests and ImagingTests (Tests/ImagingTests/Mutator.swift is a symlink to this file).

/// A deterministic mutation engine for fuzz tests: seeded (splitmix64), so a failure replays
/// exactly. Each mutant gets one to four of: a bit flip, a byte set to a boundary value
/// (0, 0xFF, 0x7F, 0x80) or a random byte, a truncation, a duplicated or deleted chunk, random
/// bytes inserted, or a 2-, 4- or 8-byte length-like field (either byte order) set to a huge,
/// "negative", zero or small value.
struct Mutator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    static let boundaryBytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80]
    static let boundaryFields: [UInt64] = [
        0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF,
    ]

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (0 when n <= 0).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// A mutant of `input`.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0...below(4) { mutateOnce(&b) }
        return b
    }

    mutating func mutateOnce(_ b: inout [UInt8]) {
        guard !b.isEmpty else { b = [UInt8(truncatingIfNeeded: next())]; return }
        let i = below(b.count)
        switch below(9) {
        case 0: b[i] ^= 1 << UInt8(below(8))
        case 1: b[i] = Mutator.boundaryBytes[below(4)]
        case 2: b[i] = UInt8(truncatingIfNeeded: next())
        case 3: b.removeSubrange(i...)
        case 4:
            let chunk = b[i..<Swift.min(b.count, i + 1 + below(64))]
            b.insert(contentsOf: chunk, at: below(b.count + 1))
        case 5: b.removeSubrange(i..<Swift.min(b.count, i + 1 + below(16)))
        case 6: b.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: i)
        default:
            let width = [2, 4, 8][below(3)]
            let value = Mutator.boundaryFields[below(Mutator.boundaryFields.count)]
            let big = below(2) == 1
            for k in 0..<width where i + k < b.count {
                let shift = UInt64(8 * (big ? width - 1 - k : k))
                b[i + k] = UInt8(truncatingIfNeeded: value >> shift)
            }
        }
    }

    /// Calls `body` with `count` mutants spread over `seeds`, from a fixed seed.
    static func fuzz(_ seeds: [[UInt8]], count: Int, seed: UInt64, _ body: ([UInt8]) -> Void) {
        var m = Mutator(seed: seed)
        for k in 0..<count where !seeds.isEmpty {
            body(m.mutate(seeds[k % seeds.count]))
        }
    }
}
