-- Collab add-on: polls (options by position, one vote row per user and option) and the trip
-- chat (replies, emoji reactions).
CREATE TABLE collab_polls (
    id               INTEGER PRIMARY KEY,
    trip_id          INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    author_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    question         TEXT    NOT NULL CHECK (length(question) BETWEEN 1 AND 300),
    multiple_choice  INTEGER NOT NULL DEFAULT 0 CHECK (multiple_choice IN (0, 1)),
    deadline         INTEGER,  -- unix seconds; no votes at or after it
    closed_at        INTEGER,
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX collab_polls_trip ON collab_polls (trip_id);

CREATE TABLE collab_poll_options (
    poll_id   INTEGER NOT NULL REFERENCES collab_polls (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL CHECK (position >= 0),
    label     TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    PRIMARY KEY (poll_id, position)
) STRICT;

CREATE TABLE collab_poll_votes (
    poll_id     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (poll_id, position, user_id),
    FOREIGN KEY (poll_id, position) REFERENCES collab_poll_options (poll_id, position) ON DELETE CASCADE
) STRICT;

CREATE TABLE collab_messages (
    id          INTEGER PRIMARY KEY,
    trip_id     INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    reply_to    INTEGER REFERENCES collab_messages (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX collab_messages_trip ON collab_messages (trip_id, id);
CREATE INDEX collab_messages_reply ON collab_messages (reply_to);

CREATE TABLE collab_message_reactions (
    message_id  INTEGER NOT NULL REFERENCES collab_messages (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
) STRICT;
