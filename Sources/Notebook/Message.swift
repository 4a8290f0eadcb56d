import Crypto
import Foundation

/// A JSON object, as Foundation's JSONSerialization reads and writes it.
public typealias JSONObject = [String: Any]

/// One message of the Jupyter messaging protocol (v5.3): header, parent header, metadata and
/// content, addressed by the ZeroMQ identities that routed it in.
///
/// On the wire it is `[identities..., "<IDS|MSG>", signature, header, parent_header, metadata,
/// content, buffers...]`, the signature being the hex HMAC-SHA256 of the four JSON frames under
/// the connection file's key (no signature when the key is empty).
struct Message {
    var identities: [Data]
    var header: JSONObject
    var parent: JSONObject
    var metadata: JSONObject
    var content: JSONObject

    var type: String { header["msg_type"] as? String ?? "" }

    static let delimiter = Data("<IDS|MSG>".utf8)
    static let version = "5.3"

    /// A new message of `type`, in reply to `parent` (nil for none), in `session`.
    init(type: String, content: JSONObject, parent: Message?, session: String, identities: [Data]? = nil) {
        self.identities = identities ?? parent?.identities ?? []
        header = [
            "msg_id": UUID().uuidString.lowercased(),
            "session": session,
            "username": "nets",
            "date": Message.timestamp(),
            "msg_type": type,
            "version": Message.version,
        ]
        self.parent = parent?.header ?? [:]
        metadata = [:]
        self.content = content
    }

    init(identities: [Data], header: JSONObject, parent: JSONObject, metadata: JSONObject, content: JSONObject) {
        self.identities = identities
        self.header = header
        self.parent = parent
        self.metadata = metadata
        self.content = content
    }

    /// `2026-11-30T18:05:01.123456Z`, as the protocol's ISO 8601 dates.
    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}

/// Signs and checks messages with the connection's key.
struct Signer {
    let key: SymmetricKey?

    init(key: String, scheme: String) throws {
        guard key.isEmpty || scheme == "hmac-sha256" else {
            throw SocketError(text: "signature scheme \(scheme) is not supported (only hmac-sha256)")
        }
        self.key = key.isEmpty ? nil : SymmetricKey(data: Data(key.utf8))
    }

    func signature(_ frames: [Data]) -> Data {
        guard let key else { return Data() }
        var mac = HMAC<SHA256>(key: key)
        for f in frames { mac.update(data: f) }
        return Data(Data(mac.finalize()).map { String(format: "%02x", $0) }.joined().utf8)
    }

    /// The message in `frames`, or nil when it is malformed or its signature is wrong.
    func decode(_ frames: [Data]) -> Message? {
        guard let d = frames.firstIndex(of: Message.delimiter), frames.count >= d + 6 else { return nil }
        let parts = Array(frames[(d + 2)..<(d + 6)])
        if key != nil {
            // Compared in constant time: the signature is a secret-dependent value.
            let expected = signature(parts), given = frames[d + 1]
            guard expected.count == given.count, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        }
        func object(_ data: Data) -> JSONObject? {
            (try? JSONSerialization.jsonObject(with: data)) as? JSONObject
        }
        guard let header = object(parts[0]), let parent = object(parts[1]), let metadata = object(parts[2]),
              let content = object(parts[3]) else { return nil }
        return Message(identities: Array(frames[..<d]), header: header, parent: parent, metadata: metadata, content: content)
    }

    func encode(_ m: Message) throws -> [Data] {
        let parts = try [m.header, m.parent, m.metadata, m.content].map {
            try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])
        }
        return m.identities + [Message.delimiter, signature(parts)] + parts
    }
}
