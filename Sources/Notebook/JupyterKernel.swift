import CZMQ
import Foundation

/// What a language gives the Jupyter kernel: evaluation, completion, help and the multi-line
/// rule. The kernel calls these from its shell thread only (`interrupt` from the control
/// thread or a signal handler's queue).
public protocol NotebookBackend: AnyObject {
    /// `language_info` of `kernel_info_reply` (name, version, mimetype, file_extension, ...).
    var languageInfo: JSONObject { get }
    var implementationVersion: String { get }
    var banner: String { get }
    /// The number the next input will get (`In[n]`).
    var executionCount: Int { get }
    /// Evaluates a cell. Output while it runs (Print, messages, progress) goes to `output`;
    /// each result that is not Null is published as it comes with `output.result`.
    func execute(_ code: String, output: NotebookOutput) -> ExecutionOutcome
    /// Names completing the word that ends at `cursor` (a character offset), and the range of
    /// characters they replace.
    func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int)
    /// Help (usage text) for the name at `cursor`, if there is one.
    func inspect(_ code: String, cursor: Int) -> String?
    /// "complete", "incomplete" (brackets, strings or comments open) or "invalid".
    func isComplete(_ code: String) -> String
    /// Aborts the running evaluation (as Ctrl-C does in the REPL).
    func interrupt()
    /// Whether an interrupt is pending (a wait for input gives up).
    var isInterrupted: Bool { get }
}

/// How a cell's evaluation ended.
public enum ExecutionOutcome {
    case ok
    /// A syntax error or an uncaught abort: name, value and traceback lines.
    case error(name: String, value: String, traceback: [String])
}

/// Where a running cell sends what it shows: streams, results and displays, published on IOPub
/// in reply to the cell's request.
public final class NotebookOutput: @unchecked Sendable {
    private let publish: (String, JSONObject) -> Void
    private let ask: (String, Bool) -> String?

    init(publish: @escaping (String, JSONObject) -> Void, ask: @escaping (String, Bool) -> String? = { _, _ in nil }) {
        self.publish = publish
        self.ask = ask
    }

    /// A line the user types in the front end after `prompt` (an `input_request` on the stdin
    /// channel); nil when the front end takes no input, the kernel stops or `cancelled` says so.
    public func input(prompt: String, password: Bool = false) -> String? {
        ask(prompt, password)
    }

    /// Text on `stdout` or `stderr`.
    public func stream(_ name: String, _ text: String) {
        publish("stream", ["name": name, "text": text])
    }

    /// A result, `Out[count]`, as a MIME bundle (`text/plain` and richer forms) with its display
    /// metadata by MIME type.
    public func result(_ count: Int, _ data: JSONObject, metadata: JSONObject = [:]) {
        publish("execute_result", ["execution_count": count, "data": data, "metadata": metadata])
    }

    /// A display; with a `displayID`, `update` replaces an earlier display of that id in place
    /// (progress of long work).
    public func display(_ data: JSONObject, displayID: String? = nil, update: Bool = false) {
        var content: JSONObject = ["data": data, "metadata": [String: Any]()]
        if let displayID { content["transient"] = ["display_id": displayID] }
        publish(update ? "update_display_data" : "display_data", content)
    }
}

/// The connection file Jupyter writes for a kernel it starts.
public struct ConnectionInfo: Decodable {
    public var transport: String
    public var ip: String
    public var shell_port: Int
    public var iopub_port: Int
    public var stdin_port: Int
    public var control_port: Int
    public var hb_port: Int
    public var key: String
    public var signature_scheme: String

    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}

/// A Jupyter kernel (messaging protocol 5.3) over ZeroMQ: shell, control, IOPub, stdin and
/// heartbeat channels, each shell request answered with busy/idle status on IOPub around it.
/// Execution runs on the thread that calls `run()`; control and heartbeat have threads of their
/// own, so an interrupt or a heartbeat is answered while a cell runs.
public final class JupyterKernel: @unchecked Sendable {
    let backend: NotebookBackend
    let signer: Signer
    let context: Context
    let shell, control, iopub, stdin, heartbeat: Socket
    let session = UUID().uuidString.lowercased()
    private let stopping = NSLock()
    private var _stopped = false
    private var stopped: Bool {
        get { stopping.lock(); defer { stopping.unlock() }; return _stopped }
        set { stopping.lock(); _stopped = newValue; stopping.unlock() }
    }

    public init(connection: ConnectionInfo, backend: NotebookBackend) throws {
        self.backend = backend
        signer = try Signer(key: connection.key, scheme: connection.signature_scheme)
        context = try Context()
        shell = try Socket(context, type: ZMQ_ROUTER)
        control = try Socket(context, type: ZMQ_ROUTER)
        stdin = try Socket(context, type: ZMQ_ROUTER)
        iopub = try Socket(context, type: ZMQ_PUB)
        heartbeat = try Socket(context, type: ZMQ_REP)
        try shell.bind(connection.endpoint(connection.shell_port))
        try control.bind(connection.endpoint(connection.control_port))
        try stdin.bind(connection.endpoint(connection.stdin_port))
        try iopub.bind(connection.endpoint(connection.iopub_port))
        try heartbeat.bind(connection.endpoint(connection.hb_port))
    }

    /// Reads a connection file.
    public static func connection(from path: String) throws -> ConnectionInfo {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(ConnectionInfo.self, from: data)
    }

    /// Serves until a shutdown request.
    public func run() {
        spawn { [self] in serveHeartbeat() }
        spawn { [self] in serve(control) }
        publish("status", ["execution_state": "starting"], parent: nil)
        serve(shell)
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        let t = Thread(block: body)
        t.stackSize = 1 << 20
        t.start()
    }

