import Foundation
import HuzhuKit

/// The sales association's tables. Invariants live here, not only in Swift: concurrent console sessions
/// and SMS are the normal case.
enum MarketSchema {
    static let migrations = [
        MigrationSource(version: 1, name: "market", sql: tables),
        MigrationSource(version: 2, name: "market_crops", sql: crops),
        MigrationSource(version: 3, name: "market_offer_village_idx", sql: offerVillageIndex),
        MigrationSource(version: 4, name: "market_demand_village_idx", sql: demandVillageIndex),
    ]

    /// A new offer's buyers are found village by village, nearest first, the best-paying open demands of
    /// each through this index (`demandsMatching`): reading every open demand of the crop took 10 ms with
    /// 5,000 of them, this 0.8 ms. Demands without a village are under 0 (village ids start at 1).
    static let demandVillageIndex = """
        CREATE INDEX market_demand_village_idx ON market_demand (crop, (coalesce(village_id, 0)), price_per_kg DESC NULLS LAST, id)
            WHERE status = 'open';
        """

    /// Matching a demand walks the villages within its radius, nearest first, and reads each one's cheapest
    /// fitting open offers through the index, stopping once it has enough: a few index probes instead of
    /// reading every open offer of the crop (market-bench: 100,000 offers).
    static let offerVillageIndex = """
        CREATE INDEX market_offer_village_idx ON market_offer (crop, village_id, price_per_kg, id) WHERE status = 'open';

        CREATE FUNCTION market_offers_for_demand(p_demand bigint, p_limit int, p_today date, p_tolerance_pct double precision,
                                                 p_min_share_pct double precision)
        RETURNS TABLE (r_offer bigint, r_member bigint, r_left double precision, r_unit text, r_kg_per_unit double precision,
                       r_price double precision, r_km double precision)
        LANGUAGE plpgsql STABLE AS $$
        #variable_conflict use_column
        DECLARE
            d record;
            v record;
            found_rows int := 0;
            added int;
        BEGIN
            SELECT dm.crop, dm.needed_by, dm.price_per_kg AS per_kg, dm.radius_km, dm.quantity * dm.kg_per_unit AS kg,
                   vd.latitude AS lat, vd.longitude AS lon
            INTO d FROM market_demand dm LEFT JOIN village vd ON vd.id = dm.village_id WHERE dm.id = p_demand;
            IF NOT FOUND THEN RETURN; END IF;
            FOR v IN
                SELECT n.id, n.km FROM (SELECT vv.id, market_km(vv.latitude, vv.longitude, d.lat, d.lon) AS km FROM village vv) n
                WHERE n.km IS NULL OR n.km <= d.radius_km
                ORDER BY n.km NULLS LAST, n.id
            LOOP
                RETURN QUERY
                    SELECT o.id, o.member_id, o.quantity - o.reserved, o.unit, o.kg_per_unit, o.price, v.km
                    FROM market_offer o
                    WHERE o.crop = d.crop AND o.village_id = v.id AND o.status = 'open'
                      AND (o.available_until IS NULL OR o.available_until >= p_today)
                      AND (d.needed_by IS NULL OR o.available_from <= d.needed_by)
                      AND (o.price_per_kg IS NULL OR d.per_kg IS NULL OR o.price_per_kg <= d.per_kg * (1 + p_tolerance_pct / 100))
                      AND (o.kg_per_unit IS NULL OR d.kg IS NULL OR (o.quantity - o.reserved) * o.kg_per_unit >= d.kg * p_min_share_pct / 100)
                    ORDER BY o.price_per_kg NULLS LAST, o.id
                    LIMIT p_limit - found_rows;
                GET DIAGNOSTICS added = ROW_COUNT;
                found_rows := found_rows + added;
                EXIT WHEN found_rows >= p_limit;
            END LOOP;
        END
        $$;
        """

