import HuzhuKit
import HuzhuSMS
import Testing

/// Random messages built from the pieces of the language never crash the router, and every reply to a
/// message that could not be read fits one SMS.
@Suite struct RobustnessTests {
    static let pieces: [String] = [
        "找人", "接", "接活", "评", "评价", "收", "收割", "卖", "价格", "查价", "订阅", "报名", "预约", "注册", "取消", "退订", "?",
        "WORK", "ok", "REG", "插秧", "柑橘", "桔子", "婚宴", "丧事", "亩", "斤", "吨", "公斤", "千克", "kg", "t", "元", "块", "角",
        "毛", "人", "个", "位", "桌", "星", "分", "号", "日", "月", "年", "周", "星期", "礼拜", "下", "这", "天", "后", "明", "大",
        "半", "多", "点", "每", "一", "两", "三", "十", "百", "千", "万", "零", "〇", "壹", "1", "2", "5", "12", "31", "2026", "0",
        ".", "/", "-", "#", "第", "No.", " ", "，", "、", "。", "！", "　", "１２", "ＷＯＲＫ", "\u{7}", "\u{200B}", "的", "左右",
    ]

    @Test func randomMessagesNeverCrash() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var understood = 0
        for _ in 0..<5000 {
            let count = next() % 9
            let text = (0..<count).map { _ in Self.pieces[next() % Self.pieces.count] }.joined()
            let parse = Fixture.router.route(text, context: Fixture.context)
            if let error = parse.error {
                #expect(error.message.zh.count <= SMSText.singleSegmentLength, "\(text): \(error.message.zh)")
            } else {
                understood += 1
                guard case .object = parse.slots else { Issue.record("slots of \(text) are not an object"); continue }
            }
        }
        #expect(understood > 0)
    }
}
