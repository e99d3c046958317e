package main

import (
	"fmt"

	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/casmap/casmap/server"
)

var (
	_ server.Accounts     = (*sqlite.DB)(nil)
	_ server.Editor       = (*sqlite.DB)(nil)
	_ server.SessionStore = sqlite.Sessions{}
)

// writeSide is what a store offers for sign-in and (once it implements
// server.Editor) writes. SQLite has all of it; a store without it serves
// read-only, with no accounts. (PostGIS joins here when it implements
// server.Editor and server.Accounts.)
type writeSide struct {
	accounts server.Accounts
	sessions server.SessionStore
	editor   server.Editor
}

// writeSideOf returns db's write side, ok false when it has none.
func writeSideOf(db store) (writeSide, bool) {
	if d, ok := db.(*sqlite.DB); ok {
		return writeSide{accounts: d, sessions: d.Sessions(), editor: d}, true
	}
	return writeSide{}, false
}

// accountsOf is db's accounts, or an error saying the store keeps none.
func accountsOf(db store) (server.Accounts, error) {
	ws, ok := writeSideOf(db)
	if !ok {
		return nil, fmt.Errorf("this database keeps no accounts yet (accounts are in SQLite databases only)")
	}
	return ws.accounts, nil
}
