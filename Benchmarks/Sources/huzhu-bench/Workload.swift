import Foundation

/// What one connection sends: random phones and texts, seeded by run and connection.
struct Workload {
    let scenario: Scenario
    var query = "MEMBER FIND 张"
    let phones: [String]
    let run: String
    let connection: Int
    private var state: UInt64
    private var sequence = 0

    /// Farmers' messages of every intent, in the forms the corpus shows (docs/sms.md). `#` is a job,
    /// event or request number drawn from 1…500 for each message: real replies name many different jobs,
    /// whereas one fixed number made every 接/完工/评/取消 of the run queue on the same row's lock.
    static let texts = [
        "找人 插秧 5亩 明天 3人", "找人插秧五亩半后天两人", "请人 收割 10亩 6月12日", "雇人打药3亩周三",
        "接 #", "完工#", "评 # 5", "活动", "报名 #", "报名# 2人", "预约 婚宴 10月1日 15桌",
        "卖 柑橘 2000斤 3元", "出售土豆两吨", "收购 土豆 5吨", "查价 柑橘", "查价格 茶叶", "订阅 柑橘",
        "帮助", "帮助 找人", "你好请问有人吗", "取消 #", "公告",
    ]
    static let staffQueries = ["VILLAGE FIND 咸水", "MEMBER FIND 张", "HOUSEHOLD FIND village=1", "PLUGINS", "WHOAMI"]

    init(scenario: Scenario, phones: [String], run: String, connection: Int) {
        self.scenario = scenario
        self.phones = phones
        self.run = run
        self.connection = connection
        // Seeded by the run as well as the connection: a run (or its warm-up) must not resend the phone and
        // text pairs of the one before on the same store, where repeats (already registered, same buyer, same
        // match) are cheaper than new messages and made each run look faster than the last.
        var seed: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the run id
        for byte in run.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        self.state = seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(connection + 1))
    }

    private mutating func random(_ bound: Int) -> Int {
        // SplitMix64: fast, seedable, good enough to spread phones and texts.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    /// The next request line, and the gateway message id when it is an `SMS IN`.
    mutating func next() -> (line: String, messageID: String?) {
        sequence += 1
        switch scenario {
        case .ping: return ("PING", nil)
        case .smsIn: return smsIn()
        case .mix: return random(10) < 8 ? smsIn() : (Self.staffQueries[random(Self.staffQueries.count)], nil)
        case .query: return (query, nil)
        }
    }

    private mutating func smsIn() -> (line: String, messageID: String?) {
        let phone = phones[random(phones.count)]
        var text = Self.texts[random(Self.texts.count)]
        if text.contains("#") { text = text.replacingOccurrences(of: "#", with: String(1 + random(500))) }
        let id = "\(run)-\(connection)-\(sequence)"
        return ("SMS IN \(phone) \"\(text)\" id=\(id) gateway=bench", id)
    }
}
