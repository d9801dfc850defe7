-- Journeys add-on: a travel narrative across trips. Entries are dated and may reference a trip
-- and one of its places; contributors are the owner's companion profiles; one share link each.
CREATE TABLE journeys (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX journeys_owner ON journeys (owner_id);

CREATE TABLE journey_contributors (
    journey_id  INTEGER NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (journey_id, user_id)
) STRICT;
CREATE INDEX journey_contributors_user ON journey_contributors (user_id);

CREATE TABLE journey_entries (
    id          INTEGER PRIMARY KEY,
    journey_id  INTEGER NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    date        TEXT    NOT NULL,   -- YYYY-MM-DD
    title       TEXT,
    body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    trip_id     INTEGER REFERENCES trips (id) ON DELETE SET NULL,
    place_id    INTEGER REFERENCES places (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX journey_entries_journey ON journey_entries (journey_id, date);
CREATE INDEX journey_entries_trip ON journey_entries (trip_id);
CREATE INDEX journey_entries_place ON journey_entries (place_id);

CREATE TABLE journey_share_links (
    journey_id  INTEGER PRIMARY KEY REFERENCES journeys (id) ON DELETE CASCADE,
    token       TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;
