-- In-app notifications, made from events (domain::notifications::record). `dedupe_key` makes
-- one notification per event (a reservation's reminder is not repeated every scan); `count`
-- coalesces repeated events (an assistant's changes to a trip within an hour).
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('connection_request', 'assistant_change',
                                                 'reservation_pending', 'connection_expiring')),
    title       TEXT    NOT NULL,
    body        TEXT,
    trip_id     INTEGER REFERENCES trips (id) ON DELETE CASCADE,
    dedupe_key  TEXT    NOT NULL,
    count       INTEGER NOT NULL DEFAULT 1,
    read_at     INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, dedupe_key)
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, read_at, updated_at);
