import Tensor

extension Net {
    /// The net with its missing arrays filled (or every array, with `all`), each layer's as its
    /// operator starts them (`LayerOperator.initialValues`: weights from a normal distribution
    /// with variance 2 / fan-in, biases 0, batch-norm scaling 1...). The same generator state
    /// gives the same net.
    public func initialized(all: Bool = false, generator: inout SeededGenerator) throws -> Net {
        var g = generator
        defer { generator = g }
        return try mapLayers { path, layer in
            var l = layer
            let names = l.operation.arrayNames
            if names.isEmpty || (!all && l.isInitialized) { return l }
            guard let shapes = l.arrayShapes else {
                let name = path.isEmpty ? l.kind.name : path.map(quoted).joined(separator: " / ")
                throw NetError("nninit", "the shapes of \(name) are not known yet, so its arrays cannot be initialized; give its input size")
            }
            for name in names where all || l.arrays[name] == nil {
                guard let shape = shapes[name] else { continue }
                // Refused before anything is allocated: {10^6, 10^6} weights are a message.
                try Sizes.count(shape, "the array \(quoted(name)) of \(l.kind.name)")
                let values = l.operation.initialValues(of: name, shape: shape, generator: &g)
                l.arrays[name] = try Tensor(shape: shape, values: values)
            }
            return l
        }
    }
}
