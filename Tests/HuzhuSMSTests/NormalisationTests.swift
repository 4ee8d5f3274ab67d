import HuzhuKit
import Testing

@Suite struct NormalisationTests {
    @Test(arguments: [
        ("找人 插秧", "找人 插秧"),
        ("１２３", "123"),
        ("ＡＢＣ ｗｏｒｋ", "ABC work"),
        ("　找人　插秧　", "找人 插秧"),
        ("找人，插秧。", "找人,插秧"),
        ("卖  柑橘 ，2000斤！", "卖 柑橘,2000斤"),
        ("退订!", "退订"),
        ("报名、7；2人：", "报名,7,2人"),
        ("a\u{0007}b\u{0000}", "ab"),
        ("找\u{200B}人\u{FEFF}", "找人"),
        ("找人\n插秧\t明天\r\n", "找人 插秧 明天"),
        ("？", "?"),
        ("３．５元／斤", "3.5元/斤"),
        ("後天 兩萬斤 個 號", "后天 两万斤 个 号"),
        ("“张三”【咸水村】", "张三 咸水村"),
        ("6月12曰", "6月12日"),
        ("卖 2,000斤 1,500.5元", "卖 2000斤 1500.5元"),  // thousands separators
        ("报名7,2人", "报名7,2人"),
        ("评12，5", "评12,5"),
        ("…", ""),
        ("", ""),
    ])
    func normalises(raw: String, expected: String) {
        #expect(SMSText.normalise(raw) == expected)
    }

    @Test(arguments: ["找人，插秧。５亩　６月１２日！", "ＲＥＧ：张三，咸水村", "a\u{7}  ,, b"])
    func normalisingTwiceChangesNothing(raw: String) {
        let once = SMSText.normalise(raw)
        #expect(SMSText.normalise(once) == once)
    }

    @Test func caseIsKeptButFoldable() {
        #expect(SMSText.normalise("WoRk") == "WoRk")
        #expect(SMSText.foldASCII("WoRk 插秧") == "work 插秧")
    }
}
