import Foundation
import HuzhuKit
import Testing

/// Dates resolved against a receive time in Asia/Shanghai.
@Suite struct DateTests {
    /// The date read from `text` received at `iso` (Asia/Shanghai), as `YYYY-MM-DD`.
    func date(_ text: String, at iso: String = "2026-06-10T09:00:00+08:00") throws(SMSSlotError) -> String? {
        var reader = SMSSlotReader(text)
        return try reader.takeDate(Fixture.context(iso))?.iso
    }

    @Test(arguments: [
        ("今天", "2026-06-10"), ("明天", "2026-06-11"), ("后天", "2026-06-12"), ("後天", "2026-06-12"), ("大后天", "2026-06-13"),
        ("3天后", "2026-06-13"), ("两天以后", "2026-06-12"), ("tomorrow", "2026-06-11"), ("Today", "2026-06-10"),
        // The next such weekday, today (a Wednesday) excluded.
        ("周四", "2026-06-11"), ("星期五", "2026-06-12"), ("礼拜六", "2026-06-13"), ("周日", "2026-06-14"),
        ("星期天", "2026-06-14"), ("礼拜天", "2026-06-14"), ("周一", "2026-06-15"), ("周二", "2026-06-16"),
        ("周三", "2026-06-17"), ("星期3", "2026-06-17"), ("wed", "2026-06-17"), ("Friday", "2026-06-12"),
        // Next Monday–Sunday week.
        ("下周一", "2026-06-15"), ("下周三", "2026-06-17"), ("下周日", "2026-06-21"), ("下个星期五", "2026-06-19"),
        ("下下周二", "2026-06-23"), ("next mon", "2026-06-15"), ("next sun", "2026-06-21"),
        // This week, today included.
        ("这周五", "2026-06-12"), ("本周三", "2026-06-10"), ("这周日", "2026-06-14"),
        // Day of the month, today included.
        ("12号", "2026-06-12"), ("12日", "2026-06-12"), ("10号", "2026-06-10"), ("9号", "2026-07-09"), ("十五号", "2026-06-15"),
        ("31号", "2026-07-31"), ("下个月5号", "2026-07-05"), ("本月20号", "2026-06-20"),
        // Month and day: this year, or next year when past.
        ("6月12日", "2026-06-12"), ("6月12号", "2026-06-12"), ("6月12", "2026-06-12"), ("六月十二日", "2026-06-12"),
        ("十月一号", "2026-10-01"), ("6月10日", "2026-06-10"), ("6月9日", "2027-06-09"), ("5月1日", "2027-05-01"),
        ("2月29日", "2028-02-29"), ("6/12", "2026-06-12"), ("6.12", "2026-06-12"), ("6-12", "2026-06-12"),
        ("1/5", "2027-01-05"), ("2026年6月20日", "2026-06-20"), ("2026-06-20", "2026-06-20"), ("2027/1/5", "2027-01-05"),
        ("26年7月1日", "2026-07-01"),
        // Fixed holidays, the next one; 十一 alone is National Day, 十一号 the 11th.
        ("国庆", "2026-10-01"), ("国庆节", "2026-10-01"), ("十一", "2026-10-01"), ("元旦", "2027-01-01"), ("五一", "2027-05-01"),
        ("十一号", "2026-06-11"),
    ])
    func resolves(text: String, expected: String) throws {
        #expect(try date(text) == expected)
    }

    @Test func weekdayOnItsOwnDayMeansNextWeek() throws {
        // 2026-06-10 is a Wednesday: 周三 is a week later, 今天 is today.
        #expect(SMSDay(year: 2026, month: 6, day: 10)!.weekday == 3)
        #expect(try date("周三") == "2026-06-17")
        #expect(try date("礼拜三", at: "2026-06-17T20:00:00+08:00") == "2026-06-24")
    }

    @Test func dayOfMonthOnThatDayMeansToday() throws {
        #expect(try date("12号", at: "2026-06-12T08:00:00+08:00") == "2026-06-12")
        #expect(try date("11号", at: "2026-06-12T08:00:00+08:00") == "2026-07-11")
        #expect(try date("6月12日", at: "2026-06-12T08:00:00+08:00") == "2026-06-12")
    }

