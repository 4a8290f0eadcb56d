/// A restricted unpickler for PyTorch state dicts. It knows only the opcodes a checkpoint uses
/// and builds only the classes a state dict needs (`collections.OrderedDict`, tensors and their
/// storages); any other class or opcode is refused, so loading a checkpoint can never run code.
///
/// Containers (tuples, lists, dicts) live in the unpickler's tables and values refer to them by
/// number, so a memo reference is a reference, never a copy: a list that contains itself, or a
/// tuple DAG with 2^64 paths, costs one table entry a container, and walks (`walk`) visit each
/// container once. Every read is bounds-checked against the bytes.
/// Limits: `maximumSteps` opcodes a pickle; a stack of `maximumStack` values; nesting at most
/// `maximumDepth` containers deep (as built: tuples and lists each record 1 + the depth of
/// what they hold); `maximumStored` values stored in containers and the memo, all told.
/// Strings and bytes are copies of the pickle's own bytes, so they total at most its size.
public final class Unpickler {
    /// A value on the pickle machine's stack. Tuples, lists and dicts are numbers in the
    /// unpickler's tables (`items(_:)`, `pairs(_:)`), because pickles share and mutate them.
    public enum Value {
        case none, bool(Bool), int(Int), float(Double), string(String), bytes([UInt8])
        case tuple(Int), list(Int), dict(Int)
        case global(String)
        indirect case storage(StorageRef)
        indirect case tensor(TensorRef)
    }

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

