import Foundation
import HuzhuKit

/// The texts members receive, each written to fit one SMS segment (70 UCS-2 characters) with titles cut
/// short where needed.
enum CultureReplies {
    static func title(_ text: String, _ length: Int = 10) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// The first text that fits one segment (a Chinese title makes an English text UCS-2: 70 characters).
    static func fit(_ texts: String...) -> String {
        texts.first(where: SMSSegments.fitsOne) ?? texts.last ?? ""
    }

    static func registered(_ outcome: RegistrationOutcome, time: CultureTime) -> LocalizedText {
        let when = time.short(outcome.startsAt)
        let name = title(outcome.title)
        if let place = outcome.place {
            return LocalizedText(
                en: fit("Event \(outcome.event) \(name) is full: you are no. \(place) on the waitlist. CANCEL \(outcome.event) to quit",
                        "Event \(outcome.event) is full: you are no. \(place) on the waitlist; we will text you if a place frees up. CANCEL \(outcome.event) to quit"),
                zh: "活动\(outcome.event)“\(name)”已满，您在候补第\(place)位，有空位会短信通知您。退出回复：取消 \(outcome.event)")
        }
        return LocalizedText(
            en: fit("Registered: event \(outcome.event) \(name), \(when), \(outcome.people) pers. CANCEL \(outcome.event) to quit",
                    "Registered: event \(outcome.event), \(when), \(outcome.people) person(s). CANCEL \(outcome.event) to quit"),
            zh: "报名成功：活动\(outcome.event)“\(name)”，\(when)，\(outcome.people)人。不能来请回复：取消 \(outcome.event)")
    }

    static func promoted(event: Int64, title text: String, startsAt: Date, people: Int, time: CultureTime) -> LocalizedText {
        let when = time.short(startsAt)
        return LocalizedText(
            en: fit("A place freed up: registered for event \(event) \(title(text)), \(when), \(people) pers.",
                    "A place freed up: you are registered for event \(event), \(when), \(people) person(s). CANCEL \(event) to quit"),
            zh: "有空位了：您已报名活动\(event)“\(title(text))”，\(when)，\(people)人。不能来请回复：取消 \(event)")
    }

    static func reminder(event: Int64, title text: String, startsAt: Date, time: CultureTime) -> LocalizedText {
        LocalizedText(
            en: fit("Reminder: event \(event) \(title(text)) is tomorrow, \(time.short(startsAt)). CANCEL \(event) if not coming",
                    "Reminder: event \(event) is tomorrow, \(time.short(startsAt)). CANCEL \(event) if you cannot come."),
            zh: "提醒：明天\(time.short(startsAt))活动\(event)“\(title(text))”，请准时参加。不能来请回复：取消 \(event)")
    }

    static func cancelledRegistration(_ outcome: CancellationOutcome) -> LocalizedText {
        LocalizedText(en: fit("Your registration for event \(outcome.event) \(title(outcome.title)) is cancelled.",
                              "Your registration for event \(outcome.event) is cancelled."),
                      zh: "已取消您在活动\(outcome.event)“\(title(outcome.title))”的报名。")
    }

    static func cancelledBooking(_ booking: Booking) -> LocalizedText {
        let paid = booking.deposit + booking.paid
        let refund = paid > 0 ? "已付\(paid)元，请到服务中心办理退款。" : ""
        return LocalizedText(
            en: "Booking \(booking.id) (\(booking.occasion) \(booking.date)) is cancelled.\(paid > 0 ? " Ask the centre about the \(paid) yuan paid." : "")",
            zh: "已取消预约\(booking.id)（\(booking.occasionZh)\(CultureTime.chineseDay(booking.date))）。\(refund)")
    }

    static func booked(_ booking: Booking) -> LocalizedText {
        let size = booking.tables.map { "\($0)桌" } ?? ""
        let names = title(booking.serviceNames, 14)
        return LocalizedText(
            en: "Booking \(booking.id): \(booking.occasion) \(booking.date)\(booking.tables.map { ", \($0) tables" } ?? ""), quote \(booking.quote) yuan. Staff will call about the deposit.",
            zh: "预约\(booking.id)已登记：\(booking.occasionZh)\(CultureTime.chineseDay(booking.date))\(size)，含\(names)，报价\(booking.quote)元。工作人员将联系您收定金。")
    }

    /// The 活动 listing: as many of the next events as fit one segment.
    static func listing(_ events: [(id: Int64, title: String, startsAt: Date, full: Bool)], time: CultureTime) -> LocalizedText {
        guard !events.isEmpty else {
            return LocalizedText(en: "No upcoming events for your village.", zh: "近期没有您村可参加的活动。")
        }
        func build(_ line: (Int64, String, Date, Bool) -> String, head: String, tail: String, separator: String) -> String {
            var text = head
            var count = 0
            for event in events {
                let item = (count == 0 ? "" : separator) + line(event.id, event.title, event.startsAt, event.full)
                if count > 0, !SMSSegments.fitsOne(text + item + tail) { break }
                text += item
                count += 1
            }
            return text + tail
        }
        let zh = build({ id, name, at, full in "\(id) \(time.short(at)) \(title(name, 8))\(full ? "(满)" : "")" },
                       head: "活动：", tail: "。报名回复：报名 编号", separator: "；")
        let en = build({ id, name, at, full in "\(id) \(time.short(at)) \(title(name, 14))\(full ? " (full)" : "")" },
                       head: "Events: ", tail: ". Reply JOIN <no.>", separator: "; ")
        return LocalizedText(en: en, zh: zh)
    }
}
