import Resources
/// An n-dimensional array of Float32, contiguous and row-major (NCHW for images), with
/// copy-on-write storage. Shapes are checked; a mismatch throws `TensorError`.
public struct Tensor: Sendable {
    public private(set) var shape: [Int]
    public private(set) var storage: Storage

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) throws {
        self.shape = shape
        storage = Storage(repeating: value, count: try Tensor.elementCount(shape))
    }

    /// The number of elements of a shape; negative or overflowing shapes throw.
    static func elementCount(_ shape: [Int]) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError("negative dimension in shape \(shape)") }
        guard let n = ResourcePolicy.count(shape), ResourcePolicy.admits(n, bytesEach: MemoryLayout<Float>.stride) else {
            throw TensorError.memory(shape)
        }
        return n
    }

    /// A tensor of the given shape with the given values in row-major order.
    public init(shape: [Int], values: [Float]) throws {
        try self.init(shape: shape)
        guard values.count == count else {
            throw TensorError("\(counted(values.count, "value")) do not fill \(describeDimensions(shape))")
        }
        values.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { storage.pointer.update(from: base, count: values.count) }
        }
    }

    /// A tensor whose elements the caller overwrites completely before reading (no zero fill).
    init(uninitialized shape: [Int]) throws {
        self.shape = shape
        storage = Storage(count: try Tensor.elementCount(shape))
    }

    /// A scalar (rank 0).
    public init(scalar: Float) {
        shape = []
        storage = Storage(repeating: scalar, count: 1)
    }

    init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    /// Whether no other tensor shares this one's storage.
    public mutating func isUniquelyOwned() -> Bool { isKnownUniquelyReferenced(&storage) }

    /// The values in row-major order.
    public var values: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// Read-only access to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Mutable access to the elements; copies the storage first if it is shared.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// The element at a multi-index.
    public func element(_ index: [Int]) throws -> Float {
        guard index.count == shape.count else { throw TensorError("index \(index) does not fit shape \(shape)") }
        var offset = 0
        for (i, d) in Swift.zip(index, shape) {
            guard i >= 0, i < d else { throw TensorError("index \(index) is out of range for shape \(shape)") }
            offset = offset * d + i
        }
        return storage.pointer[offset]
    }

    // MARK: Shape

    /// The same elements with another shape of equal size; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var dims = newShape
        if let i = dims.firstIndex(of: -1) {
            var rest = dims
            rest.remove(at: i)
            guard rest.allSatisfy({ $0 >= 0 }), let known = try? Tensor.elementCount(rest), known > 0, count % known == 0 else {
                throw TensorError.shape("reshape", shape, newShape)
            }
            dims[i] = count / known
        }
        guard dims.allSatisfy({ $0 >= 0 }), (try? Tensor.elementCount(dims)) == count else {
            throw TensorError.shape("reshape", shape, newShape)
        }
        return Tensor(shape: dims, storage: storage)
    }

    /// Axes reordered: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw TensorError("permutation \(order) does not fit rank \(rank)")
        }
        let newShape = order.map { shape[$0] }
        var out = try Tensor(shape: newShape)
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let strides = order.map { inStrides[$0] }
        let src = storage.pointer
        out.withUnsafeMutableBufferPointer { dst in
            var index = [Int](repeating: 0, count: rank)
            for o in 0..<dst.count {
                var offset = 0
                for a in 0..<rank { offset += index[a] * strides[a] }
                dst[o] = src[offset]
                var a = rank - 1
                while a >= 0 {
                    index[a] += 1
                    if index[a] < newShape[a] { break }
                    index[a] = 0
                    a -= 1
                }
            }
        }
        return out
    }

    /// A matrix transposed.
    public func transposed() throws -> Tensor {
        guard rank == 2 else { throw TensorError("transpose needs a matrix, not shape \(shape)") }
        return try permuted([1, 0])
    }

    /// Items `range` along the leading axis.
    public func slice(_ range: Range<Int>) throws -> Tensor {
        guard let lead = shape.first, range.lowerBound >= 0, range.upperBound <= lead else {
            throw TensorError("slice \(range) is out of range for shape \(shape)")
        }
        let inner = count / Swift.max(lead, 1)
        var dims = shape
        dims[0] = range.count
        let values = Array(UnsafeBufferPointer(start: storage.pointer + range.lowerBound * inner, count: range.count * inner))
        return try Tensor(shape: dims, values: values)
    }

    /// Tensors of equal trailing shape joined along the leading axis.
    public static func concatenate(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw TensorError("nothing to concatenate") }
        if parts.count == 1 { return first }
        let tail = Array(first.shape.dropFirst())
        var lead = 0
        for p in parts {
            guard p.rank == first.rank, Array(p.shape.dropFirst()) == tail else {
                throw TensorError.shape("concatenate", first.shape, p.shape)
            }
            lead += p.shape.first ?? 0
        }
        var out = try Tensor(shape: [lead] + tail)
        out.withUnsafeMutableBufferPointer { dst in
            guard let base = dst.baseAddress else { return }
            var offset = 0
            for p in parts {
                (base + offset).update(from: p.storage.pointer, count: p.count)
                offset += p.count
            }
        }
        return out
    }
}
