/// The shape of the county: its towns and townships, where they lie, and how their places are named.
enum DemoPlaces {
    /// One town or township of the plan.
    struct Township {
        let name: String
        let kind: DemoTownship.Kind
        /// The centre its villages cluster around.
        let latitude: Double
        let longitude: Double
        /// How many villages (村) it has, including `namedVillages`.
        let villages: Int
        /// Villages named in the survey, which must appear under their real names.
        let namedVillages: [String]
        /// Its residents' committees (社区).
        let communities: [String]
    }

    /// Xingshan's 6 towns and 2 townships: 90 villages and 10 residents' committees, most of the committees in the
    /// county seat. The centres are spread over the county's extent so that a map of the demo looks plausible.
    static let townships: [Township] = [
        Township(
            name: "古夫镇", kind: .town, latitude: 31.35, longitude: 110.75, villages: 12,
            namedVillages: ["咸水村", "青草村"],
            communities: ["平邑口社区", "丰邑坪社区", "北斗坪社区", "深渡河社区", "古洞口社区", "琚坪社区"]),
        Township(
            name: "昭君镇", kind: .town, latitude: 31.26, longitude: 110.78, villages: 14,
            namedVillages: ["昭君村"], communities: ["高阳社区"]),
        Township(
            name: "峡口镇", kind: .town, latitude: 31.27, longitude: 110.92, villages: 13,
            namedVillages: ["泗湘溪村"], communities: ["峡口社区"]),
        Township(
            name: "南阳镇", kind: .town, latitude: 31.42, longitude: 110.62, villages: 12,
            namedVillages: [], communities: ["南阳社区"]),
        Township(
            name: "黄粮镇", kind: .town, latitude: 31.34, longitude: 110.92, villages: 11,
            namedVillages: [], communities: ["黄粮社区"]),
        Township(
            name: "水月寺镇", kind: .town, latitude: 31.44, longitude: 110.89, villages: 11,
            namedVillages: [], communities: []),
        Township(
            name: "高桥乡", kind: .township, latitude: 31.29, longitude: 110.58, villages: 9,
            namedVillages: [], communities: []),
        Township(
            name: "榛子乡", kind: .township, latitude: 31.44, longitude: 110.74, villages: 8,
            namedVillages: [], communities: []),
    ]

    /// The county's extent; coordinates are clamped into it.
    static let latitudes = 31.2...31.5
    static let longitudes = 110.5...111.0

    /// Village names after the landscape, as mountain villages are often named.
    static let landscapeStems = [
        "龙潭", "白果", "石门", "金竹", "响滩", "两河口", "滩坪", "高岚", "大峡", "青龙", "白鹤", "月亮包", "天池",
        "平水", "长坪", "板庙", "麦仓", "枫树", "桃花", "杨柳", "竹园", "松树坪", "水田坝", "七里", "百羊寨", "三堆",
        "双龙", "观音堂", "干溪", "九冲", "石槽溪", "梨树坪", "茶园", "凉风", "黑龙", "红花", "小河", "大坪", "庙垭",
        "龙珠", "琵琶", "银杏", "木城", "仙女", "落步", "万古", "冷水", "猴子包", "桐树", "柏树", "火石", "老林",
    ]

    /// The landform in a family-named village (向家坪: the 向 family's flat).
    static let landforms = ["坪", "湾", "坝", "河", "岭", "垭", "沟", "岩", "坡", "台", "冲", "院", "口", "山"]

    /// Every generated village stem in a seed-dependent order: family names and landscape names alternate at
    /// random, and no stem repeats anywhere in the county.
    static func villageStems(_ random: inout DemoRandom, excluding taken: Set<String>) -> [String] {
        var landscape = landscapeStems
        random.shuffle(&landscape)
        var family = DemoNames.villageSurnames.flatMap { surname in landforms.map { surname + "家" + $0 } }
        random.shuffle(&family)
        var stems: [String] = []
        var seen = taken
        while !landscape.isEmpty || !family.isEmpty {
            let fromLandscape = !landscape.isEmpty && (family.isEmpty || random.chance(0.45))
            let stem = fromLandscape ? landscape.removeLast() : family.removeLast()
            if seen.insert(stem + "村").inserted { stems.append(stem) }
        }
        return stems
    }

    /// `一`, `十二`, `二十` … for group names such as `十二组` and `第二责任区`; 1 to 99.
    static func numeral(_ n: Int) -> String {
        precondition((1...99).contains(n))
        let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        let tens = n / 10
        let units = n % 10
        switch tens {
        case 0: return digits[units]
        case 1: return "十" + digits[units]
        default: return digits[tens] + "十" + digits[units]
        }
    }
}
