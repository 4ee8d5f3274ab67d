import Foundation

/// The weights of the match score, read from the plugin's configuration (`[plugins.labour] weight_distance = 3`…).
public struct LabourWeights: Sendable, Equatable {
    public var distance: Double
    public var level: Double
    public var rating: Double
    public var price: Double
    public var fairness: Double
    /// Added once per filled place of a priority request (无劳力户, 独居老人) in the day plan.
    public var priority: Double
    /// Scale of the distance term: a worker this far away scores 0 on distance.
    public var distanceScaleKm: Double
    /// Days worked in the fairness window that make the days half of the fairness term 0.
    public var fairnessDays: Double
    /// Earnings in the fairness window that make the earnings half of the fairness term 0.
    public var fairnessEarnings: Double

    public init(distance: Double = 3, level: Double = 2, rating: Double = 2, price: Double = 1, fairness: Double = 3,
                priority: Double = 2, distanceScaleKm: Double = 30, fairnessDays: Double = 10, fairnessEarnings: Double = 3000) {
        self.distance = distance
        self.level = level
        self.rating = rating
        self.price = price
        self.fairness = fairness
        self.priority = priority
        self.distanceScaleKm = distanceScaleKm
        self.fairnessDays = fairnessDays
        self.fairnessEarnings = fairnessEarnings
    }

    /// The highest score a candidate can reach (every term at 1).
    public var maximum: Double { distance + level + rating + price + fairness }
}

/// What is known of one candidate for one request, before scoring.
public struct LabourCandidateFacts: Sendable, Equatable {
    public var worker: Int64
    public var distanceKm: Double
    public var level: Int
    public var ratingSum: Int
    public var ratingCount: Int
    /// Yuan per unit (`mu` or `day`).
    public var price: Double
    public var unit: String
    /// Days worked and money earned in the fairness window before the job's day.
    public var recentDays: Int
    public var recentEarnings: Double

    public init(worker: Int64, distanceKm: Double, level: Int, ratingSum: Int, ratingCount: Int, price: Double, unit: String,
                recentDays: Int, recentEarnings: Double) {
        self.worker = worker
        self.distanceKm = distanceKm
        self.level = level
        self.ratingSum = ratingSum
        self.ratingCount = ratingCount
        self.price = price
        self.unit = unit
        self.recentDays = recentDays
        self.recentEarnings = recentEarnings
    }
}

/// Each term of a score in 0…1, and the weighted total. Documented in docs/plugins/labour.md.
public struct LabourScore: Sendable, Equatable {
    public var distance: Double
    public var level: Double
    public var rating: Double
    public var price: Double
    public var fairness: Double
    public var total: Double

    /// Scores a candidate. `cost` is what the job would cost the farmer with this worker (yuan), and
    /// `cheapest` the lowest such cost among the request's candidates: the price term compares costs, so
    /// per-mu and per-day prices are comparable.
    public static func of(_ facts: LabourCandidateFacts, cost: Double, cheapest: Double, weights: LabourWeights) -> LabourScore {
        let distance = max(0, 1 - facts.distanceKm / max(weights.distanceScaleKm, 0.001))
        let level = Double(facts.level) / 5
        // A newcomer starts as if rated 3 stars twice, so one early 5 does not beat a long record of 4s.
        let rating = (Double(facts.ratingSum) + 6) / (Double(facts.ratingCount) + 2) / 5
        let price = cost <= 0 ? 1 : min(1, max(cheapest, 0) / cost)
        // Fairness spreads work: a worker idle in the window scores 1, one who worked a lot or earned a lot 0.
        let days = min(1, Double(facts.recentDays) / max(weights.fairnessDays, 1))
        let earned = min(1, facts.recentEarnings / max(weights.fairnessEarnings, 1))
        let fairness = 1 - 0.5 * days - 0.5 * earned
        let total = weights.distance * distance + weights.level * level + weights.rating * rating + weights.price * price
            + weights.fairness * fairness
        return LabourScore(distance: distance, level: level, rating: rating, price: price, fairness: fairness, total: total)
    }

    /// What a worker earns for a request: per mu times the area shared by the crew, or a day's price.
    public static func cost(price: Double, unit: String, areaMu: Double?, crew: Int) -> Double {
        if unit == "mu" { return (price * (areaMu ?? 1) / Double(max(crew, 1)) * 100).rounded() / 100 }
        return price
    }
}

/// Great-circle distance between two points, in kilometres.
public func labourDistanceKm(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
    let toRadians = Double.pi / 180
    let dLat = (b.0 - a.0) * toRadians
    let dLon = (b.1 - a.1) * toRadians
    let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.0 * toRadians) * cos(b.0 * toRadians) * sin(dLon / 2) * sin(dLon / 2)
    return 6371 * 2 * asin(min(1, sqrt(h)))
}
