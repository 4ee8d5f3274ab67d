import HuzhuKit

/// The industry association's tables. Invariants live here, not only in Swift:
/// - a worker is booked at most once per day: `labour_assignment UNIQUE (worker_id, day)`;
/// - a job never has more workers than its crew: each assignment takes a numbered place
///   `1...crew` (`UNIQUE (job_id, place)`, `CHECK (place BETWEEN 1 AND crew)`), and its crew and day are
///   tied to the job's by a composite foreign key, so they cannot drift apart;
/// - a request has at most one live job (partial unique index);
/// - a request raised by another plugin is stored once however often the event is redelivered
///   (`source UNIQUE`).
enum LabourSchema {
    static let migrations = [
        MigrationSource(version: 1, name: "labour", sql: """
            CREATE TABLE labour_task (
                code       text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,20}$'),
                name_zh    text NOT NULL,
                name_en    text NOT NULL,
                added_by   text NOT NULL DEFAULT 'system'
            );
            INSERT INTO labour_task (code, name_zh, name_en) VALUES
                ('plough', '耕田', 'ploughing'), ('transplant', '插秧', 'transplanting'), ('harvest', '收割', 'harvesting'),
                ('prune', '修剪', 'pruning'), ('spray', '喷药', 'spraying'), ('pick', '采果', 'picking'),
                ('contract', '技术承包', 'technical contract'), ('helper', '帮工', 'helping hand'), ('cook', '帮厨', 'cooking');

            CREATE TABLE labour_worker (
                member_id    bigint PRIMARY KEY REFERENCES member (id),
                village_id   integer NOT NULL REFERENCES village (id),
                travel_km    double precision NOT NULL DEFAULT 15 CHECK (travel_km BETWEEN 0 AND 500),
                equipment    text[] NOT NULL DEFAULT '{}',
                weekdays     smallint NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 0 AND 127), -- bit 0 Monday … bit 6 Sunday
                status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'retired')),
                rating_sum   integer NOT NULL DEFAULT 0,
                rating_count integer NOT NULL DEFAULT 0,
                notes        text NOT NULL DEFAULT '',
                is_demo      boolean NOT NULL DEFAULT false,
                created_at   timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX labour_worker_village_idx ON labour_worker (village_id);

            CREATE TABLE labour_skill (
                worker_id  bigint NOT NULL REFERENCES labour_worker (member_id) ON DELETE CASCADE,
                task       text NOT NULL REFERENCES labour_task (code),
                level      smallint NOT NULL DEFAULT 3 CHECK (level BETWEEN 1 AND 5),
                price      double precision NOT NULL CHECK (price >= 0),
                unit       text NOT NULL DEFAULT 'day' CHECK (unit IN ('mu', 'day')),
                PRIMARY KEY (worker_id, task)
            );
            CREATE INDEX labour_skill_task_idx ON labour_skill (task, worker_id);

            CREATE TABLE labour_day_off (
                worker_id  bigint NOT NULL REFERENCES labour_worker (member_id) ON DELETE CASCADE,
                day        date NOT NULL,
                PRIMARY KEY (worker_id, day)
            );

            CREATE TABLE labour_team (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                leader_id  bigint NOT NULL REFERENCES labour_worker (member_id),
                village_id integer NOT NULL REFERENCES village (id),
                status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disbanded')),
                is_demo    boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE labour_team_member (
                team_id    bigint NOT NULL REFERENCES labour_team (id) ON DELETE CASCADE,
                worker_id  bigint NOT NULL REFERENCES labour_worker (member_id),
                PRIMARY KEY (team_id, worker_id)
            );

            CREATE TABLE labour_request (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                member_id    bigint NOT NULL REFERENCES member (id),
                household_id bigint REFERENCES household (id),
                village_id   integer NOT NULL REFERENCES village (id),
                task         text NOT NULL REFERENCES labour_task (code),
                area_mu      double precision CHECK (area_mu > 0),
                date_from    date NOT NULL,
                date_to      date NOT NULL,
                crew         integer NOT NULL DEFAULT 1 CHECK (crew BETWEEN 1 AND 99),
                notes        text NOT NULL DEFAULT '',
                priority     boolean NOT NULL DEFAULT false,   -- 无劳力户 or 独居老人: served first
                entered_by   text NOT NULL,                    -- 'sms:+86…', 'staff:…' (on behalf), 'plugin:culture'
                source       text UNIQUE,                      -- another plugin's reference: redelivery adds nothing
                state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'matched', 'done', 'cancelled', 'unmet')),
                is_demo      boolean NOT NULL DEFAULT false,
                created_at   timestamptz NOT NULL DEFAULT now(),
                CHECK (date_to >= date_from AND date_to <= date_from + 60)
            );
            CREATE INDEX labour_request_open_idx ON labour_request (date_from, date_to) WHERE state = 'open';
            CREATE INDEX labour_request_member_idx ON labour_request (member_id);

            CREATE TABLE labour_job (
                id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                request_id     bigint NOT NULL REFERENCES labour_request (id),
                day            date NOT NULL,
                crew           integer NOT NULL CHECK (crew BETWEEN 1 AND 99),
                state          text NOT NULL DEFAULT 'open'
                               CHECK (state IN ('open', 'offered', 'assigned', 'done', 'rated', 'cancelled', 'expired')),
                team_id        bigint REFERENCES labour_team (id),
                leader_id      bigint REFERENCES labour_worker (member_id),
                price          double precision,                    -- agreed total, yuan
                rating         smallint CHECK (rating BETWEEN 1 AND 5),
                paid_amount    double precision CHECK (paid_amount >= 0),
                paid_method    text CHECK (paid_method IN ('cash', 'wechat', 'alipay', 'bank', 'other')),
                paid_at        timestamptz,
                created_at     timestamptz NOT NULL DEFAULT now(),
                done_at        timestamptz,
                UNIQUE (id, crew, day)
            );
            CREATE UNIQUE INDEX labour_job_live_idx ON labour_job (request_id) WHERE state NOT IN ('cancelled', 'expired');
            CREATE INDEX labour_job_day_idx ON labour_job (day);

            -- A worker's place in a job. UNIQUE (worker_id, day) is the no-double-booking rule.
            CREATE TABLE labour_assignment (
                job_id     bigint NOT NULL,
                crew       integer NOT NULL,
                day        date NOT NULL,
                place      integer NOT NULL CHECK (place BETWEEN 1 AND crew),
                worker_id  bigint NOT NULL REFERENCES labour_worker (member_id),
                amount     double precision NOT NULL DEFAULT 0 CHECK (amount >= 0),   -- this worker's agreed pay
                assigned_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (job_id, place),
                CONSTRAINT labour_assignment_one_job_a_day UNIQUE (worker_id, day),
                FOREIGN KEY (job_id, crew, day) REFERENCES labour_job (id, crew, day) ON UPDATE CASCADE ON DELETE CASCADE
            );

            CREATE INDEX labour_assignment_day_idx ON labour_assignment (day);  -- the fairness window

            CREATE TABLE labour_offer (
                job_id     bigint NOT NULL REFERENCES labour_job (id) ON DELETE CASCADE,
                worker_id  bigint NOT NULL REFERENCES labour_worker (member_id),
                team_id    bigint REFERENCES labour_team (id),
                score      double precision NOT NULL,
                state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'taken', 'expired', 'cancelled')),
                offered_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (job_id, worker_id)
            );
            CREATE INDEX labour_offer_pending_idx ON labour_offer (expires_at) WHERE state = 'pending';

            -- 技术承包: a season-long agreement between a household and a worker or a team.
            CREATE TABLE labour_contract (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                household_id bigint NOT NULL REFERENCES household (id),
                village_id   integer NOT NULL REFERENCES village (id),
                worker_id    bigint REFERENCES labour_worker (member_id),
                team_id      bigint REFERENCES labour_team (id),
                scope        text NOT NULL CHECK (length(scope) BETWEEN 1 AND 500),
                area_mu      double precision CHECK (area_mu > 0),
                fee          double precision NOT NULL CHECK (fee >= 0),
                milestones   text NOT NULL DEFAULT '',
                season_from  date NOT NULL,
                season_to    date NOT NULL,
                status       text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'completed', 'cancelled')),
                created_at   timestamptz NOT NULL DEFAULT now(),
                CHECK ((worker_id IS NULL) <> (team_id IS NULL)),
                CHECK (season_to >= season_from)
            );
            """),
    ]
}
