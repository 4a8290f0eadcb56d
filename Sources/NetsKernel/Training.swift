import Resources
import CoreKernel
import Foundation
import Language
import Nets
import OrderedCollections
import Tensor

/// The record of a training run, `NetTrain[net, data, All]`.
final class TrainingResultValue: PropertyValue {
    let result: TrainingResult
    let loss: LossKind
    init(_ result: TrainingResult, loss: LossKind) {
        self.result = result
        self.loss = loss
    }
    package var headName: String { "NetTrainResultsObject" }
    package var summary: String {
        "NetTrainResultsObject[<\(result.roundLosses.count) rounds, final loss \(String(format: "%.4g", result.roundLosses.last ?? .nan))>]"
    }

    /// What `result["name"]` gives; `result["Properties"]` lists these names.
    static var properties: [Property<TrainingResultValue>] { [
        Property("TrainedNet") { r, _ in .net(r.result.net) },
        Property("RoundLossList") { r, _ in .reals(r.result.roundLosses) },
        Property("ValidationLossList") { r, _ in .reals(r.result.validationLosses) },
        Property("LossEvolutionPlot") { r, c in try LearningPlots.lossEvolution(r.result.roundLosses, validation: r.result.validationLosses, c) },
        Property("LossPlot") { r, c in try LearningPlots.lossEvolution(r.result.roundLosses, validation: r.result.validationLosses, c) },
        Property("ErrorRateEvolutionPlot") { r, c in
            guard !r.result.roundErrorRates.isEmpty else { return .missing("NotAvailable") }
            return try LearningPlots.errorRateEvolution(r.result.roundErrorRates, validation: r.result.validationErrorRates, c)
        },
        Property("RoundErrorRateList") { r, _ in r.result.roundErrorRates.isEmpty ? .missing("NotAvailable") : .reals(r.result.roundErrorRates) },
        Property("ValidationErrorRateList") { r, _ in r.result.validationErrorRates.isEmpty ? .missing("NotAvailable") : .reals(r.result.validationErrorRates) },
        Property("RoundLoss") { r, _ in r.result.roundLosses.last.map(Expr.real) ?? .missing("NotAvailable") },
        Property("ValidationLoss") { r, _ in r.result.validationLosses.last.map(Expr.real) ?? .missing("NotAvailable") },
        Property("RoundMeasurementsLists") { r, _ in .list(measurements(r.result.roundLosses, r.result.roundErrorRates)) },
        Property("ValidationMeasurementsLists") { r, _ in .list(measurements(r.result.validationLosses, r.result.validationErrorRates)) },
        Property("RoundMeasurements") { r, _ in measurements(r.result.roundLosses, r.result.roundErrorRates).last ?? .missing("NotAvailable") },
        Property("ValidationMeasurements") { r, _ in measurements(r.result.validationLosses, r.result.validationErrorRates).last ?? .missing("NotAvailable") },
        Property("FinalRoundLoss") { r, _ in r.result.roundLosses.last.map(Expr.real) ?? .missing("NotAvailable") },
        Property("FinalValidationLoss") { r, _ in r.result.validationLosses.last.map(Expr.real) ?? .missing("NotAvailable") },
        Property("BestValidationRound") { r, _ in r.result.bestRound.map(Expr.integer) ?? .missing("NotAvailable") },
        Property("BatchSize") { r, _ in .integer(r.result.batchSize) },
        Property("TotalTrainingTime") { r, _ in .real(r.result.seconds) },
        Property("TotalRounds") { r, _ in .integer(r.result.roundLosses.count) },
        Property("LossFunction") { r, _ in (try? Layer(.loss(r.loss))).map { .net(.layer($0)) } ?? .missing("NotAvailable") },
    ] }

}

/// Each round's measurements as `<|"Loss" -> l, "ErrorRate" -> e|>` (the error rate only for
/// classifiers).
private func measurements(_ losses: [Double], _ errorRates: [Double]) -> [Expr] {
    losses.enumerated().map { k, loss in
        var rules: [Expr] = [.rule(.string("Loss"), .real(loss))]
        if k < errorRates.count { rules.append(.rule(.string("ErrorRate"), .real(errorRates[k]))) }
        return .call(Sym.Association, rules)
    }
}

