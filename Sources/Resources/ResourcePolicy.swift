import Foundation
import Synchronization

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

    /// Whether `elements` items of `bytesEach` bytes fit in the memory limit. A request of a
    /// megabyte or more must also fit beside what the process already holds, so that many
    /// admissible pieces (`Range /@ Range[10^6]`) cannot add up past the limit either.
    public static func admits(_ elements: Int, bytesEach: Int) -> Bool {
        guard elements >= 0, bytesEach >= 0 else { return false }
        let (bytes, o) = elements.multipliedReportingOverflow(by: bytesEach)
        guard !o, bytes <= memoryLimit else { return false }
        return bytes < 1 << 20 || bytes <= memoryLimit - residentBytes()
    }

    /// Whether a request of `elements` items of `bytesEach` bytes is too big in itself (as
    /// opposed to too big beside what the process already holds).
    public static func exceedsLimitAlone(_ elements: Int, bytesEach: Int) -> Bool {
        guard elements >= 0, bytesEach >= 0 else { return true }
        let (bytes, o) = elements.multipliedReportingOverflow(by: bytesEach)
        return o || bytes > memoryLimit
    }

    /// Whether the process already holds more than the memory limit; the evaluator asks every
    /// few thousand steps and aborts the computation (`General::nomem`) when it does.
    public static var isOverLimit: Bool { residentBytes() > memoryLimit }

    /// The bytes of physical memory the process holds now (its resident set, from
    /// `/proc/self/statm`); 0 where that cannot be read.
    public static func residentBytes() -> Int {
        statm.withLock { fd in
            if fd < 0 { fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC) }
            guard fd >= 0 else { return 0 }
            var buffer = [UInt8](repeating: 0, count: 96)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return 0 }
            // "size resident shared text lib data dt", in pages.
            let fields = buffer[..<n].split(separator: UInt8(ascii: " "))
            guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
            return pages &* pageSize
        }
    }

    /// The most bytes of physical memory the process has held at once: getrusage's peak (Linux
    /// counts kilobytes, macOS bytes), never less than `residentBytes()` now nor than an earlier
    /// answer (the kernel's two counts drift apart by a few pages).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        let peak = getrusage(RUSAGE_SELF.rawValue, &usage) == 0 ? usage.ru_maxrss &* 1024 : 0
        #else
        let peak = getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0
        #endif
        return reportedPeak.max(max(peak, residentBytes()), ordering: .relaxed).newValue
    }

    private static let statm = Mutex<Int32>(-1)
    private static let reportedPeak = Atomic<Int>(0)
    private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

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
