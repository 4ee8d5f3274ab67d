import HuzhuKit

/// The industry association's SMS intents: ask for hands, take a job, finish it, rate it.
///
/// Parsers only; the plugin wires its handlers with `intents(vocabulary:handle:)` (one handler switching
/// on `request.intent`) or `SMSIntent.replacingHandler`.
public enum LabourSMS {
    public static let request = "labour.request"
    public static let accept = "labour.accept"
    public static let done = "labour.done"
    public static let rate = "labour.rate"

    public static let requestExample = "找人 插秧 5亩 6月12日 3人"
    public static let acceptExample = "接 12"
    public static let doneExample = "完工 12"
    public static let rateExample = "评 12 5"

    /// The four intents, reading with `vocabulary()` at each message.
    public static func intents(
        vocabulary: @escaping @Sendable () -> SMSVocabulary = { .standard },
        handle: @escaping @Sendable (SMSRequest) async throws -> LocalizedText = SMSIntent.unhandled
    ) -> [SMSIntent] {
        [
            SMSIntent(
                request, keywords: ["找人", "请人", "雇人"], aliases: ["WORK"], example: requestExample,
                parse: { text, context in try parseRequest(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                accept, keywords: ["接", "接活"], aliases: ["OK"], example: acceptExample,
                parse: { text, context in try parseAccept(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                done, keywords: ["完工", "完成"], aliases: ["DONE"], example: doneExample,
                parse: { text, context in try parseDone(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                rate, keywords: ["评", "评价"], aliases: ["RATE"], example: rateExample,
                parse: { text, context in try parseRate(text, context, vocabulary: vocabulary()) }, handle: handle),
        ]
    }

    /// `找人 插秧 5亩 6月12日 3人` in any order, spaces optional: `task` (a task code of the vocabulary),
    /// `area_mu` (optional), `date`, `crew` (default 1).
    ///
    /// People: `3人`, `三个人`, `两位`, `3名`, `3个`, `3 people`; a number standing alone, when no people
    /// count was written, is the crew (`WORK plough 6/12 3`). Other leftover words are ignored.
    public static func parseRequest(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        do throws(SMSSlotError) {
            var reader = SMSSlotReader(text, vocabulary: vocabulary)
            let date = try reader.takeDate(context)
            let area = try SMSSlots.positive(reader.takeArea(), slot: "area_mu")
            var crewValue = reader.takeCount(SMSSlotReader.peopleWords + ["个"])
            let task = reader.takeWord(from: vocabulary.tasks)
            if crewValue == nil { crewValue = reader.takeInteger().map(Double.init) }
            let crew = try SMSSlots.whole(crewValue, slot: "crew", in: 1...99) ?? 1
            let missing = [task == nil ? "task" : nil, date == nil ? "date" : nil].compactMap { $0 }
            guard missing.isEmpty else { throw SMSSlotError.missing(missing) }
            var slots = SMSSlots()
            slots.set("task", task)
            slots.set("area_mu", area)
            slots.set("date", date)
            slots.set("crew", crew)
            return slots.json
        } catch {
            throw error.with(example: requestExample)
        }
    }

    /// `接 12`, `接活12号`, `OK 12`: `job`.
    public static func parseAccept(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        try job(text, vocabulary: vocabulary, example: acceptExample)
    }

    /// `完工 12`, `完成12号`, `DONE 12`: `job`.
    public static func parseDone(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        try job(text, vocabulary: vocabulary, example: doneExample)
    }

    /// `评 12 5`, `评价12号 五星`, `RATE 12 5`: `job` and `stars` (1–5).
    ///
    /// Stars are the number with `星`, `颗星`, `分` or `*`; otherwise, of two numbers standing alone, the
    /// first is the job and the second the stars.
    public static func parseRate(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        do throws(SMSSlotError) {
            var reader = SMSSlotReader(text, vocabulary: vocabulary)
            var starsValue = reader.takeCount(SMSSlotReader.starWords)
            let job = reader.takeInteger()
            if starsValue == nil { starsValue = reader.takeInteger().map(Double.init) }
            let missing = [job == nil ? "job" : nil, starsValue == nil ? "stars" : nil].compactMap { $0 }
            guard missing.isEmpty else { throw SMSSlotError.missing(missing) }
            guard let stars = starsValue, stars == stars.rounded(), (1...5).contains(stars) else {
                throw SMSSlotError.invalid("stars", LocalizedText(en: "1 to 5 stars", zh: "只能是1到5星"))
            }
            var slots = SMSSlots()
            slots.set("job", job)
            slots.set("stars", Int(stars))
            return slots.json
        } catch {
            throw error.with(example: rateExample)
        }
    }

    private static func job(_ text: String, vocabulary: SMSVocabulary, example: String) throws(SMSSlotError) -> JSONValue {
        var reader = SMSSlotReader(text, vocabulary: vocabulary)
        guard let job = reader.takeInteger() else { throw SMSSlotError.missing(["job"], example: example) }
        guard job > 0 else { throw SMSSlotError.invalid("job", LocalizedText(en: "must be more than 0", zh: "应大于0"), example: example) }
        var slots = SMSSlots()
        slots.set("job", job)
        return slots.json
    }
}
