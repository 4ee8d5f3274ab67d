import Synchronization

/// The words of the SMS language that are data, not grammar: tasks, crops, services, unit words, and the
/// small lists that help the router and readers be patient with how people write.
///
/// A value you pass in: parsers and the router take an `SMSVocabulary` (or a closure returning the
/// current one). `standard` holds the built-in words; staff edits kept in the store are applied on top
/// (`vocabulary.crops.add(["芭蕉芋"], to: "魔芋")`) and the result handed to the SMS layer — through
/// `SMSLiveVocabulary` when it should change while the hub runs.
///
/// Choices made in the defaults:
/// - `脐橙` (navel orange) is its own crop, not `柑橘`: it is sold and priced separately in the county;
///   `橙子`, `甜橙` mean `脐橙`.
/// - `茶` means `茶叶`; `土蜂蜜` means `蜂蜜`; `花菇` and `冬菇` mean `香菇`; `烟` and `烤烟` mean `烟叶`.
/// - Crops are read before prices and quantities, so crop names that look like numbers or money
///   (`八角` star anise, not 0.8 yuan; `三七`) are listed to be read as crops.
/// - Task words that start with a keyword (`收割`, `收稻谷` start with `收`) keep that keyword from
///   matching: `收割…` is never `market.buy` (see `SMSRouter`).
/// - ASCII words (task codes `plough`…, `wedding`/`funeral`, a few crop names in English and pinyin,
///   unit codes) are included for phones without Chinese input.
public struct SMSVocabulary: Sendable, Equatable, Codable {
    /// Task code (`plough`, `transplant`, `harvest`, `prune`, `spray`, `pick`, `contract`) → words.
    public var tasks: SMSWordTable
    /// Crop name (canonical, Chinese) → synonyms.
    public var crops: SMSWordTable
    /// Service code (`wedding`, `funeral`) → words.
    public var services: SMSWordTable
    /// Unit code (`jin`, `kg`, `t`, `piece`, `box`) → words. The codes are fixed by the spec; words may grow.
    public var units: SMSWordTable
    /// Words at the start of a message that stand for a keyword (`找个人` → `找人`, `查价格` → `查价`).
    public var keywordVariants: [String: String]
    /// Words that begin with a keyword but are not it (`收到`, `接电话`): a keyword shorter than such a
    /// word at the start of a message does not match. Task words count too (`收割`).
    public var notKeywords: [String]
    /// Words dropped before the keyword (`你好`, `我要`, `帮我`): `我要卖柑橘…` reads as `卖柑橘…`.
    public var leadingNoise: [String]
    /// Words without meaning for any slot, stripped from the ends of leftover words (`的`, `左右`, `谢谢`),
    /// so that `板栗左右` leaves the crop `板栗`.
    public var fillers: [String]

    public init(
        tasks: SMSWordTable, crops: SMSWordTable, services: SMSWordTable, units: SMSWordTable,
        keywordVariants: [String: String] = [:], notKeywords: [String] = [], leadingNoise: [String] = [], fillers: [String] = []
    ) {
        self.tasks = tasks
        self.crops = crops
        self.services = services
        self.units = units
        self.keywordVariants = keywordVariants
        self.notKeywords = notKeywords
        self.leadingNoise = leadingNoise
        self.fillers = fillers
    }

