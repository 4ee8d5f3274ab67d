// The SDK's store API is PostgresNIO's: plugins write `tx.query("… \(value)")` (values become bind
// parameters) and decode rows with `rows.decode((Int, String).self)`. Re-exported so that a plugin's
// only dependency stays HuzhuKit. Metrics and Logging likewise.
@_exported import Logging
@_exported import Metrics
@_exported import PostgresNIO