    private func serveHeartbeat() {
        while !stopped {
            guard heartbeat.poll(milliseconds: 200) else { continue }
            guard let frames = try? heartbeat.receive() else { continue }
            try? heartbeat.send(frames)
        }
    }

    private func serve(_ socket: Socket) {
        while !stopped {
            guard socket.poll(milliseconds: 200) else { continue }
            guard let frames = try? socket.receive() else { continue }
            // A message with a bad signature is dropped, as the protocol says.
            guard let request = signer.decode(frames) else { continue }
            handle(request, on: socket)
        }
    }

    // MARK: Requests

    private func handle(_ request: Message, on socket: Socket) {
        let type = request.type
        guard type.hasSuffix("_request") else { return }
        let replyType = String(type.dropLast("_request".count)) + "_reply"
        if type == "interrupt_request" {
            backend.interrupt()
            reply(replyType, ["status": "ok"], to: request, on: socket)
            return
        }
        publish("status", ["execution_state": "busy"], parent: request)
        defer { publish("status", ["execution_state": "idle"], parent: request) }
        switch type {
        case "kernel_info_request":
            reply(replyType, kernelInfo, to: request, on: socket)
        case "execute_request":
            reply(replyType, execute(request), to: request, on: socket)
        case "complete_request":
            let code = request.content["code"] as? String ?? ""
            let cursor = request.content["cursor_pos"] as? Int ?? code.count
            let c = backend.complete(code, cursor: cursor)
            reply(replyType, ["status": "ok", "matches": c.matches, "cursor_start": c.start, "cursor_end": c.end,
                              "metadata": [String: Any]()], to: request, on: socket)
        case "inspect_request":
            let code = request.content["code"] as? String ?? ""
            let cursor = request.content["cursor_pos"] as? Int ?? code.count
            let text = backend.inspect(code, cursor: cursor)
            reply(replyType, ["status": "ok", "found": text != nil, "data": text.map { ["text/plain": $0] } ?? [:],
                              "metadata": [String: Any]()], to: request, on: socket)
        case "is_complete_request":
            let status = backend.isComplete(request.content["code"] as? String ?? "")
            var content: JSONObject = ["status": status]
            if status == "incomplete" { content["indent"] = "" }
            reply(replyType, content, to: request, on: socket)
        case "comm_info_request":
            reply(replyType, ["status": "ok", "comms": [String: Any]()], to: request, on: socket)
        case "history_request":
            reply(replyType, ["status": "ok", "history": [Any]()], to: request, on: socket)
        case "shutdown_request":
            let restart = request.content["restart"] as? Bool ?? false
            reply(replyType, ["status": "ok", "restart": restart], to: request, on: socket)
            stopped = true
        default:
            reply(replyType, ["status": "error", "ename": "NotImplemented", "evalue": "\(type) is not supported",
                              "traceback": [String]()], to: request, on: socket)
        }
    }

    private var kernelInfo: JSONObject {
        [
            "status": "ok",
            "protocol_version": Message.version,
            "implementation": "nets",
            "implementation_version": backend.implementationVersion,
            "language_info": backend.languageInfo,
            "banner": backend.banner,
            "help_links": [[String: Any]](),
        ]
    }

    private func execute(_ request: Message) -> JSONObject {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = request.content["store_history"] as? Bool ?? !silent
        _ = storeHistory
        let count = backend.executionCount
        if !silent { publish("execute_input", ["code": code, "execution_count": count], parent: request) }
        let allowStdin = request.content["allow_stdin"] as? Bool ?? false
        let output = NotebookOutput(publish: { [weak self] type, content in
            guard !silent else { return }
            self?.publish(type, content, parent: request)
        }, ask: { [weak self] prompt, password in
            guard allowStdin, let self else { return nil }
            return self.requestInput(prompt, password: password, parent: request)
        })
        let outcome = backend.execute(code, output: output)
        let last = max(count, backend.executionCount - 1)
        switch outcome {
        case .ok:
            return ["status": "ok", "execution_count": last, "user_expressions": [String: Any](), "payload": [Any]()]
        case .error(let name, let value, let traceback):
            let error: JSONObject = ["ename": name, "evalue": value, "traceback": traceback]
            if !silent { publish("error", error, parent: request) }
            return error.merging(["status": "error", "execution_count": last]) { a, _ in a }
        }
    }

    /// Sends an `input_request` to the front end that sent `parent` and waits for its
    /// `input_reply`; nil when the kernel stops or the backend's evaluation is interrupted.
    private func requestInput(_ prompt: String, password: Bool, parent: Message) -> String? {
        let m = Message(type: "input_request", content: ["prompt": prompt, "password": password], parent: parent, session: session)
        guard let frames = try? signer.encode(m), (try? stdin.send(frames)) != nil else { return nil }
        while !stopped && !backend.isInterrupted {
            guard stdin.poll(milliseconds: 100), let frames = try? stdin.receive(), let reply = signer.decode(frames) else { continue }
            if reply.type == "input_reply" { return reply.content["value"] as? String ?? "" }
        }
        return nil
    }

    // MARK: Sending

    private func reply(_ type: String, _ content: JSONObject, to request: Message, on socket: Socket) {
        let m = Message(type: type, content: content, parent: request, session: session)
        if let frames = try? signer.encode(m) { try? socket.send(frames) }
    }

    func publish(_ type: String, _ content: JSONObject, parent: Message?) {
        var m = Message(type: type, content: content, parent: parent, session: session, identities: [Data("kernel.\(session).\(type)".utf8)])
        m.metadata = [:]
        if let frames = try? signer.encode(m) { try? iopub.send(frames) }
    }
}