    /// The built-in vocabulary.
    public static let standard = SMSVocabulary(
        tasks: SMSWordTable([
            "plough": ["耕田", "耕地", "犁田", "翻地", "犁地", "耙田", "旋耕", "打田", "整地", "机耕", "翻田", "犁", "plow"],
            "transplant": ["插秧", "栽秧", "抛秧", "插田", "栽禾", "栽秧子"],
            "harvest": [
                "收割", "割稻", "割麦", "收稻谷", "打谷子", "收稻子", "割谷子", "割谷", "收谷子", "收麦子", "机收",
                "割稻子", "打谷", "掰玉米", "挖土豆", "挖洋芋", "收庄稼",
            ],
            "prune": ["修剪", "剪枝", "修枝", "果树修剪", "剪果树", "修果树", "整枝", "剪树"],
            "spray": ["喷药", "打药", "施药", "喷农药", "打农药", "治虫", "打除草剂"],
            "pick": [
                "采果", "摘果", "摘橘子", "摘柑橘", "摘桔子", "采茶", "摘茶", "摘茶叶", "摘果子", "摘苹果", "摘脐橙",
                "摘橙子", "采摘", "摘核桃", "打核桃",
            ],
            "contract": ["技术承包", "承包", "托管", "全程托管"],
        ]),
        crops: SMSWordTable([
            "柑橘": [
                "橘子", "桔子", "柑子", "柑桔", "橘柑", "蜜橘", "蜜桔", "砂糖橘", "沙糖桔", "椪柑", "芦柑", "温州蜜柑", "桔", "橘", "柑",
                "citrus", "ganju", "juzi", "mandarin",
            ],
            "脐橙": ["橙子", "甜橙", "橙", "navel", "orange", "oranges", "qicheng"],
            "土豆": ["马铃薯", "洋芋", "洋芋头", "山药蛋", "potato", "potatoes", "tudou", "yangyu"],
            "玉米": ["苞谷", "包谷", "玉米棒", "玉米棒子", "苞米", "包米", "棒子", "玉蜀黍", "corn", "maize", "yumi", "baogu"],
            "茶叶": ["茶", "新茶", "春茶", "绿茶", "tea", "chaye"],
            "核桃": ["胡桃", "walnut", "walnuts", "hetao"],
            "蜂蜜": ["土蜂蜜", "野蜂蜜", "蜂糖", "honey", "fengmi"],
            "香菇": ["花菇", "冬菇", "shiitake", "mushroom", "mushrooms", "xianggu"],
            "魔芋": ["磨芋", "蒟蒻", "鬼芋", "konjac", "moyu"],
            "烟叶": ["烟", "烤烟", "烟草", "tobacco", "yanye"],
            "稻谷": ["谷子", "稻子", "水稻", "稻", "paddy", "daogu"],
            "大米": ["rice", "dami"],
            "小麦": ["麦子", "wheat"],
            "红薯": ["红苕", "地瓜", "番薯", "苕"],
            "板栗": ["栗子", "chestnut", "chestnuts"],
            "木耳": ["黑木耳"],
            "猕猴桃": ["奇异果", "kiwi"],
            "生猪": ["猪", "肥猪", "pig", "pigs"],
            "土鸡": ["鸡", "chicken", "chickens"],
            "鸡蛋": ["土鸡蛋", "蛋", "egg", "eggs"],
            "油菜籽": ["菜籽", "rapeseed"],
            "白菜": ["大白菜", "cabbage"],
            "萝卜": ["白萝卜"],
            "辣椒": ["辣子", "海椒", "chili"],
            "生姜": ["姜", "ginger"],
            "大蒜": ["蒜", "garlic"],
            "苹果": ["apple", "apples"],
            "高山蔬菜": ["高山菜", "蔬菜", "vegetables"],
            "八角": ["大料"],
            "三七": ["田七"],
        ]),
        services: SMSWordTable([
            "wedding": [
                "婚宴", "婚礼", "结婚", "喜事", "办喜酒", "喜酒", "红事", "嫁女", "娶亲", "娶媳妇", "出嫁", "办婚事",
                "婚事", "hunli",
            ],
            "funeral": ["丧事", "白事", "葬礼", "丧葬", "老人过世", "过世", "去世", "丧礼", "办丧事", "白喜事", "sangshi"],
        ]),
        units: SMSWordTable([
            "jin": ["斤", "市斤"],
            "kg": ["公斤", "千克", "kgs", "\u{338F}"],
            "t": ["吨", "ton", "tons", "tonne", "tonnes"],
            "piece": ["个", "只", "头", "颗", "棵", "枚", "pcs", "pc", "pieces"],
            "box": ["箱", "筐", "篓", "boxes"],
        ]),
        keywordVariants: [
            "找个人": "找人", "请个人": "请人", "雇个人": "雇人", "找几个人": "找人", "请几个人": "请人",
            "接受": "接", "查价格": "查价", "查询价格": "查价", "查下价格": "查价", "问价": "查价", "价钱": "价格",
            "报个名": "报名", "参加": "报名", "求购": "收购", "购买": "买", "预定": "预约", "预订": "预约",
            "干完": "完工", "做完": "完工", "评分": "评", "打分": "评",
        ],
        notKeywords: [
            "收到", "收好", "收费", "收钱", "收款", "收据", "收入", "收成", "收工", "收拾", "收藏", "接到", "接电话", "接收",
        ],
        leadingNoise: [
            "你好", "您好", "喂", "老板", "我要", "我想", "我想要", "我家要", "我家想", "请帮我", "帮我", "麻烦你", "麻烦",
            "hi", "hello",
        ],
        fillers: [
            "的", "了", "啊", "呀", "吧", "哦", "呢", "嘛", "哈", "约", "大约", "大概", "左右", "上下", "以上", "共", "一共",
            "总共", "共计", "新鲜", "自家", "自家种", "自己种", "自产", "家里", "我", "我家", "我们", "请", "帮忙", "麻烦",
            "谢谢", "一下", "现有", "还有", "要", "想", "价格", "价钱", "行情", "多少钱", "多少", "今天", "现在", "最近",
            "信息", "面议", "可议", "议价", "价格面议", "急", "急需", "需要", "的价格", "please", "pls", "price",
        ]
    )

    /// Every word that keeps a shorter keyword from matching at the start of a message: `notKeywords`
    /// and all task words.
    public var keywordBlockers: [String] { notKeywords + tasks.allWords }
}

/// The vocabulary the hub currently uses, replaceable while it runs (staff edits in the store).
///
/// Give intents and the router `{ live.current }` so that every message is read with the latest words.
public final class SMSLiveVocabulary: Sendable {
    private let state: Mutex<SMSVocabulary>

    public init(_ vocabulary: SMSVocabulary = .standard) {
        self.state = Mutex(vocabulary)
    }

    /// The vocabulary now.
    public var current: SMSVocabulary { state.withLock { $0 } }

    /// Replaces the vocabulary.
    public func replace(with vocabulary: SMSVocabulary) {
        state.withLock { $0 = vocabulary }
    }

    /// Changes the vocabulary in place (`live.update { $0.crops.add(["芭蕉芋"], to: "魔芋") }`).
    public func update(_ change: (inout SMSVocabulary) -> Void) {
        state.withLock { change(&$0) }
    }

    /// A closure returning the current vocabulary, for intents and the router.
    public var provider: @Sendable () -> SMSVocabulary { { [self] in self.current } }
}
