import Foundation
import HuzhuKit
@testable import HuzhuMarket
import Testing

/// Units, synonyms and reply formats, without a store.
@Suite struct MarketUnitTests {
    @Test func unitsConvertToKilograms() throws {
        let citrus = MarketCrop(name: "柑橘", category: "fruit", defaultUnit: .jin, pieceKilograms: 0.15, boxKilograms: 10, synonyms: [])
        #expect(citrus.kilograms(per: .jin) == 0.5)
        #expect(citrus.kilograms(per: .kg) == 1)
        #expect(citrus.kilograms(per: .t) == 1000)
        #expect(citrus.kilograms(per: .piece) == 0.15)
        #expect(citrus.kilograms(per: .box) == 10)
        let walnut = MarketCrop(name: "核桃", category: "nut", defaultUnit: .jin, pieceKilograms: nil, boxKilograms: nil, synonyms: [])
        #expect(walnut.kilograms(per: .piece) == nil, "no guessing a weight that is not known")
        #expect(try MarketUnit.parse("斤") == .jin && MarketUnit.parse("公斤") == .kg && MarketUnit.parse("吨") == .t && MarketUnit.parse("BOX") == .box)
        #expect(throws: HuzhuError.self) { try MarketUnit.parse("担") }
    }

    @Test func synonymsNormaliseToTheCatalogueName() throws {
        let context = SMSParseContext(receivedAt: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(try MarketSMS.parseSell("洋芋 2吨 1.5元/斤", context)["crop"] == "土豆")
        #expect(try MarketSMS.parseSell("马铃薯 2吨 1.5元/斤", context)["price"] == .double(3000))
        #expect(try MarketSMS.parsePrice("桔子", context)["crop"] == "柑橘")
        var vocabulary = SMSVocabulary.standard
        vocabulary.add(.crop, words: ["胡麻"], meaning: "芝麻")
        #expect(try MarketSMS.parseSell("胡麻 100斤", context, vocabulary: vocabulary)["crop"] == "芝麻")
    }

    @Test func priceRepliesFitOneSegment() {
        let stats = PriceStats(crop: "高山蔬菜", end: "2026-06-14", start: "2026-06-08", median: 123.45, low: 99.99, high: 150.55, count: 9,
                               previousMedian: 100)
        #expect(stats.reply.zh == "高山蔬菜06/08-06/14每公斤：中位123.45元，最低99.99，最高150.55，比前7天涨23.5%。")
        #expect(SMSSegments.count(stats.reply.zh) == 1)
        #expect(SMSSegments.count(stats.reply.en) == 1)
        #expect(MarketFormat.number(3) == "3" && MarketFormat.number(3.5) == "3.5" && MarketFormat.number(2.345, decimals: 1) == "2.3")
    }

    @Test func reportsEscapeCSV() {
        let report = MarketReport(columns: ["a", "b"], rows: [["a": "x,y", "b": .double(1.5)], ["a": "say \"hi\"", "b": .int(2)]])
        #expect(report.csv == "a,b\n\"x,y\",1.5\n\"say \"\"hi\"\"\",2\n")
    }
}
