-- Trips, their members and their days.
CREATE TABLE trips (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  TEXT,
    start_date   TEXT,   -- ISO 8601 date
    end_date     TEXT,
    currency     TEXT    NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
) STRICT;
CREATE INDEX trips_owner ON trips (owner_id);

-- Members besides the owner: companion profiles.
CREATE TABLE trip_members (
    trip_id   INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (trip_id, user_id)
) STRICT;
CREATE INDEX trip_members_user ON trip_members (user_id);

CREATE TABLE days (
    id        INTEGER PRIMARY KEY,
    trip_id   INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    date      TEXT,
    title     TEXT,
    notes     TEXT
) STRICT;
CREATE INDEX days_trip ON days (trip_id, position);
