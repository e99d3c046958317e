package main

import (
	"fmt"

	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/casmap/casmap/server"
)

var (
	_ server.Accounts     = (*sqlite.DB)(nil)
	_ server.Editor       = (*sqlite.DB)(nil)
	_ server.SessionStore = sqlite.Sessions{}
	_ server.Accounts     = (*postgis.DB)(nil)
	_ server.Editor       = (*postgis.DB)(nil)
	_ server.SessionStore = postgis.Sessions{}
)

// writeSide is what a store offers for sign-in and writes: accounts,
// sessions and server.Editor, kept in the same database as the data.
type writeSide struct {
	accounts server.Accounts
	sessions server.SessionStore
	editor   server.Editor
}

// writeSideOf returns db's write side, ok false when it has none.
func writeSideOf(db store) (writeSide, bool) {
	switch d := db.(type) {
	case *sqlite.DB:
		return writeSide{accounts: d, sessions: d.Sessions(), editor: d}, true
	case *postgis.DB:
		return writeSide{accounts: d, sessions: d.Sessions(), editor: d}, true
	}
	return writeSide{}, false
}

// accountsOf is db's accounts, or an error saying the store keeps none.
func accountsOf(db store) (server.Accounts, error) {
	ws, ok := writeSideOf(db)
	if !ok {
		return nil, fmt.Errorf("this database keeps no accounts")
	}
	return ws.accounts, nil
}
