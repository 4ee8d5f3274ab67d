import Foundation
import HuzhuKit

/// `MARKET CROP ADD|LIST`, `MARKET BUYER ADD|LIST`.
extension MarketCommands {
    static func catalogue(_ market: MarketStore) -> [ConsoleCommand] {
        let cropAdd = "MARKET CROP ADD <name> [category=fruit] [unit=jin|kg|t|piece|box] [piece_kg=<kg>] [box_kg=<kg>] [synonyms=<word>,<word>]"
        let buyerAdd = "MARKET BUYER ADD <name> [kind=merchant|canteen|supermarket|cooperative] [member=<id>] [village=<id>] [contact=<text>]"
        return [
            ConsoleCommand(
                "MARKET CROP ADD", usage: cropAdd,
                summary: LocalizedText(en: "Add a crop, or synonyms and weights to one (synonyms also go into the SMS words)", zh: "添加农产品或其别名、单件/单箱重量（别名同时加入短信词库）"),
                access: countyWriters
            ) { request in
                try request.arguments.only(["category", "unit", "piece_kg", "box_kg", "synonyms"], usage: cropAdd)
                guard request.arguments.positional.count == 1 else {
                    throw HuzhuError(.syntax, "give one crop name: \(cropAdd)", zh: "请写一个农产品名称：\(cropAdd)")
                }
                let name = market.canonicalCrop(request.arguments.positional[0])
                let existing = try? await market.crop(name)
                let synonyms = (request.arguments["synonyms"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" })
                    .map { String($0) }.filter { !$0.isEmpty && $0 != name }
                let crop = MarketCrop(
                    name: name, category: request.arguments["category"] ?? existing?.category ?? "other",
                    defaultUnit: try unit(request.arguments, usage: cropAdd) ?? existing?.defaultUnit ?? .jin,
                    pieceKilograms: try positive(request.arguments, "piece_kg", usage: cropAdd),
                    boxKilograms: try positive(request.arguments, "box_kg", usage: cropAdd), synonyms: synonyms)
                let saved = try await market.saveCrop(crop, actor: try request.actor())
                return ConsoleReply(data: saved.json, line: "OK crop \(saved.name) (\(saved.synonyms.joined(separator: ",")))")
            },
            ConsoleCommand(
                "MARKET CROP LIST", usage: "MARKET CROP LIST",
                summary: LocalizedText(en: "The crops catalogue: synonyms, units, weights", zh: "农产品目录：别名、单位、重量"), access: readers
            ) { request in
                try request.arguments.only([], usage: "MARKET CROP LIST")
                let crops = try await market.crops()
                var table = TextTable(["CROP", "CATEGORY", "UNIT", "PIECE KG", "BOX KG", "SYNONYMS"])
                for crop in crops {
                    table.add([crop.name, crop.category, crop.defaultUnit.rawValue, crop.pieceKilograms.map { MarketFormat.number($0, decimals: 3) } ?? "",
                               crop.boxKilograms.map { MarketFormat.number($0, decimals: 3) } ?? "", crop.synonyms.joined(separator: ",")])
                }
                return ConsoleReply(data: .array(crops.map(\.json)), text: table.lines)
            },
            ConsoleCommand(
                "MARKET BUYER ADD", usage: buyerAdd,
                summary: LocalizedText(en: "Register a buyer: merchant, canteen, supermarket, cooperative", zh: "登记买家：客商、食堂、超市、合作社"),
                access: countyWriters
            ) { request in
                try request.arguments.only(["kind", "member", "village", "contact"], usage: buyerAdd)
                guard request.arguments.positional.count == 1 else {
                    throw HuzhuError(.syntax, "give the buyer's name (in quotes if it has spaces): \(buyerAdd)", zh: "请写买家名称：\(buyerAdd)")
                }
                let kind = request.arguments["kind"]?.lowercased() ?? "merchant"
                guard ["merchant", "canteen", "supermarket", "cooperative"].contains(kind) else {
                    throw HuzhuError(.syntax, "kind=\(kind) must be merchant, canteen, supermarket or cooperative: \(buyerAdd)", zh: "kind= 应为 merchant/canteen/supermarket/cooperative")
                }
                let buyer = try await market.addBuyer(
                    name: request.arguments.positional[0], kind: kind, member: try id(request.arguments, "member", usage: buyerAdd),
                    village: try request.arguments.int("village", usage: buyerAdd), contact: request.arguments["contact"] ?? "", actor: try request.actor())
                return ConsoleReply(data: buyer, line: "OK buyer \(MarketReport.cell(buyer["id"])) added")
            },
            ConsoleCommand(
                "MARKET BUYER LIST", usage: "MARKET BUYER LIST",
                summary: LocalizedText(en: "Buyers and their open demands", zh: "买家及其在收需求数"), access: readers
            ) { request in
                try request.arguments.only([], usage: "MARKET BUYER LIST")
                return rows(try await market.buyers(), ["id", "name", "kind", "member", "village", "open_demands"])
            },
        ]
    }
}
