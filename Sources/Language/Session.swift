import Foundation

/// One user's state: the symbols they create, their input history, and whatever per-session
/// state the libraries keep (the random generator). Two sessions in one process (parallel test
/// suites, notebook kernels) never see each other's definitions.
///
/// Symbols of the installed libraries (builtins, the standard library's functions, constants) are
/// shared by every session: the *system* symbols, sealed once the libraries are loaded. Every
/// other name a session uses is its own symbol, made in its table on first use. A few system
/// names hold per-session values (`$Line`, `$ScriptCommandLine`, `$RecursionLimit`,
/// `$IterationLimit`): each session gets its own copy of those. The names the libraries' code
/// uses as variables (a `Table`'s iterator in a library function, a `$$` working variable) have
/// the library's value until a session assigns one: from then on it holds the session's value
/// (`Symbol.ownValue`), so that sessions evaluating on other threads at the same time never see it.
///
/// Parsing and evaluation intern names in the session that is *current on the calling thread*:
/// the kernel makes its session current (`run`) around everything it parses and evaluates.
public final class Session: @unchecked Sendable {
    /// The session's own symbols, by name (guarded by the symbol table's lock).
    var table: [String: Symbol] = [:]
    /// Inputs and results by line number, for `In[n]`, `Out[n]` and `%`.
    public var inputs: [Int: Expr] = [:]
    public var outputs: [Int: Expr] = [:]
    private var state: [ObjectIdentifier: AnyObject] = [:]
    /// The session's values of the libraries' working variables (see `Symbol.ownValue`); an
    /// entry holding nil is a value the session cleared.
    var values: [ObjectIdentifier: Expr?] = [:]

    public init() {}

    /// The session current on this thread, if any.
    public static var current: Session? {
        guard let p = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<Session>.fromOpaque(p).takeUnretainedValue()
    }

    /// Runs body with this session current on the calling thread (restoring the previous one).
    public func run<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(Session.currentKey)
        pthread_setspecific(Session.currentKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(Session.currentKey, previous) }
        return try withExtendedLifetime(self) { try body() }
    }

    /// Forgets every symbol and input of the session: a fresh session (for tests).
    public func reset() {
        Symbol.withTableLock { table = [:] }
        inputs = [:]
        outputs = [:]
        state = [:]
        values = [:]
        Symbol.noteChange()
    }

    /// A library's per-session state of type T, made by `make` on first use.
    public func state<T: AnyObject>(_ type: T.Type, _ make: () -> T) -> T {
        if let s = state[ObjectIdentifier(type)] as? T { return s }
        let s = make()
        state[ObjectIdentifier(type)] = s
        return s
    }

    /// The session's own symbols (for `Names`, completion and `Clear["pattern"]`).
    var symbols: [Symbol] { Symbol.withTableLock { Array(table.values) } }

    /// System names whose values belong to each session.
    static let perSessionNames: Set<String> = ["$Line", "$ScriptCommandLine", "$RecursionLimit", "$IterationLimit", "$OutputSizeLimit"]

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
