import Foundation
import HuzhuKit

// The sales association's bus events, all emitted durably in the transaction that causes them.
// Payloads are contracts (docs/plugins/market.md): new fields may be added, none renamed or removed.

/// `market.offer.created`: a farmer (or staff for a household, 代销) listed produce.
public struct MarketOfferCreated: BusMessage {
    public static let topic = "market.offer.created"
    public let offer: Int64, member: Int64, household: Int64?, village: Int, crop: String
    public let quantity: Double, unit: String, price: Double?, consigned: Bool

    public var json: JSONValue {
        ["offer": .int(Int(offer)), "member": .int(Int(member)), "household": household.map { .int(Int($0)) } ?? .null,
         "village": .int(village), "crop": .string(crop), "quantity": .double(quantity), "unit": .string(unit),
         "price": price.map(JSONValue.double) ?? .null, "consigned": .bool(consigned)]
    }
}

/// `market.demand.created`: a buyer wants to buy.
public struct MarketDemandCreated: BusMessage {
    public static let topic = "market.demand.created"
    public let demand: Int64, buyer: Int64, crop: String, quantity: Double, unit: String, price: Double?, village: Int?

    public var json: JSONValue {
        ["demand": .int(Int(demand)), "buyer": .int(Int(buyer)), "crop": .string(crop), "quantity": .double(quantity),
         "unit": .string(unit), "price": price.map(JSONValue.double) ?? .null, "village": village.map(JSONValue.int) ?? .null]
    }
}

/// `market.match.found`: an offer and a demand fit (crop, quantity, price, distance); both sides were told.
public struct MarketMatchFound: BusMessage {
    public static let topic = "market.match.found"
    public let match: Int64, offer: Int64, demand: Int64, crop: String, quantity: Double, unit: String
    public let price: Double?, distanceKm: Double?

    public var json: JSONValue {
        ["match": .int(Int(match)), "offer": .int(Int(offer)), "demand": .int(Int(demand)), "crop": .string(crop),
         "quantity": .double(quantity), "unit": .string(unit), "price": price.map(JSONValue.double) ?? .null,
         "distance_km": distanceKm.map(JSONValue.double) ?? .null]
    }
}

/// `market.deal.settled`: a deal was delivered and paid up; `amount - commission` goes to the seller.
public struct MarketDealSettled: BusMessage {
    public static let topic = "market.deal.settled"
    public let deal: Int64, offer: Int64, buyer: Int64, member: Int64, household: Int64?, crop: String
    public let quantity: Double, unit: String, price: Double, amount: Double, commission: Double, paid: Bool, consigned: Bool

    public var json: JSONValue {
        ["deal": .int(Int(deal)), "offer": .int(Int(offer)), "buyer": .int(Int(buyer)), "member": .int(Int(member)),
         "household": household.map { .int(Int($0)) } ?? .null, "crop": .string(crop), "quantity": .double(quantity),
         "unit": .string(unit), "price": .double(price), "amount": .double(amount), "commission": .double(commission),
         "paid": .bool(paid), "consigned": .bool(consigned)]
    }
}