/// NetTrain's data: examples grouped by class are recognised by the net's class decoder.
func trainingExamples(_ data: Expr, _ net: Net) throws -> Examples {
    let classes: Set<String>? = { if case .classes(let l)? = net.decoder { return Set(l.map(\.key)) }; return nil }()
    return try Examples(data, noun: "output", classes: classes)
}

/// Inputs encoded once into one tensor, targets as class indices (with a class decoder) or
/// arrays; sequences of varying length padded to the longest, with their lengths.
func encodeTrainingData(_ pairs: [(Expr, Expr)], _ net: inout Net, _ c: Call) throws -> (Tensor, Tensor, [Int]?) {
    guard !pairs.isEmpty else { throw NetError("data", "there are no training examples") }
    let progress = ProgressLine()
    defer { progress.finish() }
    var inputs: [Tensor] = []
    inputs.reserveCapacity(pairs.count)
    for (k, (x, _)) in pairs.enumerated() {
        inputs.append(try encodeExample(x, net.encoder, c))
        if pairs.count > 100 { progress.update("Encoding inputs \(k + 1)/\(pairs.count)") }
        if k % 64 == 0 { try c.evaluator.checkInterrupt() }
    }
    var lengths: [Int]?
    if net.hasVaryingLength {
        (inputs, lengths) = try paddedSequences(inputs)
    }
    let shape = inputs[0].shape
    for (k, t) in inputs.enumerated() where t.shape != shape {
        throw NetError("data", "example \(k + 1) is \(describe(t.shape)), but the first is \(describe(shape))")
    }
    if (net.inputs.first ?? nil) == nil { _ = try net.constrain(inputs: [shape], output: nil) }
    if let expected = net.inputs.first ?? nil, expected != shape, !net.hasVaryingLength {
        throw NetError("data", "the inputs are \(describe(shape)), but the net takes \(describe(expected))")
    }
    let x = try Tensor.concatenate(inputs.map { try $0.reshaped([1] + shape) })
    return (x, try encodeTargets(pairs.map(\.1), net), lengths)
}

/// Targets as class indices (with a class decoder) or arrays, stacked.
func encodeTargets(_ outputs: [Expr], _ net: Net) throws -> Tensor {
    let targets: [Tensor]
    if case .classes(let labels)? = net.decoder {
        targets = try outputs.map { y in
            guard let k = labels.firstIndex(of: classLabel(y)) else {
                throw NetError("invtarget", "the target \(short(y)) is not one of the classes \(labels.map { short(labelValue($0)) }.joined(separator: ", "))")
            }
            return Tensor(scalar: Float(k + 1))
        }
    } else {
        targets = try outputs.map { y in
            guard let t = y.asTensor else { throw NetError("invtarget", "the target \(short(y)) is not a number or a numeric array") }
            return t
        }
        let ts = targets[0].shape
        // Target sequences as long as their inputs (a net with sequence outputs): padded alike;
        // training counts each one's real elements only.
        if net.hasVaryingLength, targets.allSatisfy({ $0.rank >= 1 && Array($0.shape.dropFirst()) == Array(ts.dropFirst()) }) {
            return try Tensor.concatenate(paddedSequences(targets).0.map { try $0.reshaped([1] + $0.shape) })
        }
        guard targets.allSatisfy({ $0.shape == ts }) else { throw NetError("invtarget", "the targets do not all have the same shape") }
    }
    return try Tensor.concatenate(targets.map { try $0.reshaped([1] + $0.shape) })
}

