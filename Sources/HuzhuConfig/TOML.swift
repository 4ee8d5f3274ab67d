import HuzhuKit

/// A value in a TOML configuration file.
///
/// Only the kinds a daemon configuration needs: no dates, no inline tables, no arrays of tables.
public enum TOMLValue: Sendable, Equatable {
    /// A basic (`"..."`, `"""..."""`) or literal (`'...'`, `'''...'''`) string.
    case string(String)
    /// A 64-bit integer: `42`, `-7`, `1_000`, `0xff`, `0o755`, `0b1010`.
    case integer(Int)
    /// A float: `3.5`, `-0.01`, `6.02e23`, `inf`, `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An array of values, which may span lines, nest, mix kinds and end with a comma.
    case array([TOMLValue])
}

/// A small TOML parser for the daemon's configuration file.
///
/// It reads the subset of TOML 1.0 a configuration needs: comments, `[table]` and `[a.b]` headers, bare,
/// quoted and dotted keys, basic, literal and multi-line strings, integers, floats, booleans and arrays.
/// Dates, inline tables (`{ ... }`) and arrays of tables (`[[...]]`) are refused with a clear message.
public enum TOML {
    /// Parses a document into a flat dictionary keyed by dotted path ("console.address", "plugins.labour.enabled").
    ///
    /// Tables do not appear in the result themselves, only the values under them. A mistake in the text throws
    /// a `HuzhuError` with code `.invalid` and a message of the form
    /// `config line N: <what was wrong>; <the right form>`.
    public static func parse(_ text: String) throws(HuzhuError) -> [String: TOMLValue] {
        var parser = TOMLParser(text)
        return try parser.parseDocument()
    }
}
