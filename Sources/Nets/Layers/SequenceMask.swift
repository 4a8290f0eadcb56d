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

extension Net {
    /// Whether the net computes the same for a padded batch under `SequenceMask` as for each
    /// sequence alone: a chain whose layers before the first one that reduces the sequence
    /// (SequenceLastLayer, AggregationLayer[f, 1]) all work element by element or know the
    /// mask, and that reduces it. Others (graphs, outputs that are sequences) run sequences of
    /// one length at a time.
    public var acceptsSequenceMask: Bool {
        guard case .chain = self else { return false }
        for (_, l) in layers {
            switch l.kind {
            case .sequenceLast, .sequenceAggregation: return true
            case .embedding, .basicRecurrent, .gatedRecurrent, .longShortTermMemory, .sequenceReverse, .elementwise, .dropout, .map, .bidirectional, .fold:
                continue
            default: return false
            }
        }
        return false
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
}
