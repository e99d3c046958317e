package postgis

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// standby is a hot standby of the primary that reads may go to.
type standby struct {
	pool *pgxpool.Pool
	// replayed is the furthest WAL position the standby was seen to have
	// replayed. Replay only moves forward, so every later snapshot there
	// holds at least what was committed before it.
	replayed atomic.Int64
}

const selectReplayed = `SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint`

const (
	// standbyWait is how long a read waits for the standby to replay the
	// version it must show before it goes to the primary instead.
	standbyWait = 100 * time.Millisecond
	// standbyPoll is how often it looks meanwhile.
	standbyPoll = 5 * time.Millisecond
)

// reader returns the pool a read goes to: the standby when it has
// replayed the latest version this process knows (which is at least the
// version any caller was given), else the primary. So a read never shows
// data older than a version handed out, whichever server answers.
func (db *DB) reader(ctx context.Context) (*pgxpool.Pool, error) {
	sb := db.standby
	if sb == nil {
		return db.pool, nil
	}
	v, err := db.version.current(ctx)
	if err != nil {
		return nil, err
	}
	if sb.replayed.Load() >= v.lsn {
		return sb.pool, nil
	}
	deadline := time.Now().Add(standbyWait)
	for {
		var lsn *int64
		if err := sb.pool.QueryRow(ctx, selectReplayed).Scan(&lsn); err != nil {
			if ctx.Err() != nil {
				return nil, wrap(ctx, err, "ask the standby how far it has replayed")
			}
			db.logger.Warn("postgis: standby unreachable; reading from the primary", "err", err)
			return db.pool, nil
		}
		if lsn == nil {
			// Not in recovery: not a standby (any more). Its data may be
			// anything; the primary's is the truth.
			return db.pool, nil
		}
		sb.saw(*lsn)
		if *lsn >= v.lsn {
			return sb.pool, nil
		}
		if time.Now().After(deadline) {
			return db.pool, nil
		}
		select {
		case <-ctx.Done():
			return nil, wrap(ctx, ctx.Err(), "wait for the standby")
		case <-time.After(standbyPoll):
		}
	}
}

// saw records that the standby has replayed to lsn.
func (sb *standby) saw(lsn int64) {
	for {
		old := sb.replayed.Load()
		if lsn <= old || sb.replayed.CompareAndSwap(old, lsn) {
			return
		}
	}
}
