import Foundation
import Tensor

/// What NetTrain asks of a training run.
public struct TrainingOptions {
    public var batchSize: Int
    public var rounds: Int
    public var optimizer: Optimizer
    /// The loss to attach; nil chooses from the net's last layer.
    public var loss: LossKind?
    /// Learning-rate multiplier of an array, by its path (layer names, then the array name).
    public var multiplier: ([String]) -> Float = { _ in 1 }
    public var seed: UInt64 = 0
    /// Validation inputs and targets.
    public var validation: (inputs: Tensor, targets: Tensor)?
    /// For sequences of varying length: each example's length (inputs are padded along their
    /// first per-example dimension). A batch then runs as one pass per length, its gradients
    /// added with each group's share of the batch.
    public var lengths: [Int]?
    public var validationLengths: [Int]?
    /// Called after every batch: round (1-based), batch, batches per round, examples seen in the
    /// round, mean loss so far in the round, and the last round's validation loss.
    public var progress: (TrainingProgress) -> Void = { _ in }
    /// Polled after every batch; true stops training after it.
    public var shouldStop: () -> Bool = { false }

    public init(batchSize: Int, rounds: Int, optimizer: Optimizer) {
        self.batchSize = batchSize
        self.rounds = rounds
        self.optimizer = optimizer
    }
}

/// A snapshot of a running training, for progress displays.
public struct TrainingProgress: Sendable {
    public var round: Int
    public var rounds: Int
    public var batch: Int
    public var batches: Int
    public var roundLoss: Double
    public var validationLoss: Double?
    public var examplesPerSecond: Double
    public var elapsed: Double
    public var roundFinished: Bool
}

/// What a training run gives back.
public struct TrainingResult: Sendable {
    public var net: Net
    public var roundLosses: [Double]
    public var validationLosses: [Double]
    /// The share of wrongly classified examples by round, in training and on the validation
    /// set; empty unless the loss is a cross-entropy (a classification).
    public var roundErrorRates: [Double] = []
    public var validationErrorRates: [Double] = []
    /// The round whose net is returned when there is a validation set (the best one).
    public var bestRound: Int?
    public var batchSize: Int
    public var seconds: Double
    /// Whether training stopped early (an interrupt).
    public var interrupted: Bool
    /// Number of leading layers that were frozen and evaluated once instead of every round.
    public var cachedLayers: Int
}

public enum Trainer {
    /// The loss NetTrain attaches: cross-entropy after a softmax, binary cross-entropy after a
    /// logistic sigmoid, mean squared otherwise.
    public static func automaticLoss(_ net: Net) -> LossKind {
        net.layers.last?.layer.operation.impliedLoss ?? .meanSquared
    }

    /// The number of leading top-level layers of a chain that are frozen and deterministic, so
    /// their outputs can be computed once per example.
    static func frozenPrefix(_ net: Net, _ multiplier: ([String]) -> Float) -> Int {
        guard case .chain(let c) = net else { return 0 }
        var k = 0
        for (name, node) in zip(c.names, c.nodes) {
            let frozen = node.layers.allSatisfy { entry in
                !entry.layer.operation.isStochastic && entry.layer.operation.arrayNames.allSatisfy { multiplier([name] + entry.path + [$0]) == 0 }
            }
            guard frozen else { break }
            k += 1
        }
        return k == c.nodes.count ? 0 : k
    }

