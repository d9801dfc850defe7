-- Accommodations and reservations of a trip, to-dos with per-category default assignees,
-- collaborative notes, and the user's atlas (visited countries) and bucket list.

-- A stay at a place of the trip from a check-in day to a later check-out day.
CREATE TABLE accommodations (
    id            INTEGER PRIMARY KEY,
    trip_id       INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    place_id      INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    start_day_id  INTEGER NOT NULL REFERENCES days (id) ON DELETE CASCADE,
    end_day_id    INTEGER NOT NULL REFERENCES days (id) ON DELETE CASCADE,
    check_in      TEXT,   -- HH:MM
    check_out     TEXT,   -- HH:MM
    confirmation  TEXT,
    notes         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX accommodations_trip ON accommodations (trip_id);

-- A booking. Positions are dense (0, 1, 2, …) among the reservations of one day (or of no
-- day) of a trip. A hotel may own an accommodation; deleting the reservation deletes it.
CREATE TABLE reservations (
    id                   INTEGER PRIMARY KEY,
    trip_id              INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    type                 TEXT    NOT NULL CHECK (type IN ('flight', 'hotel', 'restaurant', 'train', 'car',
                                                          'cruise', 'event', 'tour', 'activity', 'other')),
    title                TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status               TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'cancelled')),
    day_id               INTEGER REFERENCES days (id) ON DELETE SET NULL,
    date                 TEXT,   -- YYYY-MM-DD
    time                 TEXT,   -- HH:MM
    end_date             TEXT,
    end_time             TEXT,
    location             TEXT,
    confirmation_number  TEXT,
    notes                TEXT,
    -- Money is a decimal string ("12.50") in the trip's currency; never a float.
    price                TEXT,
    place_id             INTEGER REFERENCES places (id) ON DELETE SET NULL,
    accommodation_id     INTEGER REFERENCES accommodations (id) ON DELETE SET NULL,
    position             INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX reservations_trip ON reservations (trip_id, day_id, position);
CREATE UNIQUE INDEX reservations_accommodation ON reservations (accommodation_id);

-- To-do items of a trip, in a dense order (0, 1, 2, …).
CREATE TABLE todo_items (
    id                INTEGER PRIMARY KEY,
    trip_id           INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
    category          TEXT,
    due_date          TEXT,   -- YYYY-MM-DD
    description       TEXT,
    assigned_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    priority          TEXT    CHECK (priority IS NULL OR priority IN ('low', 'medium', 'high')),
    checked           INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1)),
    position          INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX todo_items_trip ON todo_items (trip_id, position);

-- Default assignees of a to-do category within a trip.
CREATE TABLE todo_category_assignees (
    trip_id        INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    category_name  TEXT    NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (trip_id, category_name, user_id)
) STRICT;

-- Shared notes of a trip.
CREATE TABLE collab_notes (
    id          INTEGER PRIMARY KEY,
    trip_id     INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    content     TEXT,
    category    TEXT,
    color       TEXT,   -- #rrggbb or #rgb
    pinned      INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX collab_notes_trip ON collab_notes (trip_id);

-- The user's visited countries (ISO 3166-1 alpha-2, upper case) and bucket list.
CREATE TABLE visited_countries (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    country_code  TEXT    NOT NULL CHECK (country_code GLOB '[A-Z][A-Z]'),
    created_at    INTEGER NOT NULL,
    UNIQUE (user_id, country_code)
) STRICT;

CREATE TABLE bucket_list_items (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country_code  TEXT    CHECK (country_code IS NULL OR country_code GLOB '[A-Z][A-Z]'),
    lat           REAL    CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lng           REAL    CHECK (lng IS NULL OR lng BETWEEN -180 AND 180),
    notes         TEXT,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX bucket_list_items_user ON bucket_list_items (user_id);
