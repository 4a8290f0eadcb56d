/// Nested lists of numbers, the shape in which arrays arrive from the language
/// (`{{1, 2}, {3, 4}}`), converted to and from tensors.
public indirect enum NestedFloats: Sendable, Equatable {
    case scalar(Float)
    case list([NestedFloats])
}

extension Tensor {
    /// A tensor from a full (rectangular) nested list; ragged lists throw.
    public init(nested: NestedFloats) throws {
        var shape: [Int] = []
        var level = nested
        while case .list(let items) = level {
            shape.append(items.count)
            guard let first = items.first else { break }
            level = first
        }
        var values: [Float] = []
        values.reserveCapacity(shape.reduce(1, *))
        func collect(_ e: NestedFloats, _ depth: Int) throws {
            switch e {
            case .scalar(let v):
                guard depth == shape.count else { throw TensorError("the nested list is not a full array of shape \(shape)") }
                values.append(v)
            case .list(let items):
                guard depth < shape.count, items.count == shape[depth] else {
                    throw TensorError("the nested list is not a full array of shape \(shape)")
                }
                for i in items { try collect(i, depth + 1) }
            }
        }
        try collect(nested, 0)
        try self.init(shape: shape, values: values)
    }

    /// The elements as nested lists following the shape.
    public var nested: NestedFloats {
        let v = values
        func build(_ depth: Int, _ offset: Int) -> NestedFloats {
            guard depth < shape.count else { return .scalar(v[offset]) }
            let stride = shape[(depth + 1)...].reduce(1, *)
            return .list((0..<shape[depth]).map { build(depth + 1, offset + $0 * stride) })
        }
        return build(0, 0)
    }
}
