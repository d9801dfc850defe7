-- Users: exactly one owner (the person at the laptop, who can log in) and any number of
-- companion profiles (no login) who can be trip members, payers and bag holders.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('owner', 'companion')),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email         TEXT,
    password_hash TEXT,   -- argon2 PHC string; only the owner may have one
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (password_hash IS NULL OR kind = 'owner')
) STRICT;
CREATE UNIQUE INDEX users_single_owner ON users (kind) WHERE kind = 'owner';

-- One-time launch tickets (desktop window, `trek login-link`), stored as SHA-256 hashes.
CREATE TABLE launch_tickets (
    ticket_hash BLOB    PRIMARY KEY,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('desktop', 'login_link')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

-- Owner sessions behind the signed cookie; a session can be revoked (log out) before it expires.
CREATE TABLE owner_sessions (
    id          TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    via         TEXT    NOT NULL CHECK (via IN ('ticket', 'password')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

-- Failed password logins, for the login throttle.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    failed_at INTEGER NOT NULL
) STRICT;

-- Owner settings (key/value; values are JSON).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
