-- Who joins a planned visit, and notes on a day (with a time label and an emoji icon).
CREATE TABLE assignment_participants (
    assignment_id INTEGER NOT NULL REFERENCES day_assignments (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (assignment_id, user_id)
) STRICT;
CREATE INDEX assignment_participants_user ON assignment_participants (user_id);

CREATE TABLE day_notes (
    id          INTEGER PRIMARY KEY,
    day_id      INTEGER NOT NULL REFERENCES days (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    time        TEXT,   -- a free label: "09:00", "Morning"
    icon        TEXT,   -- an emoji
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX day_notes_day ON day_notes (day_id, position);
