import CoreKernel
import Dispatch
import Foundation
import Language
import Testing

/// Kernels in one process are separate sessions: neither sees the other's definitions, history or
/// random state, and they may evaluate at the same time.
@Suite struct Sessions {
    @Test func definitionsStayInTheirSession() {
        let a = Kernel(), b = Kernel()
        _ = a.capture("x = 1; f[y_] := y + x; SetAttributes[g, Listable]; g[1] = 5; s = StringJoin[\"a\", \"b\"]")
        #expect(a.capture("{x, f[2], g[1], s}").result == "{1, 3, 5, ab}")
        #expect(b.capture("{x, f[2], g[1], s}").result == "{x, f[2], g[1], s}")
        #expect(b.capture("Attributes[g]").result == "{}")
        #expect(b.capture("Names[\"f\"]").result == "{}")
    }

    @Test func historyIsPerSession() {
        let a = Kernel(), b = Kernel()
        _ = a.capture("10 + 1")
        _ = b.capture("20 + 2")
        #expect(a.capture("{%, $Line}").result == "{11, 2}")
        #expect(b.capture("{Out[1], In[1]}").result == "{22, 22}")
    }

    @Test func seedsArePerSession() {
        let a = Kernel(), b = Kernel()
        let first = a.capture("SeedRandom[7]; RandomInteger[1000, 5]").result
        _ = b.capture("SeedRandom[8]; RandomInteger[1000, 50]")
        #expect(a.capture("SeedRandom[7]; RandomInteger[1000, 5]").result == first)
    }

    @Test func sessionsEvaluateConcurrently() {
        let kernels = Shared((0..<4).map { _ in Kernel() })
        let results = Shared([String](repeating: "", count: 4))
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let r = kernels.value[i].capture("n = \(i); Do[n = n + 1, {1000}]; t = Table[n + k, {k, 3}]; {n, Total[t]}").result
            lock.lock()
            results.value[i] = r
            lock.unlock()
        }
        for i in 0..<4 { #expect(results.value[i] == "{\(i + 1000), \(3 * (i + 1000) + 6)}") }
    }

    /// The standard library's own variables (the iterator of a `Table` or `Do` inside a library
    /// function, a `$$` working variable under `Block`) are each session's: two sessions running
    /// `Cancel` and `Together` (whose helpers iterate) at the same time once gave wrong quotients
    /// and `Part::partw` messages, each overwriting the other's iterator.
    @Test func libraryFunctionsRunConcurrently() {
        let kernels = Shared((0..<2).map { _ in Kernel() })
        let results = Shared([String](repeating: "", count: 2))
        let lock = NSLock()
        let inputs = ["Table[Cancel[(x^2 + 3 x + 2)/(x^2 + 4 x + 3)], {200}] // Union",
                      "Table[Together[1/x + 1/(1 + x)], {200}] // Union"]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let t = kernels.value[i].capture(inputs[i])
            lock.lock()
            results.value[i] = t.result + (t.messages.isEmpty ? "" : " \(t.messages)")
            lock.unlock()
        }
        #expect(results.value[0] == "{(2 + x)/(3 + x)}")
        #expect(results.value[1] == "{(1 + 2 x)/(x (1 + x))}")
    }
}
