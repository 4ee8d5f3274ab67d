import Foundation
import HuzhuCore
import ArgumentParser
import NIOCore
import NIOPosix

/// Before anything else: Swift tasks run on the same event loops as the PostgreSQL pool, so a command
/// awaiting the database resumes on the loop that read the answer instead of waking a thread of a second
/// pool (docs/architecture.md, "Threads"). `HUZHU_SHARED_EVENT_LOOPS=0` turns it off.
@main
enum HuzhudEntry {
    static func main() async {
        if SharedEventLoops.wanted(environment: ProcessInfo.processInfo.environment) {
            SharedEventLoops.installed = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await Huzhud.main()
    }
}
