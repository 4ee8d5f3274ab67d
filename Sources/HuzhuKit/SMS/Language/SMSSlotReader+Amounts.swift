/// A quantity of produce: `2000斤` → 2000 `jin`.
public struct SMSQuantity: Sendable, Equatable {
    public var value: Double
    /// A unit code of the vocabulary (`jin`, `kg`, `t`, `piece`, `box`).
    public var unit: String

    public init(value: Double, unit: String) {
        self.value = value
        self.unit = unit
    }
}

/// A price in yuan, per a unit when one was written (`3.5元/斤` → 3.5 per `jin`; `3块` → 3, no unit).
public struct SMSPrice: Sendable, Equatable {
    public var yuan: Double
    /// The unit code the price is per, when written.
    public var perUnit: String?

    public init(yuan: Double, perUnit: String? = nil) {
        self.yuan = yuan
        self.perUnit = perUnit
    }

    /// The price per `unit`, converting between weights (1 t = 1000 kg = 2000 斤); nil when the price is
    /// per another kind of unit (`元/箱` for a quantity in 斤). Without a written unit, the price is taken
    /// to be per `unit`.
    public func yuan(per unit: String) -> Double? {
        guard let perUnit, perUnit != unit else { return yuan }
        guard let from = Self.jinPerUnit[perUnit], let to = Self.jinPerUnit[unit] else { return nil }
        return (yuan / from * to * 100).rounded() / 100
    }

    /// Weight units in 斤 (half-kilograms).
    public static let jinPerUnit: [String: Double] = ["jin": 1, "kg": 2, "t": 2000]
}

extension SMSSlotReader {
    /// Words that count people after a number: `3人`, `三个人`, `两位`, `3名`, `3 people`.
    public static let peopleWords = ["个人", "个工人", "工人", "个工", "人", "位", "名", "口人", "口", "people", "persons", "person", "ppl", "workers", "worker", "p"]
    /// Words that count banquet tables: `15桌`, `15席`, `15 tables`.
    public static let tableWords = ["桌", "席", "tables", "table"]
    /// Words that count rating stars: `5星`, `五颗星`, `5分`, `5 stars`, `5*`.
    public static let starWords = ["颗星", "星", "分", "stars", "star", "*"]
    /// Words for the 亩 (mu), the Chinese land measure.
    public static let areaWords = ["亩", "mu"]

    /// Takes the first area in 亩: `5亩`, `五亩半` (5.5), `半亩` (0.5), `5亩3分` (5.3: ten 分 make a 亩),
    /// `5.5 mu`. Returns the number of mu.
    public mutating func takeArea() -> Double? {
        let words = SMSWordMatch.fold(Self.areaWords)
        guard let found = amount(unit: { reader, position in reader.match(words, at: position).map { ("mu", $0) } }, tenths: "分")
        else { return nil }
        consume(found.range)
        return found.value
    }

    /// Takes the first number followed by one of `words` (`3人`, `15桌`), allowing a space between and a
    /// `半` after. Returns the number as written; callers check it is whole and in range.
    public mutating func takeCount(_ words: [String]) -> Double? {
        let folded = SMSWordMatch.fold(words)
        guard let found = amount(unit: { reader, position in reader.match(folded, at: position).map { ("", $0) } }, tenths: nil)
        else { return nil }
        consume(found.range)
        return found.value
    }

    /// Takes the first quantity with a unit of the vocabulary: `2000斤`, `2000 斤`, `两吨`, `1万斤`,
    /// `一吨半`, `半斤`, `3吨多`, `500 kg`, `2千克`.
    public mutating func takeQuantity() -> SMSQuantity? {
        let units = vocabulary.units
        guard let found = amount(unit: { reader, position in units.match(in: reader.folded, at: position).map { ($0.canonical, $0.length) } }, tenths: nil)
        else { return nil }
        consume(found.range)
        return SMSQuantity(value: found.value, unit: found.code)
    }

    /// Takes the first price in yuan: `3元`, `3块`, `3块钱`, `三块五` (3.5), `3元5角`, `5毛` (0.5),
    /// `3.5元/斤`, `3元一斤`, `3块5一斤`, `每斤3元`, `每斤3`, `一斤三块五`, `一斤200`, `单价3`, `价格3.5`, `¥3`, `3 yuan`.
    public mutating func takePrice() -> SMSPrice? {
        for position in characters.indices {
            if let found = price(at: position) {
                consume(position..<found.end)
                return found.price
            }
        }
        return nil
    }

    // MARK: - Amounts

    /// The first `number [多] [space] unit [半|多]` (or `半 unit`), as value, unit code and range.
    private func amount(
        unit: (SMSSlotReader, Int) -> (code: String, length: Int)?, tenths: Character?
    ) -> (value: Double, code: String, range: Range<Int>)? {
        for position in characters.indices {
            var candidates: [(value: Double, end: Int)] = []
            if characters[position] == "半", position == 0 || !SMSNumber.isNumeral(characters[position - 1]) {
                candidates.append((0.5, position + 1))
            } else if let token = number(at: position) {
                candidates.append((token.value, token.range.upperBound))
                // 2千克: the multiplier may begin the unit instead.
                if token.range.count > 1, SMSNumber.multiplier(characters[token.range.upperBound - 1]) != nil,
                    let shorter = number(at: position, limit: token.range.upperBound - 1)
                {
                    candidates.append((shorter.value, shorter.range.upperBound))
                }
            }
            for candidate in candidates {
                var next = candidate.end
                if next < characters.count, Self.approximately.contains(characters[next]) { next += 1 }
                next = skipSpaces(next)
                guard let found = unit(self, next) else { continue }
                var value = candidate.value
                next += found.length
                if next < characters.count, characters[next] == "半" {
                    value += 0.5
                    next += 1
                } else if let tenths, next < characters.count, let digit = digitValue(at: next), next + 1 < characters.count,
                    characters[next + 1] == tenths
                {
                    value += Double(digit) / 10
                    next += 2
                } else if next < characters.count, Self.approximately.contains(characters[next]) {
                    next += 1
                }
                return (value, found.code, position..<next)
            }
        }
        return nil
    }

