-- Atlas add-on: visited sub-country regions (ISO 3166-2 codes, checked against the embedded
-- list) and a target date on bucket list items.
CREATE TABLE visited_regions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_code  TEXT    NOT NULL CHECK (region_code GLOB '[A-Z][A-Z]-?*'),
    created_at   INTEGER NOT NULL,
    UNIQUE (user_id, region_code)
) STRICT;

ALTER TABLE bucket_list_items ADD COLUMN target_date TEXT;  -- YYYY-MM-DD
