import Foundation

/// The audit walk: one valid invocation (at least) of every command HELP lists, in an order where each
/// builds what the next ones need. A new command fails `AuditTrailTests` until a sample is added here.
///
/// Accounts: `clerk` (staff, labour, culture, market) runs what it may, `sms1` (gateway) the gateway's
/// commands, `chief` (admin) the rest. The farmer `{farmer}` (李四, 13800000001) lives in 咸水村 `{v1}`
/// in a household without labour `{h1}`; craftsmen `{w1}` `{w2}` in 咸水村 and `{w3}` in 青草村 `{v2}`.
enum AuditWalk {
    static let farmerPhone = "+8613800000001"

    static var samples: [AuditSample] {
        [
            // Sessions and the console itself.
            .session("AUTH clerk password-clerk"),
            .session("QUIT"),
            .read("PING"),
            .read("HELP"),
            .read("HELP MEMBER ADD"),
            .read("WHOAMI"),
            .read("FORMAT json"),
            .read("LANG en"),
            .read("LANG zh"),
            .read("INFO"),
            .read("PLUGINS"),
            .read("BUS STATS"),
            .read("BUS TAIL nothing.matches.this"),
            .read("BUS UNTAIL"),

            // The directory.
            .write("VILLAGE ADD 咸水村 township=古夫镇 lat=31.250 lon=110.750", save: ["v1": "id"]),
            .write("VILLAGE ADD 青草村 township=古夫镇 lat=31.270 lon=110.770", save: ["v2": "id"]),
            .read("VILLAGE FIND 咸"),
            .read("VILLAGE SHOW {v1}"),
            .write("VILLAGE EDIT {v2} lat=31.271"),
            .write("HOUSEHOLD ADD village={v1} address=一组 no_labour=yes", save: ["h1": "id"]),
            .read("HOUSEHOLD FIND village={v1}"),
            .read("HOUSEHOLD SHOW {h1}"),
            .write("MEMBER ADD 李四 village={v1} phone=13800000001 household={h1}", save: ["farmer": "id"]),
            .write("MEMBER ADD 张三 village={v1} phone=13800000011", save: ["w1": "id"]),
            .write("MEMBER ADD 王五 village={v1} phone=13800000012", save: ["w2": "id"]),
            .write("MEMBER ADD 赵六 village={v2} phone=13800000013", save: ["w3": "id"]),
            .read("MEMBER FIND 李"),
            .read("MEMBER SHOW {farmer}"),
            .write("MEMBER EDIT {farmer} lang=zh on_behalf={farmer}", member: "farmer"),
            .write("HOUSEHOLD EDIT {h1} notes=两亩柑橘 on_behalf={farmer}", member: "farmer"),

            // Accounts (admin).
            .write("USER ADD cadre1 role=cadre password=cadre-pass-1 village={v1}"),
            .read("USER LIST"),
            .write("USER PASSWD cadre1 cadre-pass-2"),
            .write("USER DISABLE cadre1"),
            .write("USER ENABLE cadre1"),
            .write("USER TOKEN sms1 label=kannel"),

            // SMS: staff messages, the gateway's side of the outbox, intake, the word book.
            .write(#"SMS SEND {farmer} "明天上午开会" urgent=yes"#),
            .write(#"SMS SEND {w1} "明天上午开会" urgent=yes"#),
            .write(#"SMS SEND {w2} "明天上午开会" urgent=yes"#),
            .read("SMS QUEUE"),
            .bookkeeping("SMS PULL 3", save: ["p1": "0.id", "p2": "1.id"]),
            .bookkeeping("SMS ACK {p1}"),
            .bookkeeping("SMS DLR {p1} delivered"),
            .bookkeeping("SMS FAIL {p2} 网关忙"),
            .read(#"SMS TRY 13800000001 "查价 柑橘""#),
            .write(#"SMS IN 13800000001 "订阅 柑橘" id=walk-1"#, member: "farmer", actor: "sms:\(farmerPhone)"),
            .read("SMS WORDS"),
            .write("SMS WORD ADD crop 土豆 洋芋"),
            .write("SMS WORD DEL crop 洋芋"),
            .read("AUDIT LIST limit=5"),

            // The notice board.
            .write(#"NOTICE POST "明天上午9点在村委会开会" village={v1}"#),
            .read("NOTICE LIST"),
        ] + labour + culture + market + smsIntents
    }

    static var labour: [AuditSample] {
        [
            .write("LABOUR TASK ADD graft 嫁接 en=grafting words=嫁接果树"),
            .read("LABOUR TASK LIST"),
            .write("LABOUR WORKER ADD {w1} skills=plough:4:80/mu,transplant:3:60/mu travel=20 days=1234567"),
            .write("LABOUR WORKER ADD {w2} skills=plough:3:70/mu days=1234567"),
            .read("LABOUR WORKER FIND"),
            .read("LABOUR WORKER SHOW {w1}"),
            .write("LABOUR WORKER EDIT {w1} travel=25"),
            .write("LABOUR TEAM ADD 咸水耕田队 leader={w1} members={w2}", save: ["team": "id"]),
            .read("LABOUR TEAM FIND"),
            .read("LABOUR TEAM SHOW {team}"),
            .write("LABOUR TEAM EDIT {team} name=咸水机耕队"),
            // Offered at once to the two ploughmen, on the farmer's behalf.
            .write("LABOUR REQUEST ADD member={farmer} task=plough date={d10} area=5 crew=1", member: "farmer", save: ["r1": "id"]),
            .read("LABOUR REQUEST FIND"),
            .read("LABOUR REQUEST SHOW {r1}"),
            .write("LABOUR REQUEST EDIT {r1} notes=带犁", member: "farmer"),
            .read("LABOUR MATCH {r1}"),
            .write("LABOUR WORKER ADD {w3} skills=plough:2:60/mu travel=30 days=1234567"),
            .write("LABOUR OFFER {r1} count=1"),
            .write("LABOUR ASSIGN {r1} worker={w1}", save: ["j1": "id"]),
            .read("LABOUR JOB FIND"),
            .read("LABOUR JOB SHOW {j1}"),
            .write("LABOUR DONE {j1}"),
            .write("LABOUR RATE {j1} 5", member: "farmer"),
            .write("LABOUR PAY {j1} amount=400 method=cash"),
            .write("LABOUR REQUEST ADD member={farmer} task=transplant date={d11}", member: "farmer", save: ["r2": "id"]),
            .write("LABOUR ASSIGN {r2} worker={w1}", save: ["j2": "id"]),
            .write("LABOUR JOB CANCEL {j2}"),
            .write("LABOUR REQUEST CANCEL {r2}", member: "farmer"),
            .write("LABOUR REQUEST ADD member={farmer} task=plough date={d13}", member: "farmer"),
            .read("LABOUR PLAN {d13}"),
            .write("LABOUR PLAN {d13} COMMIT"),
            .write("LABOUR REQUEST ADD member={farmer} task=plough date={d12}", member: "farmer"),
            .write("LABOUR EXPIRE at={d12}T23:00:00+08:00"),
            .read("LABOUR REPORT"),
            .write("LABOUR CONTRACT ADD household={h1} worker={w1} scope=柑橘修剪 fee=3000 from={d10} to={d100}", save: ["c1": "id"]),
            .read("LABOUR CONTRACT FIND"),
            .read("LABOUR CONTRACT SHOW {c1}"),
            .write("LABOUR CONTRACT EDIT {c1} fee=3200"),
            .write("LABOUR CONTRACT CANCEL {c1}"),
            .write("LABOUR TEAM CANCEL {team}"),
            .write("LABOUR WORKER CANCEL {w3}"),
        ]
    }

    static var culture: [AuditSample] {
        [
            .write(#"CULTURE VENUE ADD "咸水文化活动室" village={v1} capacity=80"#, save: ["venue": "id"]),
            .read("CULTURE VENUE LIST"),
            .write(#"CULTURE VENUE BOOK {venue} from={d20}T09:00 to={d20}T12:00 purpose="村民大会""#, save: ["vb": "booking"]),
            .read("CULTURE VENUE SCHEDULE {venue}"),
            .write("CULTURE VENUE UNBOOK {vb}"),
            .write(#"CULTURE EVENT ADD "露天电影" kind=film village={v1} venue={venue} start={d6}T19:30 end={d6}T21:30 capacity=2"#, save: ["ev": "id"]),
            .write("CULTURE EVENT PUBLISH {ev}"),
            .read("CULTURE EVENT LIST"),
            .read("CULTURE EVENT SHOW {ev}"),
            .write("CULTURE REGISTRATION ADD {ev} member={farmer}", member: "farmer"),
            .write("CULTURE REGISTRATION ADD {ev} member={w2}", member: "w2"),
            .read("CULTURE REGISTRATION LIST {ev}"),
            .write("CULTURE EVENT CHECKIN {ev} member={farmer}"),
            .read("CULTURE EVENT ATTENDANCE {ev}"),
            .write("CULTURE REGISTRATION CANCEL {ev} member={w2}", member: "w2"),
            .write("CULTURE REMIND date={d6}"),
            .write(#"CULTURE EVENT ADD "法律讲座" kind=class subject=law village={v1} start={d7}T09:00 end={d7}T11:00 capacity=30 publish=yes"#, save: ["ev2": "id"]),
            .write("CULTURE EVENT CANCEL {ev2} reason=下雨"),
            .write("CULTURE SERVICE ADD hall name=礼堂 price=500 unit=day occasions=wedding package=yes"),
            .read("CULTURE SERVICE LIST"),
            .write(#"CULTURE PROVIDER ADD hall name="咸水礼堂" village={v1}"#),
            .read("CULTURE PROVIDER LIST"),
            .write(#"CULTURE RULE ADD village={v1} occasion=wedding kind=max_tables limit=20 text="宴席不超过20桌""#, save: ["rule": "id"]),
            .read("CULTURE RULE LIST"),
            .write("CULTURE RULE EDIT {rule} limit=25"),
            .write("CULTURE BOOKING ADD member={farmer} occasion=wedding date={d9} services=hall", member: "farmer", save: ["bk": "id"]),
            .read("CULTURE BOOKING LIST"),
            .read("CULTURE BOOKING SHOW {bk}"),
            .write("CULTURE BOOKING DEPOSIT {bk} amount=100"),
            .write("CULTURE BOOKING PAY {bk} amount=100"),
            .write("CULTURE BOOKING CANCEL {bk} reason=改期", member: "farmer"),
            .read("CULTURE REPORT month={month}"),
        ]
    }

    static var market: [AuditSample] {
        [
            .write("MARKET CROP ADD 芝麻 category=grain unit=jin synonyms=胡麻"),
            .read("MARKET CROP LIST"),
            .write("MARKET BUYER ADD 县果品公司 kind=merchant village={v2}", save: ["buyer": "id"]),
            .read("MARKET BUYER LIST"),
            .write("MARKET OFFER ADD member={farmer} crop=柑橘 quantity=2000 unit=jin price=3", member: "farmer", save: ["o1": "offer.id"]),
            .write("MARKET OFFER ADD household={h1} consign=yes crop=核桃 quantity=100 unit=kg price=30 on_behalf={farmer}", member: "farmer", save: ["o2": "offer.id"]),
            .write("MARKET OFFER ADD member={farmer} crop=土豆 quantity=500 unit=jin", member: "farmer", save: ["o3": "offer.id"]),
            .read("MARKET OFFER LIST"),
            .write("MARKET OFFER CANCEL {o3}", member: "farmer"),
            .write("MARKET DEMAND ADD buyer={buyer} crop=柑橘 quantity=1 unit=t price=6500 village={v2}", save: ["demand": "demand.id"]),
            .read("MARKET DEMAND LIST"),
            .read("MARKET MATCH FIND {demand}"),
            .read("MARKET MATCH LIST"),
            .write("MARKET DEAL ADD offer={o1} buyer={buyer} quantity=500", save: ["deal": "id"]),
            .read("MARKET DEAL LIST"),
            .write("MARKET DEAL DELIVER {deal}"),
            .write("MARKET DEAL SETTLE {deal} market=古夫镇农贸市场"),
            .write("MARKET DEAL ADD offer={o2} buyer={buyer} quantity=10", save: ["deal2": "id"]),
            .write("MARKET DEAL CANCEL {deal2}"),
            .write("MARKET DEMAND CANCEL {demand}"),
            .write("MARKET PRICE ADD crop=柑橘 price=3.2 unit=kg market=古夫镇农贸市场"),
            .read("MARKET PRICE STATS 柑橘"),
            .read("MARKET SUB LIST"),
            .write("MARKET ALERT RUN"),
            .write("MARKET SUB DEL member={farmer} crop=柑橘", member: "farmer"),
            .read("MARKET REPORT SALES"),
            .read("MARKET REPORT PRICES 柑橘"),
            .read("MARKET REPORT HELPED"),
        ]
    }

    /// Every SMS intent through `SMS IN`: what a farmer's message changes is audited as the sender
    /// (`sms:<phone>`, for the member), the inbound message itself is exempt.
    static var smsIntents: [AuditSample] {
        func sms(_ phone: String, _ text: String, _ id: Int) -> String { #"SMS IN \#(phone) "\#(text)" id=walk-\#(id)"# }
        let farmer = "sms:+8613800000001", w1 = "sms:+8613800000011", w2 = "sms:+8613800000012", w3 = "sms:+8613800000013"
        return [
            .bookkeeping(sms("13800000001", "帮助", 10)),
            .bookkeeping(sms("13800000001", "活动", 11)),
            .bookkeeping(sms("13800000001", "查价 柑橘", 12)),
            .write(sms("13800000099", "注册 钱八 咸水村", 13), actor: "sms:+8613800000099"),
            .write(sms("13800000001", "找人 耕田 3亩 {zh15} 1人", 14), member: "farmer", actor: farmer),
            .read("LABOUR REQUEST FIND member={farmer} date={d15}", save: ["r5": "0.id"]),
            .read("LABOUR JOB FIND request={r5}", save: ["j5": "0.id"]),
            .write(sms("13800000012", "接 {j5}", 15), member: "w2", actor: w2),
            .write(sms("13800000012", "完工 {j5}", 16), member: "w2", actor: w2),
            .write(sms("13800000001", "评 {j5} 5", 17), member: "farmer", actor: farmer),
            .write(sms("13800000001", "卖 柑橘 100斤 3元", 18), member: "farmer", actor: farmer),
            .write(sms("13800000013", "收购 土豆 1吨 2元/公斤", 19), member: "w3", actor: w3),
            .write(sms("13800000011", "报名 {ev}", 20), member: "w1", actor: w1),
            .write(sms("13800000011", "取消 {ev}", 21), member: "w1", actor: w1),
            .write(sms("13800000001", "预约 婚宴 {zh16} 5桌", 22), member: "farmer", actor: farmer),
            .write(sms("13800000013", "退订", 23), member: "w3", actor: w3),
        ]
    }

    /// Dates the lines use: `{dN}` is N days from today in the hub's zone, `{zhN}` the same as an SMS
    /// writes it, `{month}` this month.
    static func dates() -> [String: String] {
        var values = ["month": String(AuditFixture.day(0).prefix(7))]
        for offset in [6, 7, 9, 10, 11, 12, 13, 15, 20, 100] { values["d\(offset)"] = AuditFixture.day(offset) }
        for offset in [15, 16] { values["zh\(offset)"] = AuditFixture.smsDay(offset) }
        return values
    }
}