    /// Trains `net` (initialized) on inputs [N, ...] and targets [N] (class indices, 1-based) or
    /// [N, ...] (arrays), returning the trained net and the record of the run.
    public static func train(_ net: Net, inputs: Tensor, targets: Tensor, options: TrainingOptions) throws -> TrainingResult {
        let start = Date()
        let count = inputs.shape.first ?? 0
        guard count > 0, targets.shape.first == count else {
            throw NetError("data", "the inputs and targets must be non-empty and of equal length")
        }
        let loss = options.loss ?? automaticLoss(net)
        if loss != .crossEntropyIndex, options.lengths == nil, let out = net.output, Array(targets.shape.dropFirst()) != out {
            throw NetError("invtarget", "each target is \(describe(Array(targets.shape.dropFirst()))), but the net's output is \(describe(out))")
        }
        let multiplier = options.multiplier
        // The frozen leading part runs once per example; only the rest is trained.
        var trunk: Chain?
        var model = net
        var x = inputs
        var validation = options.validation
        let cached = options.lengths == nil ? frozenPrefix(net, multiplier) : 0
        if cached > 0, case .chain(let c) = net {
            let head = try c.taking(0..<cached)
            let plan = try InferencePlan(.chain(head))
            func features(_ t: Tensor) throws -> Tensor {
                var parts: [Tensor] = []
                var i = 0
                while i < t.shape[0] {
                    parts.append(try plan.run(t.slice(i..<Swift.min(i + 64, t.shape[0]))))
                    i += 64
                    if options.shouldStop() { throw NetError("interrupted", "training was interrupted") }
                }
                return try Tensor.concatenate(parts)
            }
            x = try features(inputs)
            if let v = validation { validation = (try features(v.inputs), v.targets) }
            trunk = head
            let rest = try c.taking(cached..<c.nodes.count)
            model = .chain(rest)
        }
        var optimizer = options.optimizer
        var generator = SeededGenerator(seed: options.seed)
        let batch = Swift.max(1, Swift.min(options.batchSize, count))
        let batches = (count + batch - 1) / batch
        var roundLosses: [Double] = [], validationLosses: [Double] = []
        var roundErrorRates: [Double] = [], validationErrorRates: [Double] = []
        var best: (loss: Double, net: Net, round: Int)?
        var interrupted = false
        var seen = 0
        let lossLayer = try Layer(.loss(loss))
        // Sequences of varying length run padded in one batch when the net masks the padding; a
        // net with sequence outputs then has its loss counted on each example's real elements.
        let flow = options.lengths == nil ? nil : model.maskedFlow
        let masked = flow != nil, sequenceOutputs = flow == .sequence
        for round in 1...Swift.max(1, options.rounds) {
            var order = Array(0..<count)
            order.shuffle(using: &generator)
            var total = 0.0, examples = 0
            var errors = ErrorCount()
            for b in 0..<batches {
                let indices = Array(order[(b * batch)..<Swift.min((b + 1) * batch, count)])
                let pass = TrainingPass(generator: generator, multiplier: multiplier)
                var value = 0.0
                for (group, length, masks) in batchGroups(indices, options.lengths, masked: masked) {
                    let xb = try gather(x, group, length: length), tb = try gather(targets, group)
                    try SequenceMask.$lengths.withValue(masks) {
                        let (y, back) = try model.trainForward([xb], [], pass, needInput: false)
                        pass.endForward()
                        let (v, gradient) = try batchLoss(lossLayer, loss, y, tb, lengths: sequenceOutputs ? masks : nil, errors: &errors)
                        guard v.isFinite else {
                            throw NetError("nonfinite", "the loss became \(v) in round \(round); try a smaller LearningRate")
                        }
                        let share = Double(group.count) / Double(indices.count)
                        value += v * share
                        _ = try back(share == 1 ? gradient : gradient.map { [f = Float(share)] g in g * f })
                    }
                }
                generator = pass.generator
                optimizer.beginStep()
                model = try update(model, pass, &optimizer, multiplier)
                total += value * Double(indices.count)
                examples += indices.count
                seen += indices.count
                let elapsed = Date().timeIntervalSince(start)
                options.progress(TrainingProgress(round: round, rounds: options.rounds, batch: b + 1, batches: batches,
                                                  roundLoss: total / Double(examples), validationLoss: validationLosses.last,
                                                  examplesPerSecond: Double(seen) / Swift.max(elapsed, 1e-9), elapsed: elapsed,
                                                  roundFinished: false))
                if options.shouldStop() { interrupted = true; break }
            }
            roundLosses.append(total / Double(Swift.max(examples, 1)))
            if let rate = errors.rate { roundErrorRates.append(rate) }
            if let v = validation, !interrupted || examples > 0 {
                let all = Array(0..<v.inputs.shape[0])
                var vl = 0.0
                var validationErrors = ErrorCount()
                for (group, length, masks) in batchGroups(all, options.validationLengths, masked: masked) {
                    let out = try SequenceMask.$lengths.withValue(masks) { try model.forward([gather(v.inputs, group, length: length)]) }
                    let targets = try gather(v.targets, group)
                    let part = try batchLoss(lossLayer, loss, out, targets, lengths: sequenceOutputs ? masks : nil, errors: &validationErrors)
                    vl += part.loss * Double(group.count) / Double(all.count)
                }
                validationLosses.append(vl)
                if let rate = validationErrors.rate { validationErrorRates.append(rate) }
                if best == nil || vl < best!.loss { best = (vl, model, round) }
            }
            let elapsed = Date().timeIntervalSince(start)
            options.progress(TrainingProgress(round: round, rounds: options.rounds, batch: batches, batches: batches,
                                              roundLoss: roundLosses.last ?? 0, validationLoss: validationLosses.last,
                                              examplesPerSecond: Double(seen) / Swift.max(elapsed, 1e-9), elapsed: elapsed,
                                              roundFinished: true))
            if interrupted { break }
        }
        var trained = best?.net ?? model
        if let trunk, case .chain(let c) = net, case .chain(let rest) = trained {
            trained = .chain(try Chain(names: c.names, nodes: trunk.nodes + rest.nodes, encoder: c.encoder, decoder: c.decoder))
        }
        return TrainingResult(net: trained, roundLosses: roundLosses, validationLosses: validationLosses,
                              roundErrorRates: roundErrorRates, validationErrorRates: validationErrorRates, bestRound: best?.round,
                              batchSize: batch, seconds: Date().timeIntervalSince(start), interrupted: interrupted, cachedLayers: cached)
    }