/// Training data as tensors: a packed array of inputs (`NumericArray` or a full numeric array)
/// with its targets goes in directly; everything else example by example.
func encodedData(_ data: Expr, _ net: inout Net, _ c: Call) throws -> (Tensor, Tensor, [Int]?) {
    var packed: (Expr, Expr)?
    if data.hasHead(Sym.Rule), data.args.count == 2 { packed = (data.args[0], data.args[1]) }
    if case .association(let a) = data, let i = a.entries[.string("Input")], let o = a.entries[.string("Output")] { packed = (i, o) }
    if let (ins, outs) = packed, net.encoder == nil, case .native(let v) = ins, let array = v as? ArrayValue, let labels = outs.listItems {
        let x = array.tensor
        guard x.rank >= 1, x.shape[0] == labels.count, !labels.isEmpty else {
            throw NetError("data", "\(counted(x.shape.first ?? 0, "input")) but \(counted(labels.count, "output"))")
        }
        let shape = Array(x.shape.dropFirst())
        if (net.inputs.first ?? nil) == nil { _ = try net.constrain(inputs: [shape], output: nil) }
        guard net.inputs.first ?? nil == shape else { throw NetError("data", "the inputs are \(describe(shape)), but the net takes \(describe(net.inputs.first ?? nil))") }
        return (x, try encodeTargets(labels, net), nil)
    }
    return try encodeTrainingData(try trainingExamples(data, net).pairs, &net, c)
}

/// `LearningRateMultipliers`: rules tried in order, first match wins; keys are a layer name, a
/// position, a span, a path of names, or a pattern; None or 0 freezes; unmatched arrays get 1.
func multiplierFunction(_ spec: Expr, _ net: Net, _ c: Call) throws -> ([String]) -> Float {
    if spec.isSymbol(Sym.Automatic) || spec.isSymbol(Sym.None) { return { _ in 1 } }
    let names = net.parts.map(\.name)
    var rules: [(([String]) -> Bool, Float)] = []
    for r in spec.listItems ?? [spec] {
        guard isOptionRule(r) else { throw NetError("lrm", "\(short(r)) is not a rule spec -> multiplier") }
        let key = r.args[0], value = r.args[1]
        let m: Float
        if value.isSymbol(Sym.None) { m = 0 } else if let d = value.doubleValue { m = Float(d) } else {
            throw NetError("lrm", "the multiplier \(short(value)) is not a number or None")
        }
        let test: ([String]) -> Bool
        if let s = key.asString {
            test = { $0.first == s }
        } else if let i = key.intValue {
            let k = i < 0 ? names.count + i : i - 1
            guard names.indices.contains(k) else { throw NetError("lrm", "there is no layer \(i)") }
            test = { $0.first == names[k] }
        } else if key.hasHead(Sym.Span), key.args.count == 2 {
            let a = key.args[0].intValue ?? 1
            let b = key.args[1].isSymbol(Sym.All) ? names.count : (key.args[1].intValue ?? names.count)
            let lo = a < 0 ? names.count + a : a - 1, hi = b < 0 ? names.count + b : b - 1
            let chosen = Set(names.enumerated().filter { $0.offset >= lo && $0.offset <= hi }.map(\.element))
            test = { $0.first.map(chosen.contains) ?? false }
        } else if let path = key.listItems {
            let parts = path.map { $0.asString ?? InputForm.string($0) }
            test = { Array($0.prefix(parts.count)) == parts }
        } else if key.isSymbol(Sym.All) {
            test = { _ in true }
        } else {
            // A pattern, matched against the top-level layer name.
            var matches: [String: Bool] = [:]
            for n in names {
                matches[n] = try c.evaluate(Expr(Symbol.intern("MatchQ"), .string(n), key)).isTrue
                    || (try c.evaluate(Expr(Symbol.intern("MatchQ"), Int(n).map(Expr.integer) ?? .string(n), key)).isTrue)
            }
            test = { $0.first.flatMap { matches[$0] } ?? false }
        }
        rules.append((test, m))
    }
    return { path in rules.first { $0.0(path) }?.1 ?? 1 }
}