    public static let maximumSteps = 50_000_000
    public static let maximumStack = 1 << 20
    public static let maximumDepth = 1000
    public static let maximumStored = 1 << 23

    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.LongStorage", "torch.IntStorage",
        "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage", "torch.BFloat16Storage",
        "torch._utils._rebuild_tensor", "torch.storage.UntypedStorage", "torch.serialization._get_layout",
        "torch.float32", "torch.float64", "torch.float16", "torch.int64",
    ]

    let bytes: [UInt8]
    public private(set) var position: Int
    /// Tuples and lists, by number (0 is the shared empty tuple), and their nesting depths.
    public private(set) var sequences: [[Value]] = [[]]
    var sequenceDepths: [Int] = [1]
    /// Dicts, by number, and their nesting depths.
    public private(set) var dicts: [[(Value, Value)]] = []
    var dictDepths: [Int] = []
    /// Values stored in containers and the memo so far, across this unpickler's pickles.
    var stored = 0

    public init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = Swift.min(Swift.max(position, 0), bytes.count)
    }

    func refuse(_ what: String) -> FormatError { FormatError("pickle", "the checkpoint was refused: \(what)") }

    /// The items of a tuple or list.
    public func items(_ v: Value) -> [Value]? {
        switch v {
        case .tuple(let i), .list(let i): return sequences[i]
        default: return nil
        }
    }

    /// The key-value pairs of a dict, in insertion order.
    public func pairs(_ v: Value) -> [(Value, Value)]? {
        guard case .dict(let i) = v else { return nil }
        return dicts[i]
    }

    /// Calls `visit` once for `root` and once for every value reachable from it, each container
    /// once however often it is shared or however it loops; no recursion, so any depth is fine.
    public func walk(_ root: Value, _ visit: (Value) throws -> Void) rethrows {
        var seenSequences = Set<Int>(), seenDicts = Set<Int>()
        var pending = [root]
        while let v = pending.popLast() {
            try visit(v)
            switch v {
            case .tuple(let i), .list(let i):
                if seenSequences.insert(i).inserted { pending += sequences[i] }
            case .dict(let i):
                if seenDicts.insert(i).inserted { for (k, x) in dicts[i] { pending += [k, x] } }
            default: break
            }
        }
    }

    private func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - position else { throw refuse("it is cut off") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    /// An unsigned little-endian integer of `n` bytes; a signed one for 4-byte BININT.
    private func le(_ n: Int, signed: Bool = false) throws -> Int {
        guard let v = Bytes.little(bytes, position, n) else { throw refuse("it is cut off") }
        position += n
        return signed ? Int(Int32(truncatingIfNeeded: v)) : Int(v)
    }

    private func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw refuse("an unterminated line") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    /// The nesting depth of a value: 0 for scalars, a container's recorded depth otherwise.
    private func depth(_ v: Value) -> Int {
        switch v {
        case .tuple(let i), .list(let i): return sequenceDepths[i]
        case .dict(let i): return dictDepths[i]
        default: return 0
        }
    }

    /// Counts `n` more stored values against `maximumStored`.
    private func store(_ n: Int) throws {
        stored += n
        guard stored <= Unpickler.maximumStored else { throw refuse("it holds more than \(Unpickler.maximumStored) values") }
    }

    /// A new tuple or list holding `items`.
    private func sequence(_ items: [Value], list: Bool) throws -> Value {
        if items.isEmpty && !list { return .tuple(0) }
        let d = 1 + (items.map(depth).max() ?? 0)
        guard d <= Unpickler.maximumDepth else { throw refuse("it nests deeper than \(Unpickler.maximumDepth)") }
        try store(1 + items.count)
        sequences.append(items)
        sequenceDepths.append(d)
        return list ? .list(sequences.count - 1) : .tuple(sequences.count - 1)
    }

    private func newDict() throws -> Value {
        try store(1)
        dicts.append([])
        dictDepths.append(1)
        return .dict(dicts.count - 1)
    }

    /// Records that container `v` now holds `items`, checking the depth it reaches.
    private func deepen(_ v: Value, holding items: [Value]) throws {
        let d = 1 + (items.map(depth).max() ?? 0)
        guard d <= Unpickler.maximumDepth else { throw refuse("it nests deeper than \(Unpickler.maximumDepth)") }
        switch v {
        case .list(let i): sequenceDepths[i] = Swift.max(sequenceDepths[i], d)
        case .dict(let i): dictDepths[i] = Swift.max(dictDepths[i], d)
        default: break
        }
    }

    /// Runs one pickle, up to its STOP.
    public func load() throws -> Value {
        var stack: [Value] = []
        // Where each open MARK started, as in CPython's metastack: values below the innermost
        // mark cannot be popped.
        var marks: [Int] = []
        var memo: [Int: Value] = [:]
        func push(_ v: Value) throws {
            guard stack.count < Unpickler.maximumStack else { throw refuse("its stack grows past \(Unpickler.maximumStack)") }
            stack.append(v)
        }
        func pop() throws -> Value {
            guard stack.count > (marks.last ?? 0), let v = stack.popLast() else { throw refuse("stack underflow") }
            return v
        }
        func top() throws -> Value {
            guard stack.count > (marks.last ?? 0), let v = stack.last else { throw refuse("stack underflow") }
            return v
        }
        func popMark() throws -> [Value] {
            guard let m = marks.popLast() else { throw refuse("a missing mark") }
            let items = Array(stack[m...])
            stack.removeSubrange(m...)
            return items
        }
        func remember(_ k: Int) throws {
            let v = try top()
            if memo.updateValue(v, forKey: k) == nil { try store(1) }
        }
        func string(_ n: Int) throws -> Value { .string(String(decoding: try take(n), as: UTF8.self)) }
        func list(_ what: String) throws -> Int {
            guard case .list(let i) = try top() else { throw refuse("\(what) to a non-list") }
            return i
        }
        func dict(_ what: String) throws -> Int {
            guard case .dict(let i) = try top() else { throw refuse("\(what) on a non-dict") }
            return i
        }
        func setItems(_ items: [Value]) throws {
            let d = try dict("SETITEMS")
            guard items.count % 2 == 0 else { throw refuse("SETITEMS with an odd number of values") }
            try deepen(.dict(d), holding: items)
            try store(items.count)
            for i in stride(from: 0, to: items.count, by: 2) { dicts[d].append((items[i], items[i + 1])) }
        }
        func append(_ items: [Value]) throws {
            let l = try list("APPENDS")
            try deepen(.list(l), holding: items)
            try store(items.count)
            sequences[l] += items
        }
        var steps = 0
        while true {
            steps += 1
            if steps > Unpickler.maximumSteps { throw refuse("it is too long") }
            let op = try take(1).first ?? 0
            switch op {
            case 0x80: _ = try take(1)                                   // PROTO
            case 0x95: _ = try take(8)                                   // FRAME
            case 0x2E:                                                   // STOP
                guard marks.isEmpty else { throw refuse("an unclosed mark") }
                return try pop()
            case 0x28:                                                   // MARK
                guard marks.count < Unpickler.maximumStack else { throw refuse("too many marks") }
                marks.append(stack.count)
            case 0x4E: try push(.none)                                   // NONE
            case 0x88: try push(.bool(true))                             // NEWTRUE
            case 0x89: try push(.bool(false))                            // NEWFALSE
            case 0x4B: try push(.int(try le(1)))                         // BININT1
            case 0x4D: try push(.int(try le(2)))                         // BININT2
            case 0x4A: try push(.int(try le(4, signed: true)))           // BININT
            case 0x8A:                                                   // LONG1
                let n = try le(1)
                let s = try take(n)
                if n <= 8 {
                    var v: UInt64 = 0
                    for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
                    if n > 0, n < 8, s.last.map({ $0 & 0x80 != 0 }) == true { v |= ~0 << (8 * UInt64(n)) }
                    try push(.int(Int(truncatingIfNeeded: v)))
                } else {
                    try push(.int(0))                                    // a magic number; its value is not used
                }
            case 0x47:                                                   // BINFLOAT (big-endian)
                guard let v = Bytes.big(bytes, position, 8) else { throw refuse("it is cut off") }
                position += 8
                try push(.float(Double(bitPattern: v)))
            case 0x58, 0x54: try push(try string(try le(4, signed: true)))   // BINUNICODE, BINSTRING
            case 0x8C, 0x55: try push(try string(try le(1)))             // SHORT_BINUNICODE, SHORT_BINSTRING
            case 0x43: try push(.bytes(Array(try take(try le(1)))))      // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try take(try le(4, signed: true)))))  // BINBYTES
            case 0x7D: try push(try newDict())                           // EMPTY_DICT
            case 0x5D: try push(try sequence([], list: true))            // EMPTY_LIST
            case 0x29: try push(.tuple(0))                               // EMPTY_TUPLE
            case 0x74: try push(try sequence(try popMark(), list: false))   // TUPLE
            case 0x85: try push(try sequence([try pop()], list: false))  // TUPLE1
            case 0x86:                                                   // TUPLE2
                let b = try pop(), a = try pop()
                try push(try sequence([a, b], list: false))
            case 0x87:                                                   // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                try push(try sequence([a, b, c], list: false))
            case 0x71: try remember(try le(1))                           // BINPUT
            case 0x72: try remember(try le(4))                           // LONG_BINPUT
            case 0x94: try remember(memo.count)                          // MEMOIZE
            case 0x68, 0x6A:                                             // BINGET, LONG_BINGET
                let k = try le(op == 0x68 ? 1 : 4)
                guard let v = memo[k] else { throw refuse("a reference to an unknown memo entry") }
                try push(v)
            case 0x61: try append([try pop()])                           // APPEND
            case 0x65: try append(try popMark())                         // APPENDS
            case 0x73:                                                   // SETITEM
                let v = try pop(), k = try pop()
                try setItems([k, v])
            case 0x75: try setItems(try popMark())                       // SETITEMS
            case 0x63:                                                   // GLOBAL
                let name = try line() + "." + line()
                guard Unpickler.allowedGlobals.contains(name) else { throw refuse("it names the class \(name), which a state dict never needs") }
                try push(.global(name))
            case 0x93:                                                   // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else { throw refuse("a malformed STACK_GLOBAL") }
                guard Unpickler.allowedGlobals.contains(module + "." + name) else { throw refuse("it names the class \(module).\(name), which a state dict never needs") }
                try push(.global(module + "." + name))
            case 0x51:                                                   // BINPERSID
                try push(try persistent(try pop()))
            case 0x52:                                                   // REDUCE
                let args = try pop(), f = try pop()
                try push(try reduce(f, args))
            case 0x62:                                                   // BUILD: state of an OrderedDict (metadata) is ignored
                _ = try pop()
                _ = try top()
            default:
                let hex = String(op, radix: 16, uppercase: true)
                throw refuse("it uses the pickle opcode 0x\(hex.count < 2 ? "0" + hex : hex), which a state dict never needs")
            }
        }
    }

    private func persistent(_ id: Value) throws -> Value {
        guard let t = items(id), t.count >= 5, case .string("storage") = t[0] else { throw refuse("an unknown persistent id") }
        guard case .global(let type) = t[1], case .string(let key) = t[2], case .int(let count) = t[4], count >= 0 else {
            throw refuse("a malformed storage reference")
        }
        return .storage(StorageRef(key: key, type: String(type.split(separator: ".").last ?? ""), count: count))
    }

    private func reduce(_ f: Value, _ args: Value) throws -> Value {
        guard case .global(let name) = f, case .tuple = args, let a = items(args) else { throw refuse("a call of something that is not an allowed class") }
        switch name {
        case "collections.OrderedDict":
            return try newDict()
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
            guard a.count >= 4, case .storage(let s) = a[0], case .int(let offset) = a[1],
                  case .tuple = a[2], let size = items(a[2]), case .tuple = a[3], let stride = items(a[3]) else { throw refuse("a malformed tensor") }
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
