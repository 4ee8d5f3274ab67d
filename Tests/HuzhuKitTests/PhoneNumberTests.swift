import Foundation
import HuzhuKit
import Testing

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("13800138000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),  // full-width digits from a Chinese input method
        ("＋８６ １３８ ００１３ ８０００", "+8613800138000"),  // full-width plus and ideographic spaces
        ("(138) 0013.8000", "+8613800138000"),
        ("19912345678", "+8619912345678"),
        ("0717-1234567", "+867171234567"),  // Yichang landline
        ("010-12345678", "+861012345678"),  // Beijing landline
        ("+86 717 1234567", "+867171234567"),
        ("+86 10 1234 5678", "+861012345678"),  // Beijing landline written internationally
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
    ])
    func parsesToE164(raw: String, e164: String) throws {
        #expect(try PhoneNumber(parsing: raw).e164 == e164)
    }

    @Test func equalHowEverWritten() throws {
        let forms = ["13800138000", "+86 138-0013-8000", "008613800138000", "8613800138000", "１３８００１３８０００"]
        let numbers = try forms.map { (raw) throws(HuzhuError) in try PhoneNumber(parsing: raw) }
        #expect(Set(numbers).count == 1)
    }

    @Test(arguments: [
        "1380013800",  // mobile too short (10 digits)
        "138001380001",  // mobile too long (12 digits)
        "12345678901",  // starts with 12
        "10123456789",  // starts with 10 (no such mobile) and has no trunk 0
        "1380013800a",  // a letter
        "138OO138000",  // letter O instead of zero
        "",  // empty
        "  - ",  // no digits at all
        "+86 0717 1234567",  // area code with its trunk 0 after +86
        "+86 138 0013 800",  // mobile too short after +86
        "138+00138000",  // plus in the middle
        "+86+13800138000",  // two pluses
        "7171234567",  // landline without its trunk 0
        "0717-123",  // landline too short
        "+1234567",  // international number too short
        "+1234567890123456",  // international number too long
        "+0123456789",  // country code cannot start with 0
        "010-123456789",  // Beijing subscriber numbers have 8 digits
        "+86 10 123456789",
        "8610123456789",  // 13 digits after 86 but not a mobile number
    ])
    func rejectsInvalid(raw: String) {
        #expect {
            _ = try PhoneNumber(parsing: raw)
        } throws: { error in
            guard let error = error as? HuzhuError else { return false }
            return error.code == .invalid && error.message.en.contains("is not a valid phone number")
        }
    }

    @Test func errorSaysWhatIsWrongInBothLanguages() throws {
        do {
            _ = try PhoneNumber(parsing: "12345678901")
            Issue.record("12345678901 parsed")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.message.en.contains("'12345678901'"))
            #expect(error.message.en.contains("starts with 13 to 19"))
            #expect(error.message.zhOrNil?.contains("不是有效的电话号码") == true)
        }
    }

    @Test func letterIsNamedInTheError() throws {
        do {
            _ = try PhoneNumber(parsing: "138x0138000")
            Issue.record("a letter parsed")
        } catch {
            #expect(error.message.en.contains("it contains 'x'"))
        }
    }

    @Test func maskedHidesTheMiddleDigits() throws {
        let mobile = try PhoneNumber(parsing: "13800138000")
        #expect(mobile.masked == "+86138****8000")
        #expect(!mobile.masked.contains("0013"))
        let landline = try PhoneNumber(parsing: "0717-1234567")
        #expect(landline.masked == "+8671****4567")
        #expect(landline.masked.count == landline.e164.count)
    }

    @Test func chineseMobileFlag() throws {
        #expect(try PhoneNumber(parsing: "13800138000").isChineseMobile)
        #expect(try !PhoneNumber(parsing: "0717-1234567").isChineseMobile)
        #expect(try !PhoneNumber(parsing: "010-12345678").isChineseMobile)
        #expect(try !PhoneNumber(parsing: "+44 20 7946 0958").isChineseMobile)
    }

    @Test func e164Initialiser() {
        #expect(PhoneNumber(e164: "+8613800138000")?.e164 == "+8613800138000")
        #expect(PhoneNumber(e164: "8613800138000") == nil)
        #expect(PhoneNumber(e164: "+86 138") == nil)
        #expect(PhoneNumber(e164: "+1234567") == nil)
    }

    /// Every stored form must parse back to itself: decoding goes through `init(parsing:)`.
    @Test(arguments: ["13800138000", "0717-1234567", "010-12345678", "+44 20 7946 0958"])
    func codableRoundTrip(raw: String) throws {
        let number = try PhoneNumber(parsing: raw)
        #expect(try PhoneNumber(parsing: number.e164) == number)
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(number.e164)\"]")
        #expect(try JSONDecoder().decode([PhoneNumber].self, from: data) == [number])
    }

    @Test func sortsByE164() throws {
        let a = try PhoneNumber(parsing: "+44 20 7946 0958")
        let b = try PhoneNumber(parsing: "13800138000")
        #expect([b, a].sorted() == [a, b])
    }
}
