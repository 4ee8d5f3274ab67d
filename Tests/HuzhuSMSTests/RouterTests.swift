import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuLabour
import HuzhuMarket
import HuzhuSMS
import Testing

@Suite struct RouterTests {
    func route(_ text: String, _ router: SMSRouter = Fixture.router) -> SMSParse {
        router.route(text, context: Fixture.context)
    }

    @Test(arguments: [
        ("接活12", "labour.accept", "接活"), ("接12", "labour.accept", "接"), ("评价12 5", "labour.rate", "评价"),
        ("评12 5", "labour.rate", "评"), ("收购土豆5吨", "market.buy", "收购"), ("收土豆5吨", "market.buy", "收"),
        ("出售柑橘2000斤", "market.sell", "出售"), ("卖柑橘2000斤", "market.sell", "卖"), ("价格柑橘", "market.price", "价格"),
        ("查价柑橘", "market.price", "查价"), ("完工12", "labour.done", "完工"), ("完成12", "labour.done", "完成"),
    ])
    func longestKeywordFirst(text: String, intent: String, keyword: String) {
        let parse = route(text)
        #expect(parse.intent == intent)
        #expect(parse.keyword == keyword)
        #expect(parse.isUnderstood)
    }

    @Test func keywordWithOrWithoutSpace() {
        #expect(route("找人插秧5亩明天").slots == route("找人 插秧 5亩 明天").slots)
        #expect(route("找人插秧5亩明天").text == "插秧5亩明天")
    }

    @Test func aliasesAreCaseInsensitiveWholeWords() {
        #expect(route("WORK 插秧 明天").intent == LabourSMS.request)
        #expect(route("work插秧 明天").intent == LabourSMS.request)
        #expect(route("Work transplant tomorrow").intent == LabourSMS.request)
        #expect(route("ok12").intent == LabourSMS.accept)
        #expect(route("OK:12").slots == ["job": 12])
        #expect(route("WORKplough tomorrow").intent == SMSRouter.unknownIntent)
        #expect(route("okay").intent == SMSRouter.unknownIntent)
        #expect(route("BOOK婚宴10月1日").intent == CultureSMS.book)
        #expect(route("ＢＵＹ corn 10t").intent == MarketSMS.buy)  // full-width letters
    }

    @Test func questionMarkAloneIsHelp() {
        #expect(route("?").intent == CoreSMS.help)
        #expect(route("？").intent == CoreSMS.help)
        #expect(route("？").slots == [:])
        #expect(route("? 卖").slots == ["topic": "卖"])
    }

    @Test func wordsThatOnlyBeginWithAKeywordDoNotMatchIt() {
        #expect(route("收割5亩明天").intent == SMSRouter.unknownIntent)
        #expect(route("收割5亩明天").error?.message.zh.contains("找人收割5亩明天") == true)
        #expect(route("收到").intent == SMSRouter.unknownIntent)
        #expect(route("接电话").intent == SMSRouter.unknownIntent)
        #expect(route("找人收割5亩明天").intent == LabourSMS.request)
    }

    @Test func leadingNoiseAndVariants() {
        #expect(route("你好，我要卖柑橘2000斤").intent == MarketSMS.sell)
        #expect(route("帮我找人插秧明天").intent == LabourSMS.request)
        #expect(route("找个人插秧明天").keyword == "找人")
        #expect(route("查价格 柑橘").slots == ["crop": "柑橘"])
        #expect(route("你好").intent == SMSRouter.unknownIntent)
    }

    @Test func unknownRepliesFitOneSegment() {
        let parse = route(String(repeating: "今天天气很好", count: 30))
        #expect(parse.intent == SMSRouter.unknownIntent)
        #expect(parse.error?.code == .unknownCommand)
        #expect(parse.error!.message.zh.count <= SMSText.singleSegmentLength)
        let hint = route("插秧" + String(repeating: "5亩明天", count: 30))
        #expect(hint.error!.message.zh.count <= SMSText.singleSegmentLength)
        #expect(route("").error?.message.zh.hasPrefix("短信是空的") == true)
    }

    @Test func missingSlotsSayWhatAndGiveTheExample() {
        let parse = route("找人 插秧 5亩")
        #expect(parse.intent == LabourSMS.request)
        #expect(parse.error?.slot == "date")
        #expect(parse.error?.code == .syntax)
        #expect(parse.error?.message.zh == "缺少日期。请这样发：找人 插秧 5亩 6月12日 3人")
        #expect(parse.error?.message.en == "Missing date. Send e.g.: 找人 插秧 5亩 6月12日 3人")
        #expect(route("评 12 6").error?.code == .invalid)
    }

