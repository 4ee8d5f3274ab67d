import Foundation
import HuzhuKit

/// The crops catalogue. Synonyms are kept twice on purpose: in the catalogue (shown to staff) and in the
/// SMS vocabulary (`context.words`, what the parsers read), so a synonym staff add works in SMS at once.
extension MarketStore {
    func crop(_ name: String) async throws -> MarketCrop {
        let canonical = canonicalCrop(name)
        if let known = cropCache.crop(named: canonical) { return known }
        enum CropLookup: PreparedStatementName {}
        let row = try await store.read { connection in
            try await connection.prepared(CropLookup.self,
                "SELECT name, category, default_unit, piece_kg, box_kg, synonyms FROM market_crop WHERE name = \(canonical)",
                logger: logger).decode((String, String, String, Double?, Double?, [String]).self).firstElement()
        }
        guard let (name, category, unit, piece, box, synonyms) = row else {
            throw HuzhuError(.notFound, "no crop '\(name)' in the catalogue: see MARKET CROP LIST, or add it with MARKET CROP ADD",
                             zh: "目录中没有“\(name)”：请看 MARKET CROP LIST，或用 MARKET CROP ADD 添加")
        }
        let crop = MarketCrop(name: name, category: category, defaultUnit: MarketUnit(rawValue: unit) ?? .jin,
                              pieceKilograms: piece, boxKilograms: box, synonyms: synonyms)
        cropCache.keep(crop, as: canonical)
        return crop
    }

    func crops() async throws -> [MarketCrop] {
        try await store.read { connection in
            var crops: [MarketCrop] = []
            let rows = try await connection.query(
                "SELECT name, category, default_unit, piece_kg, box_kg, synonyms FROM market_crop ORDER BY category, name", logger: logger)
            for try await (name, category, unit, piece, box, synonyms) in rows.decode((String, String, String, Double?, Double?, [String]).self) {
                crops.append(MarketCrop(name: name, category: category, defaultUnit: MarketUnit(rawValue: unit) ?? .jin,
                                        pieceKilograms: piece, boxKilograms: box, synonyms: synonyms))
            }
            return crops
        }
    }

    /// Adds a crop, or adds synonyms and weights to an existing one; the synonyms go into the SMS vocabulary.
    func saveCrop(_ crop: MarketCrop, actor: Actor) async throws -> MarketCrop {
        let saved = try await store.write(as: actor, conflict: "crop \(crop.name) clashes with an existing crop") { tx in
            let before = try await tx.first("SELECT row_to_json(c)::text FROM market_crop c WHERE name = \(crop.name)", as: String.self)
            try await tx.execute(
                """
                INSERT INTO market_crop (name, category, default_unit, piece_kg, box_kg, synonyms)
                VALUES (\(crop.name), \(crop.category), \(crop.defaultUnit.rawValue), \(crop.pieceKilograms), \(crop.boxKilograms), \(crop.synonyms))
                ON CONFLICT (name) DO UPDATE SET
                    category = EXCLUDED.category, default_unit = EXCLUDED.default_unit,
                    piece_kg = coalesce(EXCLUDED.piece_kg, market_crop.piece_kg),
                    box_kg = coalesce(EXCLUDED.box_kg, market_crop.box_kg),
                    synonyms = ARRAY(SELECT DISTINCT unnest(market_crop.synonyms || EXCLUDED.synonyms) ORDER BY 1)
                """)
            let after = try await tx.first("SELECT row_to_json(c)::text FROM market_crop c WHERE name = \(crop.name)", as: String.self)
            try await tx.audit(before == nil ? "market.crop.add" : "market.crop.edit", target: "market_crop:\(crop.name)",
                               before: try before.map(Self.decodeJSON), after: try after.map(Self.decodeJSON))
            return true
        }
        _ = saved
        cropCache.clear()
        // The vocabulary is the SMS layer's; it audits its own change. The crop's own name is a word too.
        if !crop.synonyms.isEmpty { try await words.add(.crop, words: crop.synonyms, meaning: crop.name, as: actor) }
        return try await self.crop(crop.name)
    }
}
