-- OAuth 2.1 authorization server and static tokens. Secrets (client secrets, codes, tokens)
-- are stored only as SHA-256 hashes.

-- Registered clients: dynamic (RFC 7591), pre-created by the owner (presets), machine clients
-- (client_credentials only) and Client ID Metadata Document clients (id is an https URL).
CREATE TABLE oauth_clients (
    id                TEXT    PRIMARY KEY,
    kind              TEXT    NOT NULL CHECK (kind IN ('dynamic', 'precreated', 'machine', 'cimd')),
    name              TEXT    NOT NULL,
    preset            TEXT,
    secret_hash       BLOB,
    auth_method       TEXT    NOT NULL
                      CHECK (auth_method IN ('none', 'client_secret_basic', 'client_secret_post')),
    application_type  TEXT    NOT NULL DEFAULT 'native' CHECK (application_type IN ('native', 'web')),
    redirect_uris     TEXT    NOT NULL,   -- JSON array of strings
    scopes            TEXT    NOT NULL,   -- space-separated scopes the client may ever get
    client_uri        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    last_used_at      INTEGER,
    CHECK ((auth_method = 'none') = (secret_hash IS NULL)),
    CHECK (kind <> 'machine' OR auth_method <> 'none')
) STRICT;

-- Authorization requests waiting for the owner's decision, bound to the browser that made them.
CREATE TABLE oauth_pending (
    id              TEXT    PRIMARY KEY,
    client_id       TEXT    NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    redirect_uri    TEXT    NOT NULL,
    state           TEXT,
    code_challenge  TEXT    NOT NULL,
    resource        TEXT    NOT NULL,
    issuer          TEXT    NOT NULL,
    scopes          TEXT    NOT NULL,   -- requested (already narrowed to the client's)
    browser_hash    BLOB    NOT NULL,   -- hash of the waiting page's cookie
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'denied', 'completed')),
    granted_scopes  TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    decided_at      INTEGER
) STRICT;
CREATE INDEX oauth_pending_status ON oauth_pending (status, expires_at);

-- What the owner has approved for a client; a later request it covers skips the consent card.
CREATE TABLE oauth_consents (
    client_id   TEXT    NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (client_id, user_id)
) STRICT;

-- An OAuth session: what one authorization (or one client_credentials issuance) produced.
-- Revoking it revokes every token in its chain.
CREATE TABLE oauth_grants (
    id            TEXT    PRIMARY KEY,
    client_id     TEXT    NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('authorization_code', 'client_credentials')),
    scopes        TEXT    NOT NULL,
    resource      TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER,
    revoked_why   TEXT
) STRICT;

-- Authorization codes: single use, short-lived; a replay revokes the grant the first use made.
CREATE TABLE oauth_codes (
    code_hash       BLOB    PRIMARY KEY,
    client_id       TEXT    NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri    TEXT    NOT NULL,
    code_challenge  TEXT    NOT NULL,
    scopes          TEXT    NOT NULL,
    resource        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    grant_id        TEXT    REFERENCES oauth_grants (id) ON DELETE SET NULL
) STRICT;

-- Access and refresh tokens of a grant. A refresh token is used once (rotation).
CREATE TABLE oauth_tokens (
    token_hash  BLOB    PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
    grant_id    TEXT    NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
    scopes      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);

-- Deprecated static API tokens (`trek_`): full access, until deleted.
CREATE TABLE static_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash    BLOB    NOT NULL UNIQUE,
    hint          TEXT    NOT NULL,   -- first characters, to tell tokens apart in lists
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
) STRICT;

-- Auth events for the owner: issued, refreshed, replayed, revoked, denied, failed client auth.
CREATE TABLE auth_audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    event      TEXT    NOT NULL,
    client_id  TEXT,
    grant_id   TEXT,
    detail     TEXT
) STRICT;
CREATE INDEX auth_audit_at ON auth_audit (at);
