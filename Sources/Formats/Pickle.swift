/// A restricted unpickler for PyTorch state dicts. It knows only the opcodes a checkpoint uses
/// and builds only the classes a state dict needs (`collections.OrderedDict`, tensors and their
/// storages); any other class or opcode is refused, so loading a checkpoint can never run code.
public final class Unpickler {
    /// A value on the pickle machine's stack. Lists and dicts are reference types because
    /// pickles mutate them after memoizing them.
    public indirect enum Value {
        case none, bool(Bool), int(Int), float(Double), string(String), bytes([UInt8])
        case tuple([Value]), list(ListBox), dict(DictBox)
        case global(String)
        case storage(StorageRef)
        case tensor(TensorRef)
        case mark
    }

    public final class ListBox { public var items: [Value] = [] }
    public final class DictBox { public var pairs: [(Value, Value)] = [] }

    /// A persistent storage named by a checkpoint: its key, element type and element count.
    public struct StorageRef {
        public let key: String
        public let type: String
        public let count: Int
    }

    /// A tensor view of a storage.
    public struct TensorRef {
        public let storage: StorageRef
        public let offset: Int
        public let shape: [Int]
        public let strides: [Int]
    }

    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.LongStorage", "torch.IntStorage",
        "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage", "torch.BFloat16Storage",
        "torch._utils._rebuild_tensor", "torch.storage.UntypedStorage", "torch.serialization._get_layout",
        "torch.float32", "torch.float64", "torch.float16", "torch.int64",
    ]

    let bytes: [UInt8]
    public private(set) var position: Int

    public init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    func refuse(_ what: String) -> FormatError { FormatError("pickle", "the checkpoint was refused: \(what)") }

    private func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, position + n <= bytes.count else { throw refuse("it is cut off") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    private func le(_ n: Int) throws -> Int {
        let s = try take(n)
        var v = 0
        for (i, b) in s.enumerated() { v |= Int(b) << (8 * i) }
        if n < 8, s.last.map({ $0 & 0x80 != 0 }) == true, n == 4 { v -= 1 << 32 }
        return v
    }

    private func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw refuse("an unterminated line") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    /// Runs one pickle, up to its STOP.
    public func load() throws -> Value {
        var stack: [Value] = []
        var memo: [Int: Value] = [:]
        func pop() throws -> Value {
            guard let v = stack.popLast() else { throw refuse("stack underflow") }
            return v
        }
        func popMark() throws -> [Value] {
            guard let m = stack.lastIndex(where: { if case .mark = $0 { return true }; return false }) else { throw refuse("a missing mark") }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }
        var steps = 0
        while true {
            steps += 1
            if steps > 50_000_000 { throw refuse("it is too long") }
            let op = try take(1).first ?? 0
            switch op {
            case 0x80: _ = try take(1)                                   // PROTO
            case 0x95: _ = try take(8)                                   // FRAME
            case 0x2E: return try pop()                                  // STOP
            case 0x28: stack.append(.mark)                               // MARK
            case 0x4E: stack.append(.none)                               // NONE
            case 0x88: stack.append(.bool(true))                         // NEWTRUE
            case 0x89: stack.append(.bool(false))                        // NEWFALSE
            case 0x4B: stack.append(.int(try le(1)))                     // BININT1
            case 0x4D: stack.append(.int(try le(2)))                     // BININT2
            case 0x4A: stack.append(.int(try le(4)))                     // BININT
            case 0x8A:                                                   // LONG1
                let n = try le(1)
                let s = try take(n)
                if n <= 8 {
                    var v: UInt64 = 0
                    for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
                    if n > 0, n < 8, s.last.map({ $0 & 0x80 != 0 }) == true { v |= ~0 << (8 * UInt64(n)) }
                    stack.append(.int(Int(truncatingIfNeeded: v)))
                } else {
                    stack.append(.int(0))                                // a magic number; its value is not used
                }
            case 0x47:                                                   // BINFLOAT (big-endian)
                let s = try take(8)
                var v: UInt64 = 0
                for b in s { v = v << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: v)))
            case 0x58: stack.append(.string(String(decoding: try take(try le(4)), as: UTF8.self)))   // BINUNICODE
            case 0x8C: stack.append(.string(String(decoding: try take(try le(1)), as: UTF8.self)))   // SHORT_BINUNICODE
            case 0x54: stack.append(.string(String(decoding: try take(try le(4)), as: UTF8.self)))   // BINSTRING
            case 0x55: stack.append(.string(String(decoding: try take(try le(1)), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x43: stack.append(.bytes(Array(try take(try le(1)))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try take(try le(4)))))  // BINBYTES
            case 0x7D: stack.append(.dict(DictBox()))                    // EMPTY_DICT
            case 0x5D: stack.append(.list(ListBox()))                    // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))                          // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))               // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                 // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))                  // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c])) // TUPLE3
            case 0x71: memo[try le(1)] = stack.last                      // BINPUT
            case 0x72: memo[try le(4)] = stack.last                      // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last                     // MEMOIZE
            case 0x68, 0x6A:                                             // BINGET, LONG_BINGET
                let k = try le(op == 0x68 ? 1 : 4)
                guard let v = memo[k] else { throw refuse("a reference to an unknown memo entry") }
                stack.append(v)
            case 0x61:                                                   // APPEND
                let v = try pop()
                guard case .list(let l)? = stack.last else { throw refuse("APPEND to a non-list") }
                l.items.append(v)
            case 0x65:                                                   // APPENDS
                let items = try popMark()
                guard case .list(let l)? = stack.last else { throw refuse("APPENDS to a non-list") }
                l.items += items
            case 0x73:                                                   // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d)? = stack.last else { throw refuse("SETITEM on a non-dict") }
                d.pairs.append((k, v))
            case 0x75:                                                   // SETITEMS
                let items = try popMark()
                guard case .dict(let d)? = stack.last, items.count % 2 == 0 else { throw refuse("SETITEMS on a non-dict") }
                for i in stride(from: 0, to: items.count, by: 2) { d.pairs.append((items[i], items[i + 1])) }
            case 0x63:                                                   // GLOBAL
                let name = try line() + "." + line()
                guard Unpickler.allowedGlobals.contains(name) else { throw refuse("it names the class \(name), which a state dict never needs") }
                stack.append(.global(name))
            case 0x93:                                                   // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else { throw refuse("a malformed STACK_GLOBAL") }
                guard Unpickler.allowedGlobals.contains(module + "." + name) else { throw refuse("it names the class \(module).\(name), which a state dict never needs") }
                stack.append(.global(module + "." + name))
            case 0x51:                                                   // BINPERSID
                stack.append(try persistent(try pop()))
            case 0x52:                                                   // REDUCE
                let args = try pop(), f = try pop()
                stack.append(try reduce(f, args))
            case 0x62:                                                   // BUILD: state of an OrderedDict (metadata) is ignored
                _ = try pop()
            default:
                throw refuse(String(format: "it uses the pickle opcode 0x%02X, which a state dict never needs", Int(op)))
            }
        }
    }

    private func persistent(_ id: Value) throws -> Value {
        guard case .tuple(let t) = id, t.count >= 5, case .string("storage") = t[0] else { throw refuse("an unknown persistent id") }
        guard case .global(let type) = t[1], case .string(let key) = t[2], case .int(let count) = t[4], count >= 0 else {
            throw refuse("a malformed storage reference")
        }
        return .storage(StorageRef(key: key, type: String(type.split(separator: ".").last ?? ""), count: count))
    }

    private func reduce(_ f: Value, _ args: Value) throws -> Value {
        guard case .global(let name) = f, case .tuple(let a) = args else { throw refuse("a call of something that is not an allowed class") }
        switch name {
        case "collections.OrderedDict":
            return .dict(DictBox())
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
            guard a.count >= 4, case .storage(let s) = a[0], case .int(let offset) = a[1],
                  case .tuple(let size) = a[2], case .tuple(let stride) = a[3] else { throw refuse("a malformed tensor") }
            let shape = try size.map { v -> Int in guard case .int(let i) = v, i >= 0 else { throw refuse("a malformed tensor size") }; return i }
            let strides = try stride.map { v -> Int in guard case .int(let i) = v, i >= 0 else { throw refuse("a malformed tensor stride") }; return i }
            guard shape.count == strides.count, offset >= 0 else { throw refuse("a malformed tensor") }
            return .tensor(TensorRef(storage: s, offset: offset, shape: shape, strides: strides))
        case "torch._utils._rebuild_parameter":
            guard let t = a.first, case .tensor = t else { throw refuse("a malformed parameter") }
            return t
        default:
            throw refuse("a call of \(name)")
        }
    }
}
