import Tensor

extension Net {
    /// The net with its missing arrays filled (or every array, with `all`): weights from a
    /// normal distribution with variance 2 / fan-in (Kaiming), biases 0, batch-norm scaling 1,
    /// moving mean 0, moving variance 1. The same generator state gives the same net.
    public func initialized(all: Bool = false, generator: inout SeededGenerator) throws -> Net {
        var g = generator
        defer { generator = g }
        return try mapLayers { path, layer in
            var l = layer
            let names = l.kind.arrayNames
            if names.isEmpty || (!all && l.isInitialized) { return l }
            guard let shapes = l.arrayShapes else {
                let name = path.isEmpty ? l.kind.name : path.map(quoted).joined(separator: " / ")
                throw NetError("nninit", "the shapes of \(name) are not known yet, so its arrays cannot be initialized; give its input size")
            }
            for name in names where all || l.arrays[name] == nil {
                guard let shape = shapes[name] else { continue }
                let count = shape.reduce(1, *)
                let values: [Float]
                switch name {
                case "Weights":
                    let fanIn = Swift.max(1, count / Swift.max(shape[0], 1))
                    let std = (2.0 / Double(fanIn)).squareRoot()
                    values = (0..<count).map { _ in Float(g.normal() * std) }
                case "Scaling", "MovingVariance":
                    values = Array(repeating: 1, count: count)
                default:
                    values = Array(repeating: 0, count: count)
                }
                l.arrays[name] = try Tensor(shape: shape, values: values)
            }
            return l
        }
    }
}
