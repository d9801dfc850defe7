-- Public share links: at most one per trip. The token is the whole credential of a read-only
-- page, so it carries 256 random bits; it is stored as is because the owner's UI shows the link
-- again later (it grants no write access and can be revoked by deleting the row).
CREATE TABLE share_links (
    trip_id         INTEGER PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
    token           TEXT    NOT NULL UNIQUE CHECK (length(token) >= 22),
    share_map       INTEGER NOT NULL DEFAULT 1 CHECK (share_map IN (0, 1)),
    share_bookings  INTEGER NOT NULL DEFAULT 1 CHECK (share_bookings IN (0, 1)),
    share_packing   INTEGER NOT NULL DEFAULT 0 CHECK (share_packing IN (0, 1)),
    share_budget    INTEGER NOT NULL DEFAULT 0 CHECK (share_budget IN (0, 1)),
    share_collab    INTEGER NOT NULL DEFAULT 0 CHECK (share_collab IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
