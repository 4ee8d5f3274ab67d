import Synchronization

/// Whether Swift Concurrency's tasks run on NIO's singleton event loops (set once by huzhud's entry point,
/// before anything else runs). When they do, the console serves on those loops too, as the PostgreSQL pool
/// already does: one set of threads, so a round trip to the database does not cross to another pool twice.
public enum SharedEventLoops {
    private static let flag = Atomic<Bool>(false)

    public static var installed: Bool {
        get { flag.load(ordering: .acquiring) }
        set { flag.store(newValue, ordering: .releasing) }
    }

    /// On unless `HUZHU_SHARED_EVENT_LOOPS` says `0`, `no` or `false`.
    public static func wanted(environment: [String: String]) -> Bool {
        !["0", "no", "false", "off"].contains(environment["HUZHU_SHARED_EVENT_LOOPS"]?.lowercased() ?? "")
    }
}
