import HuzhuKit

/// The cultural association's SMS intents: list events, sign up, book a wedding or funeral service.
///
/// Parsers only; the plugin wires its handlers with `intents(vocabulary:handle:)` (one handler switching
/// on `request.intent`) or `SMSIntent.replacingHandler`.
public enum CultureSMS {
    public static let list = "culture.list"
    public static let join = "culture.join"
    public static let book = "culture.book"

    public static let listExample = "活动"
    public static let joinExample = "报名 7 2人"
    public static let bookExample = "预约 婚宴 10月1日 15桌"

    /// The three intents, reading with `vocabulary()` at each message.
    public static func intents(
        vocabulary: @escaping @Sendable () -> SMSVocabulary = { .standard },
        handle: @escaping @Sendable (SMSRequest) async throws -> LocalizedText = SMSIntent.unhandled
    ) -> [SMSIntent] {
        [
            SMSIntent(
                list, keywords: ["活动"], aliases: ["EVENTS"], example: listExample,
                parse: { text, context in try parseList(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                join, keywords: ["报名"], aliases: ["JOIN"], example: joinExample,
                parse: { text, context in try parseJoin(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                book, keywords: ["预约"], aliases: ["BOOK"], example: bookExample,
                parse: { text, context in try parseBook(text, context, vocabulary: vocabulary()) }, handle: handle),
        ]
    }

    /// `活动`, `EVENTS`: no slots. Words after it (`活动 最近`) are ignored: listing is harmless.
    public static func parseList(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        [:]
    }

    /// `报名 7 2人`, `报名7号 两个人`, `JOIN 7 2`: `event` and `people` (default 1).
    ///
    /// People: `2人`, `两个人`, `2位`, `全家4口`, `2 people`; otherwise, of two numbers standing alone, the
    /// first is the event and the second the people.
    public static func parseJoin(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        do throws(SMSSlotError) {
            var reader = SMSSlotReader(text, vocabulary: vocabulary)
            var peopleValue = reader.takeCount(SMSSlotReader.peopleWords)
            guard let event = reader.takeInteger() else { throw SMSSlotError.missing(["event"]) }
            guard event > 0 else { throw SMSSlotError.invalid("event", LocalizedText(en: "must be more than 0", zh: "应大于0")) }
            if peopleValue == nil { peopleValue = reader.takeInteger().map(Double.init) }
            let people = try SMSSlots.whole(peopleValue, slot: "people", in: 1...50) ?? 1
            var slots = SMSSlots()
            slots.set("event", event)
            slots.set("people", people)
            return slots.json
        } catch {
            throw error.with(example: joinExample)
        }
    }

    /// `预约 婚宴 10月1日 15桌` in any order: `service` (`wedding` or `funeral`, from the vocabulary:
    /// `婚礼`, `结婚`, `办喜酒` … / `丧事`, `白事`, `老人过世` …), `date`, `tables` (optional: `15桌`, `15席`).
    public static func parseBook(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        do throws(SMSSlotError) {
            var reader = SMSSlotReader(text, vocabulary: vocabulary)
            let date = try reader.takeDate(context)
            let tables = try SMSSlots.whole(reader.takeCount(SMSSlotReader.tableWords), slot: "tables", in: 1...200)
            let service = reader.takeWord(from: vocabulary.services)
            let missing = [service == nil ? "service" : nil, date == nil ? "date" : nil].compactMap { $0 }
            guard missing.isEmpty else { throw SMSSlotError.missing(missing) }
            var slots = SMSSlots()
            slots.set("service", service)
            slots.set("date", date)
            slots.set("tables", tables)
            return slots.json
        } catch {
            throw error.with(example: bookExample)
        }
    }
}
