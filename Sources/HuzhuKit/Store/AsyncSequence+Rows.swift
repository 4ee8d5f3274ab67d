extension AsyncSequence {
    /// The first element, or nil; most queries return one row. Reads the answer to the end even so: with
    /// PostgresNIO, a statement sent after one whose rows were left unread can wait forever if the server
    /// goes away between them (`WriteTransaction.execute`, docs/reliability.md).
    public func firstElement() async throws -> Element? {
        var first: Element?
        for try await element in self where first == nil { first = element }
        return first
    }

    /// Every element, in order (for short answers).
    public func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
