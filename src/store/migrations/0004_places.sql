-- Place categories (a fixed, seeded list), places of a trip, the user's tags on places, and
-- day assignments (a place planned on a day, in order).
CREATE TABLE categories (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE,
    icon      TEXT    NOT NULL,
    color     TEXT    NOT NULL CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    position  INTEGER NOT NULL
) STRICT;
INSERT INTO categories (id, name, icon, color, position) VALUES
    (1,  'Sight',      '🏛️', '#6366f1', 0),
    (2,  'Museum',     '🖼️', '#8b5cf6', 1),
    (3,  'Restaurant', '🍽️', '#ef4444', 2),
    (4,  'Café',       '☕', '#b45309', 3),
    (5,  'Bar',        '🍸', '#db2777', 4),
    (6,  'Hotel',      '🏨', '#0ea5e9', 5),
    (7,  'Shopping',   '🛍️', '#f59e0b', 6),
    (8,  'Nature',     '🌲', '#16a34a', 7),
    (9,  'Beach',      '🏖️', '#06b6d4', 8),
    (10, 'Transport',  '🚉', '#64748b', 9),
    (11, 'Nightlife',  '🌙', '#7c3aed', 10),
    (12, 'Activity',   '🎟️', '#f97316', 11),
    (13, 'Other',      '📍', '#6b7280', 12);

CREATE TABLE places (
    id               INTEGER PRIMARY KEY,
    trip_id          INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    lat              REAL    CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lng              REAL    CHECK (lng IS NULL OR lng BETWEEN -180 AND 180),
    address          TEXT,
    category_id      INTEGER REFERENCES categories (id) ON DELETE SET NULL,
    notes            TEXT,
    website          TEXT,
    phone            TEXT,
    osm_id           TEXT,
    google_place_id  TEXT,
    -- Money is a decimal string ("12.50") in `currency` (the trip's when NULL); never a float.
    price            TEXT,
    currency         TEXT    CHECK (currency IS NULL OR length(currency) = 3),
    transport_mode   TEXT    CHECK (transport_mode IS NULL OR transport_mode IN ('walking', 'driving', 'cycling', 'transit')),
    duration_minutes INTEGER CHECK (duration_minutes IS NULL OR duration_minutes BETWEEN 0 AND 10080),
    place_time       TEXT,   -- preferred visiting time, HH:MM
    end_time         TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX places_trip ON places (trip_id, name);

-- Tags belong to a user and label places in any of their trips.
CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    color      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
) STRICT;

CREATE TABLE place_tags (
    place_id INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (place_id, tag_id)
) STRICT;
CREATE INDEX place_tags_tag ON place_tags (tag_id);

-- A place planned on a day. Positions are dense (0, 1, 2, …) within a day.
CREATE TABLE day_assignments (
    id          INTEGER PRIMARY KEY,
    day_id      INTEGER NOT NULL REFERENCES days (id) ON DELETE CASCADE,
    place_id    INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    start_time  TEXT,   -- HH:MM
    end_time    TEXT,
    notes       TEXT,
    created_at  INTEGER NOT NULL,
    CHECK (start_time IS NULL OR end_time IS NULL OR end_time >= start_time)
) STRICT;
CREATE INDEX day_assignments_day ON day_assignments (day_id, position);
CREATE INDEX day_assignments_place ON day_assignments (place_id);
