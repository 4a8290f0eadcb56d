/// Cutting chains apart and joining them: names are kept, the encoder survives only with the
/// first layer and the decoder only with the last.
extension Chain {
    /// Layers `range` (0-based, within bounds).
    public func taking(_ range: Range<Int>) throws -> Chain {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= nodes.count else {
            throw NetError("take", "cannot take layers \(range.lowerBound + 1) through \(range.upperBound) of a chain of \(nodes.count)")
        }
        return try Chain(names: Array(names[range]), nodes: Array(nodes[range]),
                         encoder: range.lowerBound == 0 ? encoder : nil,
                         decoder: range.upperBound == nodes.count ? decoder : nil)
    }

    /// The layers outside `range`, which must leave a contiguous run at one end.
    public func dropping(_ range: Range<Int>) throws -> Chain {
        guard range.lowerBound >= 0, range.upperBound <= nodes.count else {
            throw NetError("drop", "cannot drop layers \(range.lowerBound + 1) through \(range.upperBound) of a chain of \(nodes.count)")
        }
        if range.isEmpty { return self }
        if range.lowerBound == 0 { return try taking(range.upperBound..<nodes.count) }
        if range.upperBound == nodes.count { return try taking(0..<range.lowerBound) }
        // Dropping from the middle joins the two ends.
        return try Chain.joined([taking(0..<range.lowerBound), taking(range.upperBound..<nodes.count)])
    }

    /// One flat chain of the nets' layers in order: chains are spliced in, other nets become one
    /// layer each. The first net's encoder and the last net's decoder are kept; clashing names
    /// are renamed (numbers to their new position, other names with a numeric suffix).
    public static func joined(_ nets: [Net]) throws -> Chain {
        var names: [String] = [], nodes: [Net] = []
        var encoder: Encoder?, decoder: Decoder?
        for (k, net) in nets.enumerated() {
            let parts: [(String, Net)]
            if case .chain(let c) = net { parts = Array(zip(c.names, c.nodes)) } else { parts = [(String(nodes.count + 1), net)] }
            if k == 0 { encoder = net.encoder }
            if k == nets.count - 1 { decoder = net.decoder }
            for (name, node) in parts {
                var fresh = name
                if names.contains(fresh) {
                    fresh = Int(name) != nil ? String(nodes.count + 1) : name
                    var suffix = 2
                    while names.contains(fresh) { fresh = name + String(suffix); suffix += 1 }
                }
                names.append(fresh)
                nodes.append(node)
            }
        }
        return try Chain(names: names, nodes: nodes, encoder: encoder, decoder: decoder)
    }

    static func joined(_ chains: [Chain]) throws -> Chain { try joined(chains.map { Net.chain($0) }) }
}
