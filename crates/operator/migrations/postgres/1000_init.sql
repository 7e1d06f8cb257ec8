-- The operator role's own tables start here; version numbers of role migrations are >= 1000.
CREATE TABLE operator_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
