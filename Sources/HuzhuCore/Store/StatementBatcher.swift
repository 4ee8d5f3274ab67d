import HuzhuKit
import Synchronization

/// Writes what concurrent callers submit together, one statement (one round trip, one commit) per batch.
///
/// No timer: the first caller to find nothing being written writes at once, alone (an idle hub adds no
/// delay). Callers who arrive while a batch is being written queue up; when it is done, the first of them
/// writes everything queued by then. Under SMS load each message's intake row and reply were a statement
/// and a commit of their own; leaving the reply's out altogether, in an experiment, raised throughput by
/// 15 % (docs/benchmarks.md, "SMS intake").
///
/// Every caller waits until its own item is written, so "stored before answered" holds item by item. A
/// batch that fails fails all its callers with the same error; callers should only batch writes that can
/// fail only together (the database being unreachable), not rows that can break a constraint alone.
final class StatementBatcher<Item: Sendable, Output: Sendable>: Sendable {
    typealias Write = @Sendable ([Item]) async throws -> [Output]

    private enum Turn {
        case lead
        case done(Result<Output, any Error>)
    }

    private struct Waiter {
        let item: Item
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var writing = false
        var queue: [Waiter] = []
    }

    private let state = Mutex(State())
    private let maximum: Int
    private let write: Write

    /// `write` gets up to `maximum` items and returns one output per item, in order.
    init(maximum: Int = 64, write: @escaping Write) {
        precondition(maximum >= 1)
        self.maximum = maximum
        self.write = write
    }

    /// How many callers wait for the batch being written to finish (for tests).
    var queued: Int { state.withLock { $0.queue.count } }

    func submit(_ item: Item) async throws -> Output {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leads: Bool = state.withLock { state in
                if state.writing {
                    state.queue.append(Waiter(item: item, continuation: continuation))
                    return false
                }
                state.writing = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result): return try result.get()
        case .lead: return try await lead(with: item)
        }
    }

    /// Writes `own` and whatever is queued, answers the queued callers, then hands the turn to the next.
    private func lead(with own: Item) async throws -> Output {
        let others: [Waiter] = state.withLock { state in
            let taken = Array(state.queue.prefix(maximum - 1))
            state.queue.removeFirst(taken.count)
            return taken
        }
        let items = [own] + others.map(\.item)
        let write = self.write
        let checkedWrite: @Sendable () async throws -> [Output] = {
            let outputs = try await write(items)
            guard outputs.count == items.count else {
                throw HuzhuError(.internal, "a batch of \(items.count) writes returned \(outputs.count) results")
            }
            return outputs
        }
        let result: Result<[Output], any Error>
        if others.isEmpty {
            do { result = .success(try await checkedWrite()) } catch { result = .failure(error) }
        } else {
            // In a task of its own: the leader's cancellation (its client went away, the hub stopping) must
            // not fail the others' rows.
            result = await Task { try await checkedWrite() }.result
        }
        for (index, waiter) in others.enumerated() {
            waiter.continuation.resume(returning: .done(result.map { $0[index + 1] }))
        }
        handOver()
        return try result.get()[0]
    }

    /// The next queued caller leads the next batch; with nobody queued the batcher goes idle.
    private func handOver() {
        let next: Waiter? = state.withLock { state in
            if state.queue.isEmpty {
                state.writing = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
    }
}

