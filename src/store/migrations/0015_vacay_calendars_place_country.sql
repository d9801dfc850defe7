-- Vacay sharing and holiday calendars: pending invites of companion profiles to the owner's
-- plan (accepted ones become vacay_members), the plan's public holiday calendars (a country
-- or an ISO 3166-2 region) and a local copy of the public holidays fetched for them, so the
-- statistics and day checks never wait on the network.
CREATE TABLE vacay_invites (
    plan_id     INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invited_at  INTEGER NOT NULL,
    PRIMARY KEY (plan_id, user_id)
) STRICT;

CREATE TABLE vacay_holiday_calendars (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    region      TEXT    NOT NULL,   -- "DE" or "DE-BY"
    label       TEXT,
    color       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (plan_id, region)
) STRICT;

-- Which (region, year) pairs have been fetched (a year may have no holidays for a region).
CREATE TABLE vacay_region_years (
    region      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (region, year)
) STRICT;

CREATE TABLE vacay_region_holidays (
    region      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    date        TEXT    NOT NULL,   -- YYYY-MM-DD
    name        TEXT    NOT NULL,
    local_name  TEXT    NOT NULL,
    PRIMARY KEY (region, date, name),
    FOREIGN KEY (region, year) REFERENCES vacay_region_years (region, year) ON DELETE CASCADE
) STRICT;

-- Atlas: a place's country (ISO 3166-1 alpha-2), given by the assistant from search_place or
-- derived from the address when created; get_country_atlas_places matches it first.
ALTER TABLE places ADD COLUMN country_code TEXT CHECK (country_code IS NULL OR length(country_code) = 2);
