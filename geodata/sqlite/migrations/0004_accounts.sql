-- 0004_accounts: accounts, their API tokens, sign-in sessions and failed
-- sign-ins. None of it is map data: writing it never bumps the
-- generation, so it never changes the data version.

-- role is editor, reviewer or admin (geodata/account). password_hash is
-- an argon2id PHC string. A session made before password_changed is no
-- longer good, so a reset signs the account out everywhere.
CREATE TABLE users (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL UNIQUE,
	role             TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'admin')),
	password_hash    TEXT NOT NULL,
	disabled         INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created          TEXT NOT NULL, -- RFC 3339, UTC
	password_changed TEXT NOT NULL
) STRICT;

-- hash is SHA-256 of the token; the token itself is never stored.
CREATE TABLE tokens (
	id        INTEGER PRIMARY KEY,
	user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	label     TEXT NOT NULL,
	hash      BLOB NOT NULL UNIQUE,
	created   TEXT NOT NULL,
	last_used TEXT,
	revoked   TEXT
) STRICT;

CREATE INDEX tokens_user ON tokens (user_id, id);

-- The session store of alexedwards/scs: token, encoded data, expiry in
-- Unix seconds.
CREATE TABLE sessions (
	token  TEXT PRIMARY KEY,
	data   BLOB NOT NULL,
	expiry REAL NOT NULL
) STRICT;

CREATE INDEX sessions_expiry ON sessions (expiry);

-- One row per failed sign-in, for rate limiting by name and by address;
-- rows older than a day are dropped as new ones come.
CREATE TABLE sign_in_failures (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	addr TEXT NOT NULL,
	at   INTEGER NOT NULL -- Unix seconds
) STRICT;

CREATE INDEX sign_in_failures_name ON sign_in_failures (name, at);
CREATE INDEX sign_in_failures_addr ON sign_in_failures (addr, at);