/// The optimizer of `Method` and `LearningRate`.
func optimizerSpec(_ method: Expr, _ rate: Expr) throws -> Optimizer {
    let items = method.listItems ?? [method]
    let name = method.isSymbol(Sym.Automatic) ? "ADAM" : (items.first?.asString ?? "")
    var sub: [String: Expr] = [:]
    for r in items.dropFirst() { collectOptions(r, into: &sub) }
    func number(_ key: String, _ fallback: Float) throws -> Float {
        guard let v = sub[key] else { return fallback }
        guard let d = v.doubleValue else { throw NetError("method", "\(quoted(key)) must be a number") }
        return Float(d)
    }
    var optimizer: Optimizer
    switch name.uppercased() {
    case "ADAM":
        optimizer = Optimizer(method: .adam(beta1: try number("Beta1", 0.9), beta2: try number("Beta2", 0.999), epsilon: try number("Epsilon", 1e-5)),
                              learningRate: 0.001)
    case "SGD":
        optimizer = Optimizer(method: .sgd(momentum: try number("Momentum", 0.93)), learningRate: 0.01)
    case "RMSPROP":
        optimizer = Optimizer(method: .rmsProp(beta: try number("Beta", 0.95), epsilon: try number("Epsilon", 1e-8)), learningRate: 0.001)
    default:
        throw NetError("method", "Method must be \"ADAM\", \"SGD\" or \"RMSProp\", not \(short(method))")
    }
    if let lr = sub["LearningRate"] ?? (rate.isSymbol(Sym.Automatic) ? nil : rate) {
        guard let d = lr.doubleValue, d > 0 else { throw NetError("method", "LearningRate must be a positive number") }
        optimizer.learningRate = Float(d)
    }
    optimizer.l2Regularization = try number("L2Regularization", 0)
    if let clip = sub["GradientClipping"], !clip.isSymbol(Sym.None) {
        guard let d = clip.doubleValue, d > 0 else { throw NetError("method", "\"GradientClipping\" must be a positive number or None") }
        optimizer.gradientClipping = Float(d)
    }
    return optimizer
}

/// MaxTrainingRounds -> Automatic: enough rounds to see about 10^4 examples, at least 10 and at
/// most 10000.
func automaticRounds(_ examples: Int) -> Int { Swift.min(10000, Swift.max(10, (10_000 + examples - 1) / Swift.max(examples, 1))) }

extension Kernel {
    static var trainingBuiltins: [Builtin] {
        [
            Builtin("NetTrain", [], usage: """
                NetTrain[net, data] trains net on data ({in -> out, ...}, {ins} -> {outs}, <|"Input" -> ins, "Output" -> outs|>, or \
                <|class -> {examples}, ...|> and its Normal for a net with a class decoder) and returns the trained net; \
                NetTrain[net, data, All] returns a NetTrainResultsObject; NetTrain[net, data, "prop"] one property. \
                A final SoftmaxLayer gets a cross-entropy loss, a final LogisticSigmoid a binary one, other nets mean squared \
                error. Options: BatchSize (Automatic: 64, at most the data size), MaxTrainingRounds (Automatic: about \
                10^4 examples' worth, from 10 to 10000 rounds), Method ("ADAM" with learning rate 0.001, Beta1 0.9, Beta2 0.999, \
                Epsilon 1e-5; "SGD" with Momentum 0.93; "RMSProp"; suboptions "L2Regularization", "GradientClipping"), \
                LearningRate, LearningRateMultipliers ({"name" -> r, n -> r, m ;; n -> r, {path} -> r, _ -> r}; first match wins; \
                0 or None freezes), ValidationSet (data or Scaled[f]; the best round's net is returned), LossFunction, \
                RandomSeeding, TargetDevice ("CPU"), TrainingProgressReporting (Automatic: a live line on a terminal, and when standard output is not a \
                terminal a line every 5 seconds of a longer training; "Print": a line per round; None). Ctrl-C stops after the current batch and returns the net trained so far.
                """ + " Properties (NetTrain[net, data, prop]): \(TrainingResultValue.propertyList)."
                    + " Example: NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}, {2.} -> {4.}}, \"TotalRounds\", MaxTrainingRounds -> 3]",
                    arity: .between(2, 3),
                    options: [("BatchSize", .sym("Automatic")), ("MaxTrainingRounds", .sym("Automatic")), ("Method", .sym("Automatic")),
                              ("LearningRate", .sym("Automatic")), ("LearningRateMultipliers", .sym("Automatic")),
                              ("ValidationSet", .sym("None")), ("LossFunction", .sym("Automatic")), ("RandomSeeding", .sym("Automatic")),
                              ("TargetDevice", .string("CPU")), ("TrainingProgressReporting", .sym("Automatic"))],
                    examples: [("NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}, {2.} -> {4.}}, \"TotalRounds\", MaxTrainingRounds -> 3, TrainingProgressReporting -> None]", "3")]) { c in
                // The data may itself be a rule ({ins} -> {outs}), so it is never taken for an option.
                let pos = c.count < 2 ? c.args : Array(c.args.prefix(2)) + (c.count > 2 && !isOptionRule(c[2]) ? [c[2]] : [])
                guard pos.count == 2 || pos.count == 3 else { return c.argCount(2, 3) }
                guard let original = pos[0].asNet else {
                    c.message("notnet", text: "\(short(pos[0])) is not a net.")
                    return .failed
                }
                return netOperation(c) { try netTrain(original, pos, c) }
            },
            Builtin("NetTrainResultsObject", [], usage: "NetTrainResultsObject[...] is what NetTrain[net, data, All] returns; obj[\"prop\"] gives one of \(TrainingResultValue.propertyList). Example: NetTrain[LinearLayer[1], {1 -> 2, 2 -> 4}, All][\"TotalRounds\"]"),
        ]
    }
}

