import Foundation

/// A seeded xoshiro256** generator: the same seed gives the same numbers on every run and
/// machine. Used for weight initialization, dropout and the language's random functions.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    // Inlinable (with its state): the samplers of other modules draw millions at a time.
    @usableFromInline var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform double in [0, 1).
    @inlinable public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal variate (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(unit(), Double.leastNonzeroMagnitude), u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
