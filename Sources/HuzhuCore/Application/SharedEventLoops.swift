import Synchronization

/// Whether Swift Concurrency's tasks run on NIO's singleton event loops, where the PostgreSQL pool runs
/// (set once by huzhud's entry point, before anything else runs): a round trip to the database then does
/// not cross to another pool's threads and back (docs/architecture.md, "Threads").
public enum SharedEventLoops {
    private static let flag = Atomic<Bool>(false)

    public static var installed: Bool {
        get { flag.load(ordering: .acquiring) }
        set { flag.store(newValue, ordering: .releasing) }
    }

    /// On unless `HUZHU_SHARED_EVENT_LOOPS` says `0`, `no`, `false` or `off`.
    public static func wanted(environment: [String: String]) -> Bool {
        !["0", "no", "false", "off"].contains(environment["HUZHU_SHARED_EVENT_LOOPS"]?.lowercased() ?? "")
    }
}
