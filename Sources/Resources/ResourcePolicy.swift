import Foundation

/// The bounds on what user input may make the process allocate, shared by the language and the
/// tensor runtime: every size computed from user input (shapes, counts, ranges, paddings, string
/// and list lengths, file headers) goes through `count(_:)` or `admits(_:bytesEach:)`, so an
/// absurd size becomes a message (`General::nomem`) instead of a trap or the OOM killer.
public enum ResourcePolicy {
    /// Bytes one result may take: half of physical memory, or `NETS_MEMORY_LIMIT` (bytes, or with
    /// a K/M/G suffix), read once at start-up.
    nonisolated(unsafe) public static var memoryLimit: Int = {
        if let text = ProcessInfo.processInfo.environment["NETS_MEMORY_LIMIT"], let n = parseBytes(text), n > 0 { return n }
        return Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max)))
    }()

    /// The product of dimensions, or nil when one is negative or the product overflows.
    public static func count<C: Collection>(_ dims: C) -> Int? where C.Element == Int {
        var n = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// Whether `elements` items of `bytesEach` bytes fit in the memory limit.
    public static func admits(_ elements: Int, bytesEach: Int) -> Bool {
        guard elements >= 0, bytesEach >= 0 else { return false }
        let (bytes, o) = elements.multipliedReportingOverflow(by: bytesEach)
        return !o && bytes <= memoryLimit
    }

    /// `123`, `64K`, `512M`, `8G`.
    public static func parseBytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let u = t.last, let scale = units[u], let n = Int(t.dropLast()) {
            let (v, o) = n.multipliedReportingOverflow(by: scale)
            return o ? nil : v
        }
        return Int(t)
    }
}