    /// The indices grouped by sequence length (one group of all, without lengths), in the
    /// order their lengths first occur.
    static func lengthGroups(_ indices: [Int], _ lengths: [Int]?) -> [(indices: [Int], length: Int?)] {
        guard let lengths else { return [(indices, nil)] }
        var groups: [Int: [Int]] = [:], order: [Int] = []
        for i in indices {
            let l = lengths[i]
            if groups[l] == nil { order.append(l) }
            groups[l, default: []].append(i)
        }
        return order.map { (groups[$0] ?? [], $0) }
    }

    /// Rows `indices` of a tensor {N, T, ...} with each sequence cut to its first `length`
    /// elements (all of them when nil).
    static func gather(_ t: Tensor, _ indices: [Int], length: Int?) throws -> Tensor {
        let rows = try gather(t, indices)
        guard let length, rows.rank >= 2, length < rows.shape[1] else { return rows }
        let steps = rows.shape[1], width = rows.count / Swift.max(rows.shape[0] * steps, 1), v = rows.values
        var out: [Float] = []
        out.reserveCapacity(indices.count * length * width)
        for e in 0..<indices.count { out += v[(e * steps * width)..<((e * steps + length) * width)] }
        return try Tensor(shape: [indices.count, length] + rows.shape.dropFirst(2), values: out)
    }

    /// Rows `indices` of a tensor (along the leading axis).
    public static func gather(_ t: Tensor, _ indices: [Int]) throws -> Tensor {
        let rows = t.shape.first ?? 0, per = t.count / Swift.max(rows, 1)
        guard indices.allSatisfy({ $0 >= 0 && $0 < rows }) else { throw NetError("data", "an example index is outside 1 to \(rows)") }
        var out = try Tensor(shape: [indices.count] + t.shape.dropFirst())
        out.withUnsafeMutableBufferPointer { o in
            t.withUnsafeBufferPointer { p in
                guard let to = o.baseAddress, let from = p.baseAddress else { return }
                for (k, i) in indices.enumerated() { (to + k * per).update(from: from + i * per, count: per) }
            }
        }
        return out
    }

    /// The net after one optimizer step: gradients applied to trained arrays, new moving
    /// statistics stored.
    static func update(_ net: Net, _ pass: TrainingPass, _ optimizer: inout Optimizer, _ multiplier: ([String]) -> Float) throws -> Net {
        var index = 0
        return try net.mapLayers { path, layer in
            var l = layer
            for name in l.operation.arrayNames {
                defer { index += 1 }
                let key = path + [name]
                if let s = pass.statistics[key] { l.arrays[name] = s; continue }
                guard let g = pass.gradients[key], var w = l.arrays[name] else { continue }
                try optimizer.update(&w, index: index, gradient: g, multiplier: multiplier(key))
                l.arrays[name] = w
            }
            return l
        }
    }
}

/// Wrong classifications counted over a round's batches: for class-index targets the most
/// probable class against the target, for probability targets the most probable classes of
/// both, for binary targets which side of 1/2 each probability is on. Other losses count nothing.
struct ErrorCount {
    var wrong = 0, total = 0

    /// The share of wrong classifications, nil when nothing was counted.
    var rate: Double? { total > 0 ? Double(wrong) / Double(total) : nil }

    mutating func add(_ loss: LossKind, _ y: Tensor, _ target: Tensor) {
        let p = y.values, t = target.values
        switch loss {
        case .crossEntropyIndex:
            let classes = y.shape.last ?? 0
            guard classes > 0, p.count == t.count * classes else { return }
            for (i, v) in t.enumerated() where !v.isFinite || ErrorCount.argmax(p[(i * classes)..<((i + 1) * classes)]) != Int(v.rounded()) - 1 {
                wrong += 1
            }
            total += t.count
        case .crossEntropyProbabilities:
            let classes = y.shape.last ?? 0
            guard classes > 0, p.count == t.count, p.count % classes == 0 else { return }
            for i in 0..<(p.count / classes) {
                let row = (i * classes)..<((i + 1) * classes)
                if ErrorCount.argmax(p[row]) != ErrorCount.argmax(t[row]) { wrong += 1 }
            }
            total += p.count / classes
        case .crossEntropyBinary:
            guard p.count == t.count else { return }
            wrong += zip(p, t).filter { ($0 >= 0.5) != ($1 >= 0.5) }.count
            total += p.count
        case .meanSquared, .meanAbsolute:
            return
        }
    }

    /// The position of the largest value from the start of the slice (the first of equals).
    static func argmax(_ v: ArraySlice<Float>) -> Int {
        var best = v.startIndex
        for i in v.indices where v[i] > v[best] { best = i }
        return best - v.startIndex
    }
}
