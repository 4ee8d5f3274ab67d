import HuzhuKit
import Testing

@Suite struct NumeralTests {
    @Test(arguments: [
        ("5", 5.0), ("3.5", 3.5), ("2000", 2000), ("２０００", 2000),
        ("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("一百零五", 105), ("一百二十", 120),
        ("一百五", 150), ("两百五", 250), ("三千五百", 3500), ("三千五", 3500), ("两万三千", 23000), ("两万三", 23000),
        ("一万零五", 10005), ("一万零五百", 10500), ("十万", 100_000), ("二十万", 200_000), ("一亿", 100_000_000),
        ("1万", 10000), ("1.5万", 15000), ("2千", 2000), ("1万2", 12000), ("5百", 500),
        ("两", 2), ("俩", 2), ("零", 0), ("〇", 0), ("二〇二六", 2026), ("一二", 12),
        ("三点五", 3.5), ("十点五", 10.5), ("壹佰贰拾", 120), ("伍", 5), ("叁拾", 30), ("陆", 6),
    ])
    func parses(text: String, value: Double) {
        #expect(SMSNumber.parse(text) == value)
    }

    @Test(arguments: ["", "abc", "十百", "万", "五斤", "3两"])
    func rejects(text: String) {
        #expect(SMSNumber.parse(text) == nil)
    }

    @Test func scriptsSplitIntoTwoNumbers() {
        // 周三3人: the 三 of the weekday and the 3 of the people are two numbers.
        let characters = Array("三3")
        #expect(SMSNumber.scan(characters, at: 0)?.value == 3)
        #expect(SMSNumber.scan(characters, at: 0)?.range == 0..<1)
        #expect(SMSNumber.scan(characters, at: 1)?.value == 3)
    }

    @Test func wholeNumbersBecomeJSONIntegers() {
        #expect(JSONValue.number(5) == .int(5))
        if case .int = JSONValue.number(5) {} else { Issue.record("5 should be .int") }
        if case .double(let value) = JSONValue.number(5.5) { #expect(value == 5.5) } else { Issue.record("5.5 should be .double") }
    }
}