    @Test func monthsWithoutTheDayAreSkipped() throws {
        #expect(try date("31号", at: "2026-06-10T09:00:00+08:00") == "2026-07-31")
        #expect(try date("30号", at: "2026-02-01T09:00:00+08:00") == "2026-03-30")
        #expect(try date("29号", at: "2026-02-01T09:00:00+08:00") == "2026-03-29")
        #expect(try date("29号", at: "2028-02-01T09:00:00+08:00") == "2028-02-29")
    }

    @Test func yearRolloverInDecember() throws {
        let at = "2026-12-30T10:00:00+08:00"  // a Wednesday
        #expect(try date("明天", at: at) == "2026-12-31")
        #expect(try date("后天", at: at) == "2027-01-01")
        #expect(try date("3天后", at: at) == "2027-01-02")
        #expect(try date("周五", at: at) == "2027-01-01")
        #expect(try date("周三", at: at) == "2027-01-06")
        #expect(try date("下周一", at: at) == "2027-01-04")
        #expect(try date("1月5日", at: at) == "2027-01-05")
        #expect(try date("1/1", at: at) == "2027-01-01")
        #expect(try date("5号", at: at) == "2027-01-05")
        #expect(try date("31号", at: at) == "2026-12-31")
        #expect(try date("下个月5号", at: at) == "2027-01-05")
        #expect(try date("12月30日", at: at) == "2026-12-30")
        #expect(try date("12月29日", at: at) == "2027-12-29")
    }

    @Test func nextWeekFromASunday() throws {
        let at = "2026-06-14T09:00:00+08:00"  // a Sunday
        #expect(try date("下周一", at: at) == "2026-06-15")
        #expect(try date("下周日", at: at) == "2026-06-21")
        #expect(try date("周日", at: at) == "2026-06-21")
        #expect(try date("这周日", at: at) == "2026-06-14")
        #expect(try date("周一", at: at) == "2026-06-15")
    }

    @Test func dayIsTakenInTheHubTimeZone() throws {
        // 01:00 in Shanghai on June 10 is still June 9 in UTC.
        let instant = Fixture.instant("2026-06-10T01:00:00+08:00")
        var reader = SMSSlotReader("明天")
        #expect(try reader.takeDate(SMSParseContext(receivedAt: instant, timeZone: Fixture.timeZone))?.iso == "2026-06-11")
        reader = SMSSlotReader("明天")
        #expect(try reader.takeDate(SMSParseContext(receivedAt: instant, timeZone: TimeZone(identifier: "UTC")!))?.iso == "2026-06-10")
    }

    @Test(arguments: ["6月31日", "2月30日", "13月1日", "这周一", "2025年6月1日", "32号", "本月31号", "下个月32号"])
    func rejectsImpossibleOrPastDays(text: String) {
        #expect(throws: SMSSlotError.self) { try date(text) }
        do { _ = try date(text) } catch { #expect(error.slot == "date") }
    }

    @Test(arguments: ["5.5亩", "3.5元", "插秧", "13/45", "6月", "3天", "十一人", "春节", "下周"])
    func notADate(text: String) throws {
        #expect(try date(text) == nil)
    }

    @Test func dayArithmetic() {
        let day = SMSDay(year: 2024, month: 2, day: 28)!
        #expect(day.adding(days: 1).iso == "2024-02-29")
        #expect(day.adding(days: 2).iso == "2024-03-01")
        #expect(SMSDay(year: 2026, month: 1, day: 1)!.adding(days: -1).iso == "2025-12-31")
        #expect(SMSDay(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(SMSDay(year: 1970, month: 1, day: 1)!.weekday == 4)  // a Thursday
        #expect(SMSDay(year: 2026, month: 2, day: 29) == nil)
        #expect(SMSDay(year: 2000, month: 2, day: 29) != nil)
        #expect(SMSDay(year: 1900, month: 2, day: 29) == nil)
    }
}
