import CZMQ
import Foundation

/// A ZeroMQ or protocol error: the call that failed and `zmq_strerror`'s text, or what is wrong.
public struct SocketError: Error, CustomStringConvertible {
    public let description: String

    /// The error of the ZeroMQ call just made.
    init(_ call: String) {
        description = "\(call): " + String(cString: zmq_strerror(zmq_errno()))
    }

    init(text: String) { description = text }
}

/// One ZeroMQ context for the process (owns the I/O thread).
final class Context: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let h = zmq_ctx_new() else { throw SocketError("zmq_ctx_new") }
        handle = h
    }

    deinit { zmq_ctx_term(handle) }
}

/// A ZeroMQ socket used by one thread at a time (ZeroMQ sockets are not thread-safe; the kernel
/// gives each channel its own thread, and guards the IOPub socket, which several share, with a
/// lock).
final class Socket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let lock = NSLock()

    init(_ context: Context, type: Int32) throws {
        guard let h = zmq_socket(context.handle, type) else { throw SocketError("zmq_socket") }
        handle = h
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    deinit { zmq_close(handle) }

    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw SocketError("zmq_bind \(endpoint)") }
    }

    /// Waits up to `milliseconds` for a message to read; false on timeout (or interruption).
    func poll(milliseconds: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        return zmq_poll(&item, 1, milliseconds) > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }

    /// Receives every frame of one multipart message.
    func receive() throws -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            var received: Int32
            repeat { received = zmq_msg_recv(&message, handle, 0) } while received < 0 && zmq_errno() == EINTR
            guard received >= 0 else { throw SocketError("zmq_msg_recv") }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            guard zmq_msg_more(&message) != 0 else { return frames }
        }
    }

    /// Sends the frames as one multipart message.
    func send(_ frames: [Data]) throws {
        lock.lock()
        defer { lock.unlock() }
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { raw -> Int32 in
                var n: Int32
                repeat { n = zmq_send(handle, raw.baseAddress, raw.count, flags) } while n < 0 && zmq_errno() == EINTR
                return n
            }
            guard sent >= 0 else { throw SocketError("zmq_send") }
        }
    }
}