    @Test func helpTopicsFindTheirIntent() {
        #expect(Fixture.router.intent(forKeyword: "找人")?.name == LabourSMS.request)
        #expect(Fixture.router.intent(forKeyword: "work")?.name == LabourSMS.request)
        #expect(Fixture.router.intent(forKeyword: "查价格")?.name == MarketSMS.price)
        #expect(Fixture.router.intent(forKeyword: "天气") == nil)
    }

    @Test func parsersThrowTheirExample() {
        #expect(throws: SMSSlotError.missing(["date"], example: LabourSMS.requestExample)) {
            try LabourSMS.parseRequest("插秧", Fixture.context)
        }
        #expect(throws: SMSSlotError.missing(["crop"], example: MarketSMS.priceExample)) {
            try MarketSMS.parsePrice("", Fixture.context)
        }
        #expect(SMSSlotError.missing(["date"]).huzhuError.code == .syntax)
    }

    @Test func vocabularyCanGrowWhileRunning() {
        let live = SMSLiveVocabulary()
        let router = SMSRouter(
            intents: CoreSMS.intents() + LabourSMS.intents(vocabulary: live.provider) + MarketSMS.intents(vocabulary: live.provider),
            vocabulary: live.provider)
        #expect(route("找人 除草 明天", router).error?.slot == "task")
        #expect(route("查价 芭蕉芋", router).slots == ["crop": "芭蕉芋"])
        live.update { vocabulary in
            vocabulary.tasks.add(["除草", "锄草"], to: "weed")
            vocabulary.crops.add(["芭蕉芋"], to: "魔芋")
        }
        #expect(route("找人 锄草 明天", router).slots == ["task": "weed", "date": "2026-06-11", "crew": 1])
        #expect(route("查价 芭蕉芋", router).slots == ["crop": "魔芋"])
        // A new task word that starts with a keyword keeps that keyword from matching.
        #expect(route("收庄稼 明天", router).intent == SMSRouter.unknownIntent)
    }

    @Test func wordTablesAreData() throws {
        var table = SMSWordTable(["柑橘": ["橘子"]])
        table.add(["桔子", "橘子"], to: "柑橘")
        table.add(["橙子"], to: "脐橙")
        #expect(table.canonical(for: "桔子") == "柑橘")
        #expect(table.canonical(for: "柑橘") == "柑橘")
        table.add(["橙子"], to: "柑橘")  // moves: a word belongs to one value
        #expect(table.canonical(for: "橙子") == "柑橘")
        #expect(table.entries["脐橙"] == [])
        table.remove(word: "橘子")
        #expect(table.canonical(for: "橘子") == nil)
        var tasks = SMSWordTable(["plough": ["犁田", "PLOW"]])
        #expect(tasks.match(in: Array("plow"), at: 0)?.canonical == "plough")
        #expect(tasks.match(in: Array("plowing"), at: 0) == nil)  // ASCII words match whole
        tasks.removeValue("plough")
        #expect(tasks.values.isEmpty)
    }

    @Test func vocabularyRoundTripsThroughJSON() throws {
        // Staff edits are kept in the store as JSON.
        var vocabulary = SMSVocabulary.standard
        vocabulary.crops.add(["芭蕉芋"], to: "魔芋")
        let data = try JSONEncoder().encode(vocabulary)
        let decoded = try JSONDecoder().decode(SMSVocabulary.self, from: data)
        #expect(decoded == vocabulary)
        #expect(decoded.crops.canonical(for: "芭蕉芋") == "魔芋")
        #expect(decoded != SMSVocabulary.standard)
    }

    @Test func handlersCanBeReplaced() async throws {
        let intent = LabourSMS.intents()[0].replacingHandler { _ in LocalizedText(en: "ok", zh: "好") }
        #expect(intent.name == LabourSMS.request)
        #expect(try intent.parse("插秧 明天", Fixture.context) == ["task": "transplant", "date": "2026-06-11", "crew": 1])
        let request = SMSRequest(
            intent: intent.name, slots: [:], phone: try PhoneNumber(parsing: "13800138000"), memberID: nil,
            receivedAt: Fixture.receivedAt, language: .zh)
        #expect(try await intent.handle(request).zh == "好")
    }

    @Test func keywordsAreUniqueAcrossIntents() {
        var seen: [String: String] = [:]
        for intent in Fixture.intents {
            for word in intent.keywords + intent.aliases {
                let key = SMSText.foldASCII(SMSText.normalise(word))
                #expect(seen[key] == nil || seen[key] == intent.name, "\(word) is both \(seen[key] ?? "") and \(intent.name)")
                seen[key] = intent.name
            }
        }
    }
}