private func netTrain(_ original: Net, _ pos: [Expr], _ c: Call) throws -> Expr {
    var net = original
    let device = c.option("TargetDevice", .string("CPU"))
    if device.asString != "CPU" {
        c.message("nodevice", text: "The device \(short(device)) is not available on this machine; training on the CPU.")
    }
    var (x, t, lengths) = try encodedData(pos[1], &net, c)
    // Shapes the data fixes, then the missing arrays (seeded like the rest of the run).
    let seedSpec = c.option("RandomSeeding")
    var generator = seeding(seedSpec)
    let seed = generator.next()
    if !net.isInitialized { net = try net.initialized(generator: &generator) }
    let multiplier = try multiplierFunction(c.option("LearningRateMultipliers"), net, c)
    let trainable = net.layers.contains { entry in entry.layer.kind.arrayNames.contains { multiplier(entry.path + [$0]) != 0 } }
    if !trainable {
        c.message("netfrozen", text: "All arrays of the net are frozen by LearningRateMultipliers, so there is nothing to train.")
        return .net(original)
    }
    var validation: (inputs: Tensor, targets: Tensor)?
    var validationLengths: [Int]?
    let validationSpec = c.option("ValidationSet", .sym("None"))
    if validationSpec.hasHead(Symbol.intern("Scaled")), let f = validationSpec.args.first?.doubleValue {
        guard f > 0, f < 1 else { throw NetError("valset", "Scaled[f] needs 0 < f < 1") }
        let n = x.shape[0], k = Swift.max(1, Int((Double(n) * f).rounded()))
        guard k >= 1, k < n else { throw NetError("valset", "Scaled[\(f)] leaves no data for training or validation") }
        var order = Array(0..<n)
        var g = SeededGenerator(seed: seed ^ 0x5eed)
        order.shuffle(using: &g)
        validation = (try Trainer.gather(x, Array(order[..<k])), try Trainer.gather(t, Array(order[..<k])))
        (x, t) = (try Trainer.gather(x, Array(order[k...])), try Trainer.gather(t, Array(order[k...])))
        if let l = lengths { (validationLengths, lengths) = (order[..<k].map { l[$0] }, order[k...].map { l[$0] }) }
    } else if !validationSpec.isSymbol(Sym.None) {
        var copy = net
        let (vx, vt, vl) = try encodedData(validationSpec, &copy, c)
        (validation, validationLengths) = ((vx, vt), vl)
    }
    let count = x.shape[0]
    var batch = Swift.min(64, count)
    if let b = c.option("BatchSize").intValue {
        guard b > 0 else { throw NetError("batchsize", "BatchSize must be a positive integer") }
        batch = Swift.min(b, count)
    }
    var rounds = automaticRounds(count)
    let roundSpec = c.option("MaxTrainingRounds")
    if !roundSpec.isSymbol(Sym.Automatic) {
        guard let r = roundSpec.intValue, r > 0 else { throw NetError("rounds", "MaxTrainingRounds must be a positive integer") }
        rounds = r
    }
    var options = TrainingOptions(batchSize: batch, rounds: rounds, optimizer: try optimizerSpec(c.option("Method"), c.option("LearningRate")))
    options.multiplier = multiplier
    options.seed = seed
    options.validation = validation
    (options.lengths, options.validationLengths) = (lengths, validationLengths)
    let lossSpec = c.option("LossFunction")
    if !lossSpec.isSymbol(Sym.Automatic) {
        guard case .layer(let l)? = lossSpec.asNet, case .loss(let kind) = l.kind else {
            throw NetError("loss", "LossFunction must be a loss layer such as CrossEntropyLossLayer[\"Index\"] or MeanSquaredLossLayer[]")
        }
        options.loss = kind
    }
    let reporting = c.option("TrainingProgressReporting")
    let line = ProgressLine()
    let printRounds = reporting.asString == "Print"
    // Live on a terminal, and in a notebook, whose front end updates one display in place.
    let live = reporting.isSymbol(Sym.Automatic) && (ProgressLine.isTerminal || ProgressLine.display != nil)
    var lines = reporting.isSymbol(Sym.Automatic) && !live ? RoundLines() : nil
    options.progress = { p in
        let fraction = (Double(p.round - 1) + Double(p.batch) / Double(Swift.max(p.batches, 1))) / Double(Swift.max(p.rounds, 1))
        let remaining = fraction > 0 ? p.elapsed * (1 - fraction) / fraction : .nan
        let validation = p.validationLoss.map { String(format: "  validation %.4g", $0) } ?? ""
        if live {
            line.update(String(format: "Round %d/%d %@ %3.0f%%  %.0f examples/s  loss %.4g%@  elapsed %@  remaining %@",
                               p.round, p.rounds, ProgressLine.bar(fraction), fraction * 100, p.examplesPerSecond, p.roundLoss,
                               validation, ProgressLine.duration(p.elapsed), ProgressLine.duration(remaining)), force: p.roundFinished)
        } else if printRounds && p.roundFinished {
            c.evaluator.printer(String(format: "Round %d/%d: loss %.4g%@", p.round, p.rounds, p.roundLoss, validation))
        } else if p.roundFinished, let text = lines?.line(round: p.round, rounds: p.rounds, loss: p.roundLoss, validation: p.validationLoss, elapsed: p.elapsed) {
            c.evaluator.printer(text)
        }
    }
    let interrupt = c.evaluator.interrupt
    options.shouldStop = {
        guard interrupt.isSet else { return false }
        interrupt.clear()
        return true
    }
    let result = try Trainer.train(net, inputs: x, targets: t, options: options)
    line.finish()
    if result.interrupted {
        c.message("interrupted", text: "Training was stopped in round \(result.roundLosses.count); returning the net trained so far.")
    }
    let object = TrainingResultValue(result, loss: options.loss ?? Trainer.automaticLoss(net))
    if pos.count == 3 {
        if pos[2].isSymbol(Sym.All) { return .native(object) }
        if let name = pos[2].asString, let v = try object.value(of: name, c) { return v }
        if let items = pos[2].listItems {
            return .list(try items.map { p in
                guard let name = p.asString, let v = try object.value(of: name, c) else { throw NetError("prop", "\(short(p)) is not a NetTrain property") }
                return v
            })
        }
        throw NetError("prop", "\(short(pos[2])) is not a NetTrain property; try All or one of \(TrainingResultValue.propertyList)")
    }
    return .net(result.net)
}