    private func digitValue(at position: Int) -> Int? {
        let character = characters[position]
        if SMSText.isDigit(character) { return Int(String(character)) }
        return SMSNumber.chineseDigit(character)
    }

    /// `2000多斤`, `3吨多`: "a little more than", read as the number.
    static let approximately: Set<Character> = ["多", "来", "余"]

    // MARK: - Prices

    private func price(at position: Int) -> (price: SMSPrice, end: Int)? {
        // 每斤3元, 每斤 3元; 一斤三块五, 1斤3元 (with 一/1 the money must follow at once and carry no unit of its
        // own, so that 1吨 1.5元/斤 stays a quantity and a price).
        let isEach = match(Self.eachWords, at: position)
        let isOne = isEach == nil && (characters[position] == "一" || characters[position] == "1") && number(at: position)?.range.count == 1
        if let length = isEach ?? (isOne ? 1 : nil) {
            let unitStart = skipSpaces(position + length)
            if let unit = vocabulary.units.match(in: folded, at: unitStart) {
                let moneyStart = isOne ? unitStart + unit.length : skipSpaces(unitStart + unit.length)
                if let money = money(at: moneyStart, bare: isEach != nil || characters[position] == "一"), !isOne || perUnit(at: money.end) == nil {
                    return (SMSPrice(yuan: money.yuan, perUnit: unit.canonical), money.end)
                }
            }
        }
        // 单价3, 价格3.5元, ¥3
        if let length = match(Self.priceMarkers, at: position) {
            var start = skipSpaces(position + length)
            if start < characters.count, characters[start] == "是" || characters[start] == "为" || characters[start] == "=" {
                start = skipSpaces(start + 1)
            }
            if let money = money(at: start, bare: true) {
                let per = perUnit(at: money.end)
                return (SMSPrice(yuan: money.yuan, perUnit: per?.unit), per?.end ?? money.end)
            }
        }
        // 3元, 3块5, 3.5元/斤, 3元一斤
        if let money = money(at: position, bare: false) {
            let per = perUnit(at: money.end)
            return (SMSPrice(yuan: money.yuan, perUnit: per?.unit), per?.end ?? money.end)
        }
        return nil
    }

    /// `/斤`, `一斤`, `每斤`, `per kg` after a price.
    private func perUnit(at position: Int) -> (unit: String, end: Int)? {
        let start = skipSpaces(position)
        guard start < characters.count else { return nil }
        var length: Int?
        if characters[start] == "/" || characters[start] == "1" { length = 1 } else { length = match(Self.perWords, at: start) }
        guard let length else { return nil }
        let unitStart = skipSpaces(start + length)
        guard let unit = vocabulary.units.match(in: folded, at: unitStart) else { return nil }
        return (unit.canonical, unitStart + unit.length)
    }

    /// An amount of money at `position`: `3元`, `3块5`, `三块五毛钱`, `5毛`; with `bare`, a number alone too.
    private func money(at position: Int, bare: Bool) -> (yuan: Double, end: Int)? {
        guard let token = number(at: position) else { return nil }
        var next = skipSpaces(token.range.upperBound)
        if let length = match(Self.yuanWords, at: next) {
            var yuan = token.value
            next += length
            // 三块五, 3元5角, 三块五毛: a digit after 元/块 is tenths (unless a unit follows: 3元1斤).
            if next < characters.count, let digit = digitValue(at: next) {
                let after = next + 1
                let isJiao = after < characters.count && (characters[after] == "角" || characters[after] == "毛")
                // 3元50斤 is 3 yuan and 50 斤, but in 3块5一斤 the 一斤 says what the price is per.
                let moreDigits = after < characters.count && (SMSText.isDigit(characters[after]) || SMSNumber.chineseDigit(characters[after]) != nil)
                    && perUnit(at: after) == nil
                let unitFollows = vocabulary.units.match(in: folded, at: skipSpaces(after)) != nil
                if isJiao || (!moreDigits && !unitFollows) {
                    yuan += Double(digit) / 10
                    next = isJiao ? after + 1 : after
                }
            }
            if next < characters.count, characters[next] == "钱" { next += 1 }
            return ((yuan * 100).rounded() / 100, next)
        }
        if next < characters.count, characters[next] == "角" || characters[next] == "毛" {
            next += 1
            if next < characters.count, characters[next] == "钱" { next += 1 }
            return ((token.value * 10).rounded() / 100, next)
        }
        if bare, vocabulary.units.match(in: folded, at: next) == nil {
            return (token.value, token.range.upperBound)  // 单价3, but not 一箱30个
        }
        return nil
    }

    static let perWords = SMSWordMatch.fold(["每", "一", "per", "a"])
    static let eachWords = SMSWordMatch.fold(["每", "per"])
    static let yuanWords = SMSWordMatch.fold(["块钱", "元钱", "块", "元", "圆", "yuan", "rmb"])
    static let priceMarkers = SMSWordMatch.fold(["单价", "价格", "价钱", "售价", "收购价", "价", "¥", "￥", "@", "price"])
}
