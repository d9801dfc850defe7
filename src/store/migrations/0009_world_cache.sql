-- Answers of outside services (geocoding, weather, holidays, Google Places, resolved map
-- links), kept until they expire so repeated questions do not reach the provider again
-- (Nominatim's usage policy asks for it). Installation-only: not exported.
CREATE TABLE world_cache (
    provider    TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    fetched_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (provider, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX world_cache_expiry ON world_cache (expires_at);
