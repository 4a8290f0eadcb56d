// Shared by FormatsTests and ImagingTests (Tests/ImagingTests/Streams.swift is a symlink to this file).

/// Compressed streams written by hand for tests, without a compressor: deflate's stored blocks
/// for any bytes, and one dynamic-Huffman block of N zero bytes at about 2 bits per 258 bytes
/// (deflate's largest ratio, as in zip and gzip bombs); zlib and gzip wrappers; CRC-32.
enum Streams {
    /// Bits in deflate's order: values least significant bit first, Huffman codes most
    /// significant bit first.
    struct Bits {
        var bytes: [UInt8] = []
        var count = 0

        mutating func bit(_ b: Int) {
            if count % 8 == 0 { bytes.append(0) }
            if b & 1 != 0 { bytes[bytes.count - 1] |= UInt8(1 << (count % 8)) }
            count += 1
        }

        mutating func value(_ v: Int, _ n: Int) { for i in 0..<n { bit(v >> i) } }

        mutating func code(_ c: Int, _ n: Int) { for i in stride(from: n - 1, through: 0, by: -1) { bit(c >> i) } }

        /// `n` zero bits, whole bytes at once.
        mutating func zeros(_ n: Int) {
            var left = n
            while left > 0 && count % 8 != 0 { bit(0); left -= 1 }
            bytes.append(contentsOf: repeatElement(0, count: left / 8))
            count += left / 8 * 8
            for _ in 0..<(left % 8) { bit(0) }
        }
    }

    /// Canonical Huffman codes for code lengths (RFC 1951, 3.2.2).
    static func codes(_ lengths: [Int]) -> [Int] {
        let longest = lengths.max() ?? 0
        var perLength = [Int](repeating: 0, count: longest + 1)
        for l in lengths where l > 0 { perLength[l] += 1 }
        var next = [Int](repeating: 0, count: longest + 1)
        var code = 0
        for bits in stride(from: 1, through: longest, by: 1) {
            code = (code + (bits > 1 ? perLength[bits - 1] : 0)) << 1
            next[bits] = code
        }
        var out = [Int](repeating: 0, count: lengths.count)
        for (s, l) in lengths.enumerated() where l > 0 {
            out[s] = next[l]
            next[l] += 1
        }
        return out
    }

    /// Complete code lengths for `k` >= 2 symbols: some one bit shorter than the rest.
    static func completeLengths(_ k: Int) -> [Int] {
        var d = 0
        while 1 << d < k { d += 1 }
        let short = (1 << d) - k
        return (0..<k).map { $0 < short ? d - 1 : d }
    }

    /// Deflate's stored blocks holding `data`.
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        repeat {
            let n = Swift.min(65535, data.count - start)
            let final: UInt8 = start + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[start..<(start + n)]
            start += n
        } while start < data.count
        return out
    }

    /// One dynamic-Huffman deflate block inflating to `n` (>= 1) zero bytes: 1 to 3 literal
    /// zeros, then matches of 258 bytes at distance 1 (2 zero bits each), then one shorter match.
    static func zeros(_ n: Int) -> [UInt8] {
        // Literals, whole matches and the remainder (0 or a match length 3...257).
        var literals = 1, matches = 0, rest = 0
        for l in 1...3 where l <= n {
            let r = (n - l) % 258
            if r == 0 || r >= 3 { literals = l; matches = (n - l) / 258; rest = r; break }
        }
        // The length symbol and extra bits for `rest` (RFC 1951, 3.2.5).
        let bases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227]
        let extras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]
        let restIndex = rest == 0 ? 0 : (bases.lastIndex { $0 <= rest } ?? 0)
        let restSymbol = 257 + restIndex
        var litLengths = [Int](repeating: 0, count: 286)
        litLengths[285] = 1
        litLengths[0] = 2
        litLengths[256] = 3
        litLengths[restSymbol] = 3
        let litCodes = codes(litLengths)
        let all = litLengths + [1]  // one distance code (distance 1), of length 1
        // Run-length code the lengths: 18 = 11-138 zeros, 17 = 3-10 zeros.
        var runs: [(symbol: Int, extra: Int, bits: Int)] = []
        var i = 0
        while i < all.count {
            var j = i
            while j < all.count && all[j] == all[i] { j += 1 }
            var run = j - i
            if all[i] == 0 {
                while run >= 11 { let r = Swift.min(run, 138); runs.append((18, r - 11, 7)); run -= r }
                if run >= 3 { runs.append((17, run - 3, 3)); run = 0 }
            }
            for _ in 0..<run { runs.append((all[i], 0, 0)) }
            i = j
        }
        let used = Set(runs.map(\.symbol)).sorted()
        var clLengths = [Int](repeating: 0, count: 19)
        for (s, l) in zip(used, completeLengths(used.count)) { clLengths[s] = l }
        let clCodes = codes(clLengths)
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        let hclen = Swift.max(4, (order.lastIndex { clLengths[$0] > 0 } ?? 0) + 1)
        var bits = Bits()
        bits.value(1, 1)
        bits.value(2, 2)
        bits.value(286 - 257, 5)
        bits.value(0, 5)
        bits.value(hclen - 4, 4)
        for s in order.prefix(hclen) { bits.value(clLengths[s], 3) }
        for r in runs {
            bits.code(clCodes[r.symbol], clLengths[r.symbol])
            bits.value(r.extra, r.bits)
        }
        for _ in 0..<literals { bits.code(litCodes[0], 2) }
        bits.zeros(2 * matches)
        if rest > 0 {
            bits.code(litCodes[restSymbol], 3)
            bits.value(rest - bases[restIndex], extras[restIndex])
            bits.bit(0)
        }
        bits.code(litCodes[256], 3)
        return bits.bytes
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        let table = crcTable
        var crc: UInt32 = 0xFFFF_FFFF
        data.withUnsafeBufferPointer { p in
            for b in p { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        }
        return ~crc
    }

    static func bigEndian32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }

    static func littleEndian32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// A zlib stream around a deflate body whose output has Adler-32 `adler`.
    static func zlib(_ deflate: [UInt8], adler: UInt32) -> [UInt8] { [0x78, 0x01] + deflate + bigEndian32(adler) }

    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in data { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        return b << 16 | a
    }

    /// The Adler-32 of `n` zero bytes.
    static func adler32Zeros(_ n: Int) -> UInt32 { UInt32(n % 65521) << 16 | 1 }

    /// A gzip member around a deflate body whose output has this CRC and length.
    static func gzip(_ deflate: [UInt8], crc: UInt32, length: Int) -> [UInt8] {
        [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + deflate + littleEndian32(crc) + littleEndian32(UInt32(truncatingIfNeeded: length))
    }

    /// `data` gzipped in stored blocks.
    static func gzip(_ data: [UInt8]) -> [UInt8] { gzip(stored(data), crc: crc32(data), length: data.count) }
}
