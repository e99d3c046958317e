package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"hash/maphash"
	"slices"

	"github.com/casmap/casmap/geodata"
)

// idIndex finds an import that gives one id to two features without
// holding the ids: it keeps an 8-byte hash of each with the feature's
// position, and reads ids from the import's table of them (import_ids)
// only where two hashes agree.
type idIndex struct {
	seed   maphash.Seed
	hashes []idHash
}

// idHash is the hash of the id of the nth feature of an import.
type idHash struct {
	h uint64
	n int
}

// add notes the id of the nth feature.
func (x *idIndex) add(id string, n int) {
	x.hashes = append(x.hashes, idHash{maphash.String(x.seed, id), n})
}

// repeat is a feature whose id an earlier one, first, used.
type repeat struct {
	n, first int
	id       string
}

// check fails with the first feature, in file order, whose id an earlier
// one used.
func (x *idIndex) check(ctx context.Context, tx *sql.Tx) error {
	slices.SortFunc(x.hashes, func(a, b idHash) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.n, b.n)) })
	var found repeat
	for i := 0; i < len(x.hashes); {
		j := i + 1
		for j < len(x.hashes) && x.hashes[j].h == x.hashes[i].h {
			j++
		}
		if j-i > 1 {
			r, err := x.repeatIn(ctx, tx, x.hashes[i:j])
			if err != nil {
				return err
			}
			if r.n > 0 && (found.n == 0 || r.n < found.n) {
				found = r
			}
		}
		i = j
	}
	if found.n == 0 {
		return nil
	}
	return geodata.Invalidf("feature %d (id %q): id already used by feature %d", found.n, truncate(found.id, 60), found.first)
}

// repeatIn is the first repeat among features whose ids share a hash,
// given in file order, if any.
func (x *idIndex) repeatIn(ctx context.Context, tx *sql.Tx, group []idHash) (repeat, error) {
	first := make(map[string]int, len(group))
	for _, h := range group {
		id, err := x.idOf(ctx, tx, h.n)
		if err != nil {
			return repeat{}, err
		}
		if f, ok := first[id]; ok {
			return repeat{n: h.n, first: f, id: id}, nil
		}
		first[id] = h.n
	}
	return repeat{}, nil
}

// idOf reads the id of the nth feature back.
func (x *idIndex) idOf(ctx context.Context, tx *sql.Tx, n int) (string, error) {
	var id string
	return id, tx.QueryRowContext(ctx, `SELECT id FROM temp.import_ids WHERE n = ?`, n).Scan(&id)
}
