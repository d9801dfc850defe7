-- Budget items with their split (members and who has paid their share) and packing lists
-- (items, bags with their members, category assignees, the user's reusable templates).

-- Money is an integer number of minor units (cents) with its scale (decimal places of the
-- trip's currency when written: 2 for EUR, 0 for JPY), so sums and splits are exact.
CREATE TABLE budget_items (
    id           INTEGER PRIMARY KEY,
    trip_id      INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category     TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    price_scale  INTEGER NOT NULL CHECK (price_scale BETWEEN 0 AND 4),
    persons      INTEGER CHECK (persons IS NULL OR persons >= 1),
    days         INTEGER CHECK (days IS NULL OR days >= 1),
    -- Who paid the bill; the members' shares are owed to them.
    paid_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    note         TEXT,
    expense_date TEXT,   -- ISO 8601 date
    position     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX budget_items_trip ON budget_items (trip_id, position);

-- The members splitting an item equally; `paid` = they have paid their share to the payer.
CREATE TABLE budget_item_members (
    item_id  INTEGER NOT NULL REFERENCES budget_items (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    paid     INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    PRIMARY KEY (item_id, user_id)
) STRICT;

CREATE TABLE packing_bags (
    id         INTEGER PRIMARY KEY,
    trip_id    INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    color      TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX packing_bags_trip ON packing_bags (trip_id, position);

CREATE TABLE packing_bag_members (
    bag_id   INTEGER NOT NULL REFERENCES packing_bags (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (bag_id, user_id)
) STRICT;

-- Positions are dense (0, 1, 2, …) within a trip. Deleting a bag unassigns its items.
CREATE TABLE packing_items (
    id         INTEGER PRIMARY KEY,
    trip_id    INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category   TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
    quantity   INTEGER NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 999),
    checked    INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1)),
    bag_id     INTEGER REFERENCES packing_bags (id) ON DELETE SET NULL,
    position   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX packing_items_trip ON packing_items (trip_id, position);
CREATE INDEX packing_items_bag ON packing_items (bag_id);

-- Who packs each category of a trip's list.
CREATE TABLE packing_category_assignees (
    trip_id   INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    category  TEXT    NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (trip_id, category, user_id)
) STRICT;

-- A user's reusable packing lists; saving under an existing name replaces its items.
CREATE TABLE packing_templates (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
) STRICT;

CREATE TABLE packing_template_items (
    template_id INTEGER NOT NULL REFERENCES packing_templates (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    PRIMARY KEY (template_id, position)
) STRICT;
