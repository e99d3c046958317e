package sqlite

import (
	"context"
	"sync"
	"testing"

	"github.com/casmap/casmap/geodata"
)

// TestReadConnectionsStayOpen: readers as many as the read pool holds,
// round after round, reuse its connections; none is closed and opened
// again (a new one parses the schema, starts with a cold page cache and
// prepares its statements again, on some request's time).
func TestReadConnectionsStayOpen(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	readers := db.r.Stats().MaxOpenConnections
	for range 5 {
		var wg sync.WaitGroup
		errs := make(chan error, readers)
		for range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := geodata.ReadPage(ctx, db, geodata.Query{Layer: "incidents", Limit: 10})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if st := db.r.Stats(); st.MaxIdleClosed > 0 || st.OpenConnections > readers {
		t.Errorf("read pool: %d connections closed as surplus idle, %d open (of at most %d); want none closed", st.MaxIdleClosed, st.OpenConnections, readers)
	}
}
