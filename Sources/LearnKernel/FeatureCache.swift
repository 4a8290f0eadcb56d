import CoreKernel
import Foundation
import Imaging
import Language
import Nets
import NetsKernel

/// Features a net extracted from examples, kept for the session: training a second classifier
/// on the same images, or measuring one on images already seen, does not run the net again.
///
/// A net is known by its structure (layer kinds, names, graph edges) and the identity of its
/// weight arrays (a net's arrays are shared by its copies and parts, so `NetTake[net, 22]` made
/// twice is the same extractor); the cache holds the net, so those identities are not reused
/// while it lives. A net without learned arrays is not cached. Examples are compared by value
/// (images by their pixels), never by hash alone. At most `limit` feature vectors are kept;
/// past that the oldest net's are dropped.
final class FeatureCache {
    /// The most feature vectors kept in a session.
    static let limit = 60_000

    private struct Entry {
        /// What the key's identities belong to (the net), kept alive with its features.
        let owner: Any
        var features: [ExampleKey: Expr] = [:]
    }
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private var count = 0

    /// The session's cache.
    static var session: FeatureCache? {
        Session.current?.state(FeatureCache.self) { FeatureCache() }
    }

    /// The features of `xs`: those cached for `net`, and `run` (the net) on the others, in order.
    static func extract(_ xs: [Expr], by net: Net, run: ([Expr]) throws -> [Expr]) throws -> [Expr] {
        guard let cache = session, let key = fingerprint(net) else { return try run(xs) }
        return try cache.extract(xs, key: key, owner: net, run: run)
    }

    /// The number of feature vectors kept.
    var size: Int { count }

    /// The features of `xs` under `key`: cached ones, and `run` on the others (once, in order).
    func extract(_ xs: [Expr], key: String, owner: Any, run: ([Expr]) throws -> [Expr]) throws -> [Expr] {
        let keys = xs.map(ExampleKey.init)
        var out = keys.map { entries[key]?.features[$0] }
        let todo = out.indices.filter { out[$0] == nil }
        guard !todo.isEmpty else { return out.compactMap { $0 } }
        let fresh = try run(todo.map { xs[$0] })
        guard fresh.count == todo.count else { return try run(xs) }
        if entries[key] == nil {
            entries[key] = Entry(owner: owner)
            order.append(key)
        }
        for (i, f) in zip(todo, fresh) {
            out[i] = f
            if entries[key]?.features.updateValue(f, forKey: keys[i]) == nil { count += 1 }
        }
        while count > FeatureCache.limit, let oldest = order.first {
            count -= entries[oldest]?.features.count ?? 0
            entries[oldest] = nil
            order.removeFirst()
        }
        return out.compactMap { $0 }
    }

    /// The net's structure and the identities of its arrays; nil when it has no arrays.
    static func fingerprint(_ net: Net) -> String? {
        var text = "", arrays = 0
        func walk(_ n: Net) {
            switch n {
            case .layer(let l):
                text += "L(\(l.kind))"
                for name in l.arrays.keys.sorted() {
                    guard let t = l.arrays[name] else { continue }
                    text += "\(name)@\(UInt(bitPattern: ObjectIdentifier(t.storage).hashValue)),"
                    arrays += 1
                }
            case .chain(let c):
                text += "C\(c.names)["
                c.nodes.forEach(walk)
                text += "]"
            case .graph(let g):
                text += "G\(g.names)\(g.edges)["
                g.nodes.forEach(walk)
                text += "]"
            }
        }
        walk(net)
        return arrays > 0 ? text : nil
    }
}

/// An example as a cache key: images by their size and pixels, anything else as the expression.
struct ExampleKey: Hashable {
    let image: Image?
    let expr: Expr?

    init(_ x: Expr) {
        if let im = x.asImage { image = im; expr = nil } else { image = nil; expr = x }
    }

    func hash(into hasher: inout Hasher) {
        if let im = image {
            hasher.combine(im.width)
            hasher.combine(im.height)
            hasher.combine(im.channels)
            im.pixels.withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            hasher.combine(expr)
        }
    }
}
