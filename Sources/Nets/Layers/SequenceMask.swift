import Tensor

/// The lengths of the sequences of a padded batch {n, T, ...} while it runs through a net: each
/// example's elements from its length on are padding. Set by whoever pads the batch (NetTrain,
/// evaluation) around the forward and backward passes; the layers that see whole sequences read
/// it: recurrent layers zero their outputs (and gradients) on padding, SequenceLastLayer takes
/// the last real element, SequenceReverseLayer and NetBidirectionalOperator reverse the real
/// elements only, AggregationLayer[f, 1] aggregates them only, and AttentionLayer gives padding
/// keys no weight. `Net.acceptsSequenceMask` says which nets mean the same padded as unpadded.
public enum SequenceMask {
    @TaskLocal public static var lengths: [Int]?

    /// The lengths for a batch of `n` sequences of `steps` elements: nil when none are set,
    /// they are not for this batch, or no sequence is padded.
    static func lengths(batch n: Int, steps: Int) -> [Int]? {
        guard let l = lengths, l.count == n, l.allSatisfy({ $0 >= 1 && $0 <= steps }), l.contains(where: { $0 < steps }) else { return nil }
        return l
    }

    /// The batch {n, T, ...} with the padding elements set to 0 (itself when nothing is padded).
    static func zeroingPadding(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2, let l = lengths(batch: x.shape[0], steps: x.shape[1]) else { return x }
        let steps = x.shape[1], width = x.count / Swift.max(x.shape[0] * steps, 1)
        var v = x.values
        for (e, length) in l.enumerated() where length < steps {
            for i in ((e * steps + length) * width)..<((e + 1) * steps * width) { v[i] = 0 }
        }
        return try Tensor(shape: x.shape, values: v)
    }
}

/// What a padded batch of sequences is at a point of a net under a `SequenceMask`: still the
/// sequences, padded (their real elements right, whatever the padding holds), or reduced to one
/// value per example (SequenceLastLayer, AggregationLayer[f, 1]).
public enum MaskedFlow: Sendable, Equatable {
    case sequence, reduced
}

extension Net {
    /// Whether the net computes the same for a padded batch under `SequenceMask` as for each
    /// sequence alone, and reduces the sequences to one value each: training then runs
    /// sequences of any lengths in one batch. Chains and graphs alike.
    public var acceptsSequenceMask: Bool { maskedFlow == .reduced }

    /// What the net gives for a padded batch of sequences under `SequenceMask`: `.reduced` when
    /// each example's output is what it gives alone, `.sequence` when each example's output
    /// sequence, cut to the example's length, is what it gives alone; nil when the padding
    /// changes the real outputs (such nets run sequences of one length at a time).
    ///
    /// Layers that work element by element or know the mask keep a sequence; the sequence
    /// reducers reduce it; after that any layer may follow. In a graph, a layer that joins a
    /// sequence with a reduced value (or catenates sequences, which moves elements) stops it.
    public var maskedFlow: MaskedFlow? {
        guard inputs.count == 1 else { return nil }
        return flow([.sequence])
    }

    private func flow(_ inputs: [MaskedFlow]) -> MaskedFlow? {
        switch self {
        case .layer(let l): return Net.flow(of: l.kind, inputs)
        case .chain(let c):
            var f: MaskedFlow? = inputs.first ?? .reduced
            for node in c.nodes { f = f.flatMap { node.flow([$0]) } }
            return f
        case .graph(let g):
            var values = [MaskedFlow?](repeating: nil, count: g.nodes.count)
            for n in g.order {
                let given = g.inputs(of: n) { Graph.value($0, inputs: inputs, values: values) }
                guard given.count == g.nodes[n].inputs.count else { return nil }
                values[n] = g.nodes[n].flow(given)
                if values[n] == nil { return nil }
            }
            return g.outputSource.flatMap { Graph.value($0, inputs: inputs, values: values) }
        }
    }

    private static func flow(of kind: LayerKind, _ inputs: [MaskedFlow]) -> MaskedFlow? {
        if inputs.allSatisfy({ $0 == .reduced }) { return .reduced }
        guard inputs.allSatisfy({ $0 == .sequence }) else { return nil }
        switch kind {
        case .sequenceLast, .sequenceAggregation: return .reduced
        case .embedding, .basicRecurrent, .gatedRecurrent, .longShortTermMemory, .sequenceReverse, .elementwise, .dropout, .map, .bidirectional,
             .fold, .total:
            return .sequence
        default: return nil
        }
    }
}

extension Trainer {
    /// The examples of a batch as the passes that run them, each with the length to cut the
    /// padded inputs to and the lengths to mask: one pass of all of them padded to the longest
    /// when `masked`, otherwise one pass per length (all of them at once without lengths).
    static func batchGroups(_ indices: [Int], _ lengths: [Int]?, masked: Bool) -> [(indices: [Int], length: Int?, masks: [Int]?)] {
        guard masked, let lengths else { return lengthGroups(indices, lengths).map { ($0.indices, $0.length, nil) } }
        let own = indices.map { lengths[$0] }
        return [(indices, own.max(), own)]
    }

    /// The loss of a batch and its gradient, its classifications counted in `errors`. With
    /// `lengths` (a padded batch of output sequences and target sequences padded alike) each
    /// example counts its first `lengths[e]` elements only: the loss is the mean of the
    /// examples' own losses, and the gradient is 0 on padding.
    static func batchLoss(_ layer: Layer, _ kind: LossKind, _ y: Tensor, _ t: Tensor, lengths: [Int]?,
                          errors: inout ErrorCount) throws -> (loss: Double, gradient: Tensor) {
        guard let lengths else {
            errors.add(kind, y, t)
            return try layer.loss(kind, y, t)
        }
        let n = y.shape.first ?? 0
        guard y.rank >= 2, t.rank >= 2, t.shape[0] == n, t.shape[1] == y.shape[1], lengths.count == n, n > 0 else {
            throw NetError("invtarget", "the targets must be sequences as long as the net's output sequences")
        }
        let steps = y.shape[1], width = y.count / (n * steps)
        var total = 0.0, gradient = [Float](repeating: 0, count: y.count)
        for (e, length) in lengths.enumerated() {
            let ye = try gather(y, [e], length: length), te = try gather(t, [e], length: length)
            errors.add(kind, ye, te)
            let (v, g) = try layer.loss(kind, ye, te)
            total += v
            g.withUnsafeBufferPointer { p in
                for (i, d) in p.enumerated() { gradient[e * steps * width + i] = d / Float(n) }
            }
        }
        return (total / Double(n), try Tensor(shape: y.shape, values: gradient))
    }
}