    static let tables = """
        -- The crops catalogue: data, so staff can add crops and synonyms without a release.
        CREATE TABLE market_crop (
            name          text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
            category      text NOT NULL DEFAULT 'other' CHECK (length(category) BETWEEN 1 AND 40),
            default_unit  text NOT NULL DEFAULT 'jin' CHECK (default_unit IN ('jin', 'kg', 't', 'piece', 'box')),
            piece_kg      double precision CHECK (piece_kg > 0),   -- weight of one piece, when known
            box_kg        double precision CHECK (box_kg > 0),     -- weight of one box or basket, when known
            synonyms      text[] NOT NULL DEFAULT '{}'
        );

        -- Offers (供货) and demands (收购) share one numbering, so that `取消 12` names one listing only.
        CREATE SEQUENCE market_listing_seq;

        CREATE TABLE market_offer (
            id              bigint PRIMARY KEY DEFAULT nextval('market_listing_seq'),
            member_id       bigint NOT NULL REFERENCES member (id),
            household_id    bigint REFERENCES household (id),
            village_id      integer NOT NULL REFERENCES village (id),
            crop            text NOT NULL REFERENCES market_crop (name) ON UPDATE CASCADE,
            variety         text NOT NULL DEFAULT '' CHECK (length(variety) <= 40),
            grade           text NOT NULL DEFAULT '' CHECK (length(grade) <= 20),
            quantity        double precision NOT NULL CHECK (quantity > 0),
            unit            text NOT NULL CHECK (unit IN ('jin', 'kg', 't', 'piece', 'box')),
            kg_per_unit     double precision CHECK (kg_per_unit > 0),   -- NULL: pieces or boxes of unknown weight
            price           double precision CHECK (price > 0),         -- yuan per unit; NULL: negotiable (面议)
            price_per_kg    double precision GENERATED ALWAYS AS (price / kg_per_unit) STORED,
            reserved        double precision NOT NULL DEFAULT 0 CHECK (reserved >= 0),
            available_from  date NOT NULL DEFAULT current_date,
            available_until date,
            status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sold', 'cancelled', 'expired')),
            consigned       boolean NOT NULL DEFAULT false,              -- 代销: staff sell for a household without labour
            commission_pct  double precision NOT NULL DEFAULT 0 CHECK (commission_pct BETWEEN 0 AND 50),
            created_by      text NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            is_demo         boolean NOT NULL DEFAULT false,
            -- Never oversold: deals reserve with a guarded UPDATE, and this is the store's last word.
            CONSTRAINT market_offer_not_oversold CHECK (reserved <= quantity),
            CONSTRAINT market_offer_dates CHECK (available_until IS NULL OR available_until >= available_from),
            CONSTRAINT market_offer_consigned_household CHECK (NOT consigned OR household_id IS NOT NULL)
        );
        CREATE INDEX market_offer_open_idx ON market_offer (crop, price_per_kg) WHERE status = 'open';
        CREATE INDEX market_offer_member_idx ON market_offer (member_id);
        CREATE INDEX market_offer_household_idx ON market_offer (household_id) WHERE consigned;

        -- Buyers: merchants, canteens, supermarkets, other cooperatives; or a member who sent 收购.
        CREATE TABLE market_buyer (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            kind        text NOT NULL DEFAULT 'merchant' CHECK (kind IN ('merchant', 'canteen', 'supermarket', 'cooperative', 'member')),
            member_id   bigint UNIQUE REFERENCES member (id),   -- SMS goes to buyers through their member record
            village_id  integer REFERENCES village (id),
            contact     text NOT NULL DEFAULT '' CHECK (length(contact) <= 200),
            is_demo     boolean NOT NULL DEFAULT false,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE market_demand (
            id            bigint PRIMARY KEY DEFAULT nextval('market_listing_seq'),
            buyer_id      bigint NOT NULL REFERENCES market_buyer (id),
            crop          text NOT NULL REFERENCES market_crop (name) ON UPDATE CASCADE,
            quantity      double precision NOT NULL CHECK (quantity > 0),
            unit          text NOT NULL CHECK (unit IN ('jin', 'kg', 't', 'piece', 'box')),
            kg_per_unit   double precision CHECK (kg_per_unit > 0),
            price         double precision CHECK (price > 0),       -- yuan per unit the buyer offers; NULL: ask
            price_per_kg  double precision GENERATED ALWAYS AS (price / kg_per_unit) STORED,
            needed_by     date,
            village_id    integer REFERENCES village (id),          -- centre of the delivery area
            radius_km     double precision NOT NULL DEFAULT 60 CHECK (radius_km > 0),
            status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'filled', 'cancelled', 'expired')),
            created_by    text NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now(),
            is_demo       boolean NOT NULL DEFAULT false
        );
        CREATE INDEX market_demand_open_idx ON market_demand (crop) WHERE status = 'open';

        -- Matches proposed by the hub; staff turn them into deals.
        CREATE TABLE market_match (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            offer_id     bigint NOT NULL REFERENCES market_offer (id),
            demand_id    bigint NOT NULL REFERENCES market_demand (id),
            distance_km  double precision,
            status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'dealt', 'dismissed')),
            created_at   timestamptz NOT NULL DEFAULT now(),
            UNIQUE (offer_id, demand_id)
        );

        CREATE TABLE market_deal (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            offer_id    bigint NOT NULL REFERENCES market_offer (id),
            buyer_id    bigint NOT NULL REFERENCES market_buyer (id),
            demand_id   bigint REFERENCES market_demand (id),
            match_id    bigint REFERENCES market_match (id),
            quantity    double precision NOT NULL CHECK (quantity > 0),   -- in the offer's unit
            price       double precision NOT NULL CHECK (price > 0),      -- yuan per offer unit
            status      text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'delivered', 'settled', 'cancelled')),
            amount      double precision CHECK (amount >= 0),
            commission  double precision CHECK (commission >= 0),
            paid        boolean NOT NULL DEFAULT false,
            created_by  text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now(),
            settled_at  timestamptz,
            CONSTRAINT market_deal_settled_amount CHECK (status <> 'settled' OR (amount IS NOT NULL AND commission IS NOT NULL AND settled_at IS NOT NULL)),
            CONSTRAINT market_deal_commission_within_amount CHECK (commission IS NULL OR commission <= amount)
        );
        CREATE INDEX market_deal_offer_idx ON market_deal (offer_id);
        CREATE INDEX market_deal_settled_idx ON market_deal (settled_at) WHERE status = 'settled';

        -- Price observations, per kg: from settled deals or staff-entered market reports.
        CREATE TABLE market_price (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            market        text NOT NULL CHECK (length(market) BETWEEN 1 AND 100),
            crop          text NOT NULL REFERENCES market_crop (name) ON UPDATE CASCADE,
            price_per_kg  double precision NOT NULL CHECK (price_per_kg > 0),
            observed_on   date NOT NULL,
            source        text NOT NULL CHECK (source IN ('deal', 'report')),
            deal_id       bigint UNIQUE REFERENCES market_deal (id),
            created_by    text NOT NULL,
            is_demo       boolean NOT NULL DEFAULT false,
            CONSTRAINT market_price_deal_source CHECK ((source = 'deal') = (deal_id IS NOT NULL))
        );
        -- 查价 reads two weeks of one crop: an index-only scan over this.
        CREATE INDEX market_price_crop_day_idx ON market_price (crop, observed_on) INCLUDE (price_per_kg);

        -- 订阅: price alerts, at most once a day each.
        CREATE TABLE market_subscription (
            member_id      bigint NOT NULL REFERENCES member (id),
            crop           text NOT NULL REFERENCES market_crop (name) ON UPDATE CASCADE,
            baseline       double precision,       -- the median last alerted (or at subscription)
            last_alert_on  date,
            created_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (member_id, crop)
        );

        -- labour.job.done arrives at least once: one harvest prompt per job.
        CREATE TABLE market_harvest_prompt (
            job_id     bigint PRIMARY KEY,
            member_id  bigint NOT NULL REFERENCES member (id),
            task       text NOT NULL,
            sent_at    timestamptz NOT NULL DEFAULT now()
        );

        -- Great-circle distance between villages, in km (no PostGIS needed at this scale).
        CREATE FUNCTION market_km(lat1 double precision, lon1 double precision, lat2 double precision, lon2 double precision)
        RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT 2 * 6371 * asin(sqrt(power(sin(radians(lat2 - lat1) / 2), 2)
                + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))
        $$;
        """

