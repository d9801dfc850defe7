-- Vacay add-on: one vacation plan per owner (settings), its members' colours, the calendar
-- years it tracks, each member's allowance per year, vacation days and company holidays.
CREATE TABLE vacay_plans (
    id                        INTEGER PRIMARY KEY,
    owner_id                  INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    block_weekends            INTEGER NOT NULL DEFAULT 1 CHECK (block_weekends IN (0, 1)),
    company_holidays_enabled  INTEGER NOT NULL DEFAULT 1 CHECK (company_holidays_enabled IN (0, 1)),
    carry_over                INTEGER NOT NULL DEFAULT 1 CHECK (carry_over IN (0, 1)),
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL
) STRICT;

CREATE TABLE vacay_members (
    plan_id  INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    color    TEXT    NOT NULL,
    PRIMARY KEY (plan_id, user_id)
) STRICT;

CREATE TABLE vacay_years (
    plan_id  INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    year     INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    PRIMARY KEY (plan_id, year)
) STRICT;

CREATE TABLE vacay_allowances (
    plan_id  INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year     INTEGER NOT NULL,
    days     INTEGER NOT NULL CHECK (days BETWEEN 0 AND 366),
    PRIMARY KEY (plan_id, user_id, year)
) STRICT;

CREATE TABLE vacay_entries (
    plan_id     INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date        TEXT    NOT NULL,   -- YYYY-MM-DD
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (plan_id, user_id, date)
) STRICT;

CREATE TABLE vacay_company_holidays (
    plan_id  INTEGER NOT NULL REFERENCES vacay_plans (id) ON DELETE CASCADE,
    date     TEXT    NOT NULL,
    PRIMARY KEY (plan_id, date)
) STRICT;
