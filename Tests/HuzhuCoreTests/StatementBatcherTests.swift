@testable import HuzhuCore
import HuzhuKit
import Synchronization
import Testing

/// `StatementBatcher`: who writes together, and what each caller gets back. The tests wait for callers to
/// queue by watching `queued`; the time limit turns a batcher that never queues them into a failure.
@Suite(.timeLimit(.minutes(1))) struct StatementBatcherTests {
    /// A write that records its batches and holds the first one until `release` is called.
    final class HeldWrite: Sendable {
        let batches = Mutex<[[Int]]>([])
        private let gate = Mutex<(open: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
        let failing: Int?

        init(failing: Int? = nil) { self.failing = failing }

        func write(_ items: [Int]) async throws -> [Int] {
            let first = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if first {
                await withCheckedContinuation { continuation in
                    let open = gate.withLock { gate in
                        if !gate.open { gate.waiter = continuation }
                        return gate.open
                    }
                    if open { continuation.resume() }
                }
            }
            // As a database call does when its task is cancelled.
            if Task.isCancelled { throw CancellationError() }
            if let failing, items.contains(failing) { throw HuzhuError(.unavailable, "batch with \(failing) failed") }
            return items.map { $0 * 10 }
        }

        func release() {
            let waiter = gate.withLock { gate in
                gate.open = true
                defer { gate.waiter = nil }
                return gate.waiter
            }
            waiter?.resume()
        }
    }

    /// Starts item 0 (which leads and is held), then items 1…`count`, and returns once all of those wait.
    func startHeld(_ batcher: StatementBatcher<Int, Int>, _ write: HeldWrite, count: Int,
                   into group: inout ThrowingTaskGroup<(Int, Int), any Error>) async {
        group.addTask { (0, try await batcher.submit(0)) }
        while write.batches.withLock({ $0.count }) == 0 { await Task.yield() }
        for item in 1...count { group.addTask { (item, try await batcher.submit(item)) } }
        while batcher.queued < count { await Task.yield() }
    }

    @Test func callersArrivingDuringAWriteShareTheNextAndEachGetsItsOwnResult() async throws {
        let write = HeldWrite()
        let batcher = StatementBatcher<Int, Int> { try await write.write($0) }
        var results: [Int: Int] = [:]
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            await startHeld(batcher, write, count: 9, into: &group)
            write.release()
            for try await (item, output) in group { results[item] = output }
        }
        #expect(results == Dictionary(uniqueKeysWithValues: (0...9).map { ($0, $0 * 10) }))
        let batches = write.batches.withLock { $0 }
        #expect(batches.map(\.count) == [1, 9], "the nine who queued behind the first write go in one statement: \(batches)")
        #expect(batcher.queued == 0)
        // Idle again: the next caller writes at once, alone.
        #expect(try await batcher.submit(42) == 420)
        #expect(write.batches.withLock { $0.last } == [42])
    }

    @Test func batchesKeepToTheirMaximum() async throws {
        let write = HeldWrite()
        let batcher = StatementBatcher<Int, Int>(maximum: 4) { try await write.write($0) }
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            await startHeld(batcher, write, count: 9, into: &group)
            write.release()
            for try await (item, output) in group { #expect(output == item * 10) }
        }
        #expect(write.batches.withLock { $0.map(\.count) } == [1, 4, 4, 1])
    }

    @Test func aFailedWriteFailsEveryCallerInItsBatchAndOnlyThose() async throws {
        let write = HeldWrite(failing: 3)
        let batcher = StatementBatcher<Int, Int>(maximum: 3) { try await write.write($0) }
        var failed: [Int] = []
        var succeeded: [Int] = []
        await withThrowingTaskGroup(of: (Int, Int).self) { group in
            // Not through startHeld's group: each caller's outcome is collected, failures included.
            await startHeld(batcher, write, count: 5, into: &group)
            write.release()
            while let next = await group.nextResult() {
                switch next {
                case .success(let (item, _)): succeeded.append(item)
                case .failure(let error): failed.append((error as? HuzhuError)?.code == .unavailable ? -1 : -2)
                }
            }
        }
        let batches = write.batches.withLock { $0 }
        let failingBatch = try #require(batches.first { $0.contains(3) })
        #expect(failed == Array(repeating: -1, count: failingBatch.count), "every caller of the failed batch gets its error: \(batches)")
        #expect(Set(succeeded) == Set(0...5).subtracting(failingBatch))
        #expect(try await batcher.submit(7) == 70, "a failed batch leaves the batcher working")
    }

    @Test func aLeaderWhoseCallerIsCancelledStillWritesTheOthersRows() async throws {
        let write = HeldWrite()
        let batcher = StatementBatcher<Int, Int> { try await write.write($0) }
        var succeeded: [Int] = []
        var cancelled = 0
        await withThrowingTaskGroup(of: (Int, Int).self) { group in
            await startHeld(batcher, write, count: 9, into: &group)
            group.cancelAll()  // every caller's task, the next batch's leader among them
            write.release()
            while let next = await group.nextResult() {
                switch next {
                case .success(let (item, output)):
                    #expect(output == item * 10)
                    succeeded.append(item)
                case .failure(let error):
                    #expect(error is CancellationError)
                    cancelled += 1
                }
            }
        }
        // Item 0 wrote alone, in its own (cancelled) task; items 1…9 were written for all of them by a
        // leader whose own task was cancelled too.
        #expect(Set(succeeded) == Set(1...9), "\(succeeded)")
        #expect(cancelled == 1)
    }
}