    /// The county's common produce, with the synonyms also in the SMS vocabulary.
    static let crops = """
        INSERT INTO market_crop (name, category, default_unit, piece_kg, box_kg, synonyms) VALUES
            ('柑橘', 'fruit', 'jin', 0.15, 10, '{橘子,桔子,柑子,蜜橘,椪柑}'),
            ('脐橙', 'fruit', 'jin', 0.25, 10, '{橙子,甜橙}'),
            ('猕猴桃', 'fruit', 'jin', 0.1, 5, '{奇异果}'),
            ('苹果', 'fruit', 'jin', 0.25, 10, '{}'),
            ('土豆', 'vegetable', 'jin', 0.2, NULL, '{洋芋,马铃薯}'),
            ('红薯', 'vegetable', 'jin', NULL, NULL, '{红苕,地瓜}'),
            ('魔芋', 'vegetable', 'jin', NULL, NULL, '{磨芋}'),
            ('高山蔬菜', 'vegetable', 'jin', NULL, 15, '{高山菜,蔬菜}'),
            ('白菜', 'vegetable', 'jin', 2, NULL, '{大白菜}'),
            ('萝卜', 'vegetable', 'jin', 1, NULL, '{白萝卜}'),
            ('辣椒', 'vegetable', 'jin', NULL, NULL, '{辣子,海椒}'),
            ('生姜', 'vegetable', 'jin', NULL, NULL, '{姜}'),
            ('大蒜', 'vegetable', 'jin', NULL, NULL, '{蒜}'),
            ('玉米', 'grain', 'jin', NULL, NULL, '{苞谷,包谷}'),
            ('稻谷', 'grain', 'jin', NULL, NULL, '{谷子,水稻}'),
            ('大米', 'grain', 'jin', NULL, NULL, '{}'),
            ('小麦', 'grain', 'jin', NULL, NULL, '{麦子}'),
            ('油菜籽', 'grain', 'jin', NULL, NULL, '{菜籽}'),
            ('茶叶', 'tea', 'jin', NULL, NULL, '{茶,新茶,春茶}'),
            ('核桃', 'nut', 'jin', NULL, NULL, '{胡桃}'),
            ('板栗', 'nut', 'jin', NULL, NULL, '{栗子}'),
            ('蜂蜜', 'forest', 'jin', NULL, NULL, '{土蜂蜜,蜂糖}'),
            ('香菇', 'forest', 'jin', NULL, NULL, '{花菇,冬菇}'),
            ('木耳', 'forest', 'jin', NULL, NULL, '{黑木耳}'),
            ('烟叶', 'cash', 'kg', NULL, NULL, '{烤烟,烟草}'),
            ('八角', 'forest', 'jin', NULL, NULL, '{大料}'),
            ('三七', 'herb', 'jin', NULL, NULL, '{田七}'),
            ('生猪', 'livestock', 'kg', 100, NULL, '{肥猪}'),
            ('土鸡', 'livestock', 'piece', 1.5, NULL, '{}'),
            ('鸡蛋', 'livestock', 'piece', 0.05, 15, '{土鸡蛋}');
        """
}
