import HuzhuKit
import Synchronization

/// Crops by name, kept a few seconds for the SMS path: every 卖, 收购, 查价 and 订阅 names a crop, and its
/// look-up was a round trip of its own.
///
/// Staff change the catalogue rarely (`MARKET CROP ADD`; crops are never removed). A change made through
/// this daemon clears the cache; any change, through this daemon or another sharing the store, is seen
/// within `freshness` (a look-up already under way when the cache is cleared may keep the old entry).
final class MarketCropCache: Sendable {
    static let freshness: Duration = .seconds(10)
    private let entries = Mutex<[String: (crop: MarketCrop, readAt: ContinuousClock.Instant)]>([:])

    func crop(named name: String) -> MarketCrop? {
        entries.withLock { entries in
            guard let entry = entries[name] else { return nil }
            return ContinuousClock.now - entry.readAt < Self.freshness ? entry.crop : nil
        }
    }

    func keep(_ crop: MarketCrop, as name: String) {
        entries.withLock { $0[name] = (crop, ContinuousClock.now) }
    }

    func clear() {
        entries.withLock { $0.removeAll() }
    }
}
