import Synchronization

/// Bounds how long store operations wait for a pooled connection, with one shared clock instead of a
/// timer per operation: a timer each (`Task.sleep`) woke Dispatch's timer thread and a worker for every
/// store operation, a fifth of the daemon's CPU under SMS load (docs/benchmarks.md, "SMS intake").
///
/// A ticker looks at the waiting operations four times a second while there are any, so a wait is cut
/// off between `timeout` and `timeout` + 250 ms.
final class ConnectionWaits: Sendable {
    let timeout: Duration
    private let state = Mutex(State())
    private static let tick = Duration.milliseconds(250)

    private struct State {
        var waiting: [ObjectIdentifier: (wait: ConnectionWait, deadline: ContinuousClock.Instant)] = [:]
        var ticking = false
    }

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// A new wait, watched until `obtained` or until it expires.
    func begin() -> ConnectionWait {
        let wait = ConnectionWait()
        let deadline = ContinuousClock.now + timeout
        let startTicker = state.withLock { state in
            state.waiting[ObjectIdentifier(wait)] = (wait, deadline)
            defer { state.ticking = true }
            return !state.ticking
        }
        if startTicker { Task.detached { await self.watch() } }
        return wait
    }

    /// The pool handed `wait`'s operation a connection. False when the wait had already expired: the
    /// caller has been told UNAVAILABLE, so the operation must not run (a gateway that retries would
    /// otherwise write twice). Once this returns true, the work itself is never cut short.
    @discardableResult
    func obtained(_ wait: ConnectionWait) -> Bool {
        let inTime = wait.end(expired: false)
        _ = state.withLock { $0.waiting.removeValue(forKey: ObjectIdentifier(wait)) }
        return inTime
    }

    private func watch() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let expired: [ConnectionWait]? = state.withLock { state in
                if state.waiting.isEmpty {
                    state.ticking = false
                    return nil
                }
                let expired = state.waiting.values.filter { $0.deadline <= now }.map(\.wait)
                for wait in expired { state.waiting.removeValue(forKey: ObjectIdentifier(wait)) }
                return expired
            }
            guard let expired else { return }
            for wait in expired { wait.end(expired: true) }
        }
    }
}

/// One operation's wait for a connection: it ends when the pool hands one over or when the ticker gives
/// up, whichever comes first.
final class ConnectionWait: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Bool, Never>?)
        case ended(expired: Bool)
    }
    private let state = Mutex(State.waiting(nil))

    /// Whether the wait expired before a connection came; returns as soon as either happens (or the
    /// task is cancelled: the operation it watches is being cancelled too).
    func expired() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ended: Bool? = state.withLock { state in
                    switch state {
                    case .ended(let expired): return expired
                    case .waiting:
                        state = .waiting(continuation)
                        return nil
                    }
                }
                if let ended { continuation.resume(returning: ended) }
            }
        } onCancel: {
            _ = end(expired: false)
        }
    }

    /// Ends the wait as `expired` or not, unless it has ended already. Returns how it ended: false when it
    /// ended expired, whichever call ended it.
    @discardableResult
    fileprivate func end(expired: Bool) -> Bool {
        let (outcome, waiter): (Bool, CheckedContinuation<Bool, Never>?) = state.withLock { state in
            switch state {
            case .ended(let already): return (!already, nil)
            case .waiting(let continuation):
                state = .ended(expired: expired)
                return (!expired, continuation)
            }
        }
        waiter?.resume(returning: expired)
        return outcome
    }
}
