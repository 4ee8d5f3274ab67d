extension SMSSlotReader {
    /// Takes the first date in the text and resolves it against the day the message arrived, in the
    /// context's time zone, by the rules of `SMSDateRules`.
    ///
    /// Understood: `今天` `明天` `后天` `大后天` `3天后`, `明后天` (tomorrow or the day after: the earlier); `周三` `星期三` `礼拜三` `周日` `星期天` `周3`;
    /// `下周一` `下个星期五` `下下周二` `这周五` `本周日`; `12号` `12日` `下个月5号` `本月20号`; `6月12日` `6月12号`
    /// `6月12` `六月十二号` `2026年6月12日`; `6/12` `6.12` `6-12` `2026-06-12`; in ASCII `today` `tomorrow`
    /// `tmr` `mon`…`sunday` `next mon`; the fixed holidays `国庆` `十一` (October 1), `元旦` (January 1),
    /// `五一` `劳动节` (May 1), the next one, today included. Lunar dates (`腊月初八`, `春节`) are not understood.
    ///
    /// Throws `invalid("date")` for a day that does not exist (`6月31日`) or is already past where the
    /// rules do not move it (`这周一` on a Wednesday, `2025年6月1日`).
    public mutating func takeDate(_ context: SMSParseContext) throws(SMSSlotError) -> SMSDay? {
        let today = SMSDay(context.receivedAt, in: context.timeZone)
        for position in characters.indices {
            if let found = try date(at: position, today: today) {
                consume(position..<found.end)
                return found.day
            }
        }
        return nil
    }

    private func date(at position: Int, today: SMSDay) throws(SMSSlotError) -> (day: SMSDay, end: Int)? {
        // 今天 明天 后天 大后天, today tomorrow
        for (word, days) in Self.relativeDays where SMSWordMatch.matches(word, in: folded, at: position) {
            return (SMSDateRules.relative(days, today: today), position + word.count)
        }
        if let found = try weekday(at: position, today: today) { return found }
        if let found = try monthRelativeDay(at: position, today: today) { return found }
        if let found = numericDate(at: position, today: today) {
            guard let day = found.day else { throw Self.pastOrMissing(found.text) }
            return (day, found.end)
        }
        if let found = try numberedDate(at: position, today: today) { return found }
        if let found = holiday(at: position, today: today) { return found }
        return nil
    }

    // MARK: 国庆, 元旦, 五一

    /// Fixed-date holidays: the next such day, today included. `十一` and `五一` count only standing alone
    /// (not `十一号`, `十一人`). Lunar holidays (春节, 端午, 中秋) are not understood.
    private func holiday(at position: Int, today: SMSDay) -> (day: SMSDay, end: Int)? {
        for (word, month, day) in Self.holidays where SMSWordMatch.matches(word, in: folded, at: position) {
            let end = position + word.count
            if SMSNumber.chineseDigit(word[0]) != nil || SMSNumber.multiplier(word[0]) != nil {
                if position > 0, SMSNumber.isNumeral(characters[position - 1]) { continue }
                if end < characters.count, SMSNumber.isNumeral(characters[end]) || Self.measureCharacters.contains(characters[end])
                    || characters[end] == "号" || characters[end] == "日" || SMSText.isDigit(characters[end])
                {
                    continue
                }
            }
            guard let resolved = SMSDateRules.nextMonthDay(month: month, day: day, today: today) else { continue }
            return (resolved, end)
        }
        return nil
    }

    // MARK: Weekdays

    private func weekday(at position: Int, today: SMSDay) throws(SMSSlotError) -> (day: SMSDay, end: Int)? {
        var next = position
        var weeksAhead: Int?
        if let (word, weeks) = Self.weekPrefixes.first(where: { SMSWordMatch.matches($0.word, in: folded, at: position) }) {
            weeksAhead = weeks
            next += word.count
            if SMSText.isASCIILetter(word[0]) { next = skipSpaces(next) }
        }
        var weekday: Int?
        if let length = match(Self.weekWords, at: next) {
            let dayPosition = next + length
            guard dayPosition < characters.count else { return nil }
            let character = characters[dayPosition]
            switch character {
            case "一": weekday = 1
            case "二": weekday = 2
            case "三": weekday = 3
            case "四": weekday = 4
            case "五": weekday = 5
            case "六": weekday = 6
            case "日", "天", "七": weekday = 7
            case "1"..."7" where !(dayPosition + 1 < characters.count && SMSText.isDigit(characters[dayPosition + 1])):
                weekday = Int(String(character))
            default: return nil
            }
            next = dayPosition + 1
        } else if let (word, day) = Self.englishWeekdays.first(where: { SMSWordMatch.matches($0.word, in: folded, at: next) }) {
            weekday = day
            next += word.count
        } else {
            return nil
        }
        guard let weekday else { return nil }
        switch weeksAhead {
        case nil:
            return (SMSDateRules.nextWeekday(weekday, today: today), next)
        case 0?:
            let day = SMSDateRules.weekday(weekday, weeksAhead: 0, today: today)
            guard day >= today else {
                throw SMSSlotError.invalid("date", LocalizedText(en: "that day of this week is past", zh: "本周这一天已过"))
            }
            return (day, next)
        case let weeks?:
            return (SMSDateRules.weekday(weekday, weeksAhead: weeks, today: today), next)
        }
    }

    // MARK: 下个月5号, 本月20号, 3天后

    private func monthRelativeDay(at position: Int, today: SMSDay) throws(SMSSlotError) -> (day: SMSDay, end: Int)? {
        if let (word, monthsAhead) = Self.monthPrefixes.first(where: { SMSWordMatch.matches($0.word, in: folded, at: position) }) {
            let start = skipSpaces(position + word.count)
            guard let token = number(at: start), let dayOfMonth = token.integer else { return nil }
            var end = skipSpaces(token.range.upperBound)
            guard end < characters.count, characters[end] == "号" || characters[end] == "日" else { return nil }
            end += 1
            var year = today.year
            var month = today.month + monthsAhead
            if month > 12 { month -= 12; year += 1 }
            guard let day = SMSDay(year: year, month: month, day: dayOfMonth) else {
                throw SMSSlotError.invalid("date", LocalizedText(en: "no such day", zh: "没有\(month)月\(dayOfMonth)日"))
            }
            guard day >= today else { throw Self.pastOrMissing("\(month)月\(dayOfMonth)日") }
            return (day, end)
        }
        // 3天后, 两天以后
        guard let token = number(at: position), let days = token.integer, days >= 0, days < 366 else { return nil }
        var end = skipSpaces(token.range.upperBound)
        guard end < characters.count, characters[end] == "天" else { return nil }
        end += 1
        guard let length = match(Self.afterWords, at: end) else { return nil }
        return (SMSDateRules.relative(days, today: today), end + length)
    }

    // MARK: 6/12, 6.12, 6-12, 2026-06-12

    private func numericDate(at position: Int, today: SMSDay) -> (day: SMSDay?, end: Int, text: String)? {
        guard position < characters.count, SMSText.isDigit(characters[position]) else { return nil }
        if position > 0, SMSText.isDigit(characters[position - 1]) || characters[position - 1] == "." { return nil }
        var parts: [String] = []
        var separator: Character?
        var next = position
        while next < characters.count {
            var digits = ""
            while next < characters.count, SMSText.isDigit(characters[next]) {
                digits.append(characters[next])
                next += 1
            }
            guard !digits.isEmpty else { return nil }
            parts.append(digits)
            guard next + 1 < characters.count, parts.count < 3 else { break }
            let character = characters[next]
            guard character == "/" || character == "." || character == "-", separator == nil || separator == character,
                SMSText.isDigit(characters[next + 1])
            else { break }
            separator = character
            next += 1
        }
        guard parts.count >= 2 else { return nil }
        // Not a date when a measure follows (5.5亩, 3.5元) or more digits do.
        let after = skipSpaces(next)
        if after < characters.count {
            if characters[after] == "." || characters[after] == "/" || characters[after] == "-" { return nil }
            if match(measureWords, at: after) != nil { return nil }
        }
        let numbers = parts.compactMap { Int($0) }
        let year: Int?
        let month: Int
        let dayOfMonth: Int
        if parts.count == 3 {
            guard parts[0].count == 4 else { return nil }
            (year, month, dayOfMonth) = (numbers[0], numbers[1], numbers[2])
        } else {
            guard parts[0].count <= 2, parts[1].count <= 2 else { return nil }
            (year, month, dayOfMonth) = (nil, numbers[0], numbers[1])
        }
        guard (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
        let text = "\(month)月\(dayOfMonth)日"
        return (resolve(year: year, month: month, day: dayOfMonth, today: today), next, text)
    }

    // MARK: 6月12日, 2026年6月12日, 12号

    private func numberedDate(at position: Int, today: SMSDay) throws(SMSSlotError) -> (day: SMSDay, end: Int)? {
        guard let first = number(at: position), let firstValue = first.integer else { return nil }
        var next = skipSpaces(first.range.upperBound)
        guard next < characters.count else { return nil }
        var year: Int?
        var monthToken = first
        if characters[next] == "年" {
            year = firstValue < 100 ? 2000 + firstValue : firstValue
            next = skipSpaces(next + 1)
            guard let token = number(at: next) else { return nil }
            monthToken = token
            next = skipSpaces(token.range.upperBound)
            guard next < characters.count, characters[next] == "月" else { return nil }
        }
        if characters[next] == "月" {
            guard let month = monthToken.integer else { return nil }
            let dayStart = skipSpaces(next + 1)
            guard let dayToken = number(at: dayStart), let dayOfMonth = dayToken.integer else { return nil }
            var end = dayToken.range.upperBound
            let suffix = skipSpaces(end)
            if suffix < characters.count, characters[suffix] == "日" || characters[suffix] == "号" {
                end = suffix + 1
            } else if suffix < characters.count, match(measureWords, at: suffix) != nil {
                return nil  // 6月12人: not a date
            }
            let text = "\(month)月\(dayOfMonth)日"
            guard (1...12).contains(month), (1...31).contains(dayOfMonth) else {
                throw SMSSlotError.invalid("date", LocalizedText(en: "no such day", zh: "没有\(text)"))
            }
            guard let day = resolve(year: year, month: month, day: dayOfMonth, today: today) else {
                throw Self.pastOrMissing(text, year: year)
            }
            return (day, end)
        }
        guard year == nil, characters[next] == "号" || characters[next] == "日" else { return nil }
        guard let day = SMSDateRules.nextDayOfMonth(firstValue, today: today) else {
            throw SMSSlotError.invalid("date", LocalizedText(en: "no such day of the month", zh: "没有\(firstValue)号"))
        }
        return (day, next + 1)
    }

    private func resolve(year: Int?, month: Int, day: Int, today: SMSDay) -> SMSDay? {
        if let year {
            guard let exact = SMSDay(year: year, month: month, day: day), exact >= today else { return nil }
            return exact
        }
        return SMSDateRules.nextMonthDay(month: month, day: day, today: today)
    }

    private static func pastOrMissing(_ text: String, year: Int? = nil) -> SMSSlotError {
        year == nil
            ? SMSSlotError.invalid("date", LocalizedText(en: "no such day", zh: "没有\(text)"))
            : SMSSlotError.invalid("date", LocalizedText(en: "the day is past or does not exist", zh: "\(text)已过或不存在"))
    }

    static let grammarMeasureWords = SMSWordMatch.fold([
        "亩", "mu", "人", "位", "名", "桌", "席", "星", "分", "元", "块", "角", "毛", "people", "ppl", "p", "tables", "table",
        "stars", "star", "yuan", "rmb",
    ])

    static let relativeDays: [(word: [Character], days: Int)] = [
        ("大后天", 3), ("明后天", 1), ("后天", 2), ("明天", 1), ("明日", 1), ("明儿", 1), ("今天", 0), ("今日", 0), ("今儿", 0),
        ("tomorrow", 1), ("tmr", 1), ("today", 0),
    ].map { (Array($0.0), $0.1) }

    static let weekPrefixes: [(word: [Character], weeks: Int)] = [
        ("下下个", 2), ("下下", 2), ("下个", 1), ("下", 1), ("这个", 0), ("这", 0), ("本", 0), ("next", 1), ("this", 0),
    ].map { (Array($0.0), $0.1) }

    static let weekWords = SMSWordMatch.fold(["星期", "礼拜", "周"])

    static let englishWeekdays: [(word: [Character], day: Int)] = [
        ("monday", 1), ("mon", 1), ("tuesday", 2), ("tues", 2), ("tue", 2), ("wednesday", 3), ("wed", 3),
        ("thursday", 4), ("thurs", 4), ("thur", 4), ("thu", 4), ("friday", 5), ("fri", 5), ("saturday", 6), ("sat", 6),
        ("sunday", 7), ("sun", 7),
    ].map { (Array($0.0), $0.1) }

    static let monthPrefixes: [(word: [Character], months: Int)] = [
        ("下个月", 1), ("下月", 1), ("本月", 0), ("这个月", 0), ("这月", 0),
    ].map { (Array($0.0), $0.1) }

    static let afterWords = SMSWordMatch.fold(["以后", "之后", "后"])

    static let holidays: [(word: [Character], month: Int, day: Int)] = [
        ("国庆节", 10, 1), ("国庆", 10, 1), ("十一", 10, 1), ("元旦", 1, 1), ("劳动节", 5, 1), ("五一", 5, 1),
    ].map { (Array($0.0), $0.1, $0.2) }
}
