import HuzhuKit
import Testing

/// Areas, counts, quantities with units, and prices.
@Suite struct AmountTests {
    @Test(arguments: [
        ("5亩", 5.0), ("五亩", 5), ("两亩", 2), ("十亩", 10), ("五亩半", 5.5), ("一亩半", 1.5), ("半亩", 0.5), ("5.5亩", 5.5),
        ("5 亩", 5), ("5亩3分", 5.3), ("三点五亩", 3.5), ("5mu", 5), ("2.5 MU", 2.5), ("５亩", 5), ("5畝", 5),
    ])
    func areas(text: String, mu: Double) {
        var reader = SMSSlotReader(text)
        #expect(reader.takeArea() == mu)
        #expect(reader.isEmpty)
    }

    @Test(arguments: [
        ("3人", 3.0), ("三人", 3), ("3个人", 3), ("三个人", 3), ("两位", 2), ("俩人", 2), ("3名", 3), ("十人", 10),
        ("3 people", 3), ("2ppl", 2), ("4口", 4), ("3 人", 3),
    ])
    func people(text: String, count: Double) {
        var reader = SMSSlotReader(text)
        #expect(reader.takeCount(SMSSlotReader.peopleWords) == count)
        #expect(reader.isEmpty)
    }

    @Test func tablesAndStars() {
        var reader = SMSSlotReader("15桌 五颗星")
        #expect(reader.takeCount(SMSSlotReader.tableWords) == 15)
        #expect(reader.takeCount(SMSSlotReader.starWords) == 5)
        reader = SMSSlotReader("二十席 4分")
        #expect(reader.takeCount(SMSSlotReader.tableWords) == 20)
        #expect(reader.takeCount(SMSSlotReader.starWords) == 4)
    }

    @Test(arguments: [
        ("2000斤", 2000.0, "jin"), ("2000 斤", 2000, "jin"), ("两千斤", 2000, "jin"), ("1万斤", 10000, "jin"),
        ("一万斤", 10000, "jin"), ("两万三千斤", 23000, "jin"), ("半斤", 0.5, "jin"), ("一斤半", 1.5, "jin"),
        ("2000多斤", 2000, "jin"), ("500市斤", 500, "jin"),
        ("500公斤", 500, "kg"), ("500千克", 500, "kg"), ("2千克", 2, "kg"), ("500kg", 500, "kg"), ("500 KG", 500, "kg"),
        ("两吨", 2, "t"), ("5吨", 5, "t"), ("一吨半", 1.5, "t"), ("3吨多", 3, "t"), ("2t", 2, "t"), ("2 tons", 2, "t"),
        ("300个", 300, "piece"), ("20只", 20, "piece"), ("3头", 3, "piece"), ("50 pcs", 50, "piece"),
        ("50箱", 50, "box"), ("30筐", 30, "box"), ("10 boxes", 10, "box"),
    ])
    func quantities(text: String, value: Double, unit: String) {
        var reader = SMSSlotReader(text)
        #expect(reader.takeQuantity() == SMSQuantity(value: value, unit: unit))
        #expect(reader.isEmpty)
    }

    @Test func aNumberWithoutAUnitIsNoQuantity() {
        var reader = SMSSlotReader("2000 3人")
        #expect(reader.takeQuantity() == nil)
    }

    @Test(arguments: [
        ("3元", 3.0, nil as String?), ("3块", 3, nil), ("3块钱", 3, nil), ("三块", 3, nil), ("三块五", 3.5, nil),
        ("3块5", 3.5, nil), ("3元5角", 3.5, nil), ("三块五毛钱", 3.5, nil), ("5毛", 0.5, nil), ("八角", 0.8, nil),
        ("1块1", 1.1, nil), ("3.5元", 3.5, nil), ("3 yuan", 3, nil), ("单价3", 3, nil), ("价格3.5元", 3.5, nil), ("¥3", 3, nil),
        ("3.5元/斤", 3.5, "jin"), ("3元一斤", 3, "jin"), ("3元每斤", 3, "jin"), ("3元1斤", 3, "jin"), ("每斤3元", 3, "jin"),
        ("一斤三块五", 3.5, "jin"), ("25元/公斤", 25, "kg"), ("每吨2000元", 2000, "t"), ("60元/箱", 60, "box"),
    ])
    func prices(text: String, yuan: Double, per: String?) {
        var reader = SMSSlotReader(text)
        #expect(reader.takePrice() == SMSPrice(yuan: yuan, perUnit: per))
        #expect(reader.isEmpty)
    }

    @Test func priceIsNotAQuantity() {
        // In 2000斤3元 the 2000 is the quantity and 3 the price; in 一斤3元 the 一斤 belongs to the price.
        var reader = SMSSlotReader("2000斤3元")
        #expect(reader.takePrice() == SMSPrice(yuan: 3))
        #expect(reader.takeQuantity() == SMSQuantity(value: 2000, unit: "jin"))
        reader = SMSSlotReader("2000斤 一斤3元")
        #expect(reader.takePrice() == SMSPrice(yuan: 3, perUnit: "jin"))
        #expect(reader.takeQuantity() == SMSQuantity(value: 2000, unit: "jin"))
    }

    @Test func pricesConvertBetweenWeights() {
        #expect(SMSPrice(yuan: 1.5, perUnit: "jin").yuan(per: "t") == 3000)
        #expect(SMSPrice(yuan: 25, perUnit: "kg").yuan(per: "jin") == 12.5)
        #expect(SMSPrice(yuan: 3).yuan(per: "box") == 3)
        #expect(SMSPrice(yuan: 5, perUnit: "box").yuan(per: "jin") == nil)
    }

    @Test func bareNumbers() {
        var reader = SMSSlotReader("第12号 一下 5亩 7")
        #expect(reader.takeInteger() == 12)
        #expect(reader.takeInteger() == 7)  // 5亩 is a measure, 一下 a word
        #expect(reader.takeInteger() == nil)
        reader = SMSSlotReader("十二")
        #expect(reader.takeInteger() == 12)
        reader = SMSSlotReader("#7 No.8")
        #expect(reader.takeInteger() == 7)
        #expect(reader.takeInteger() == 8)
    }

    @Test func leftoverWordsLoseTheirFillers() {
        var reader = SMSSlotReader("自家的板栗 500斤左右 谢谢")
        _ = reader.takeQuantity()
        #expect(reader.leftoverWords() == ["板栗"])
    }
}
