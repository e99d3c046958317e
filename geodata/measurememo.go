package geodata

import "sync"

// MaxNearVertices bounds a proximity target, so that near=LAYER cannot ask
// a store to hold a large layer in memory: the borders of the whole region
// are about 60,000 vertices.
const MaxNearVertices = 500000

// MeasureMemo remembers the Measures of the proximity targets asked for in
// one generation of the data; a new generation empties it, and it holds a
// few targets of the largest size at most. The zero value is ready to use.
type MeasureMemo struct {
	mu      sync.Mutex
	gen     int64
	targets map[string]*Measure
}

// Get returns the Measure of a target for generation gen, reading it with
// read when it is not held. Concurrent callers of one target wait for one
// read.
func (m *MeasureMemo) Get(gen int64, key string, read func() (*Measure, error)) (*Measure, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.targets == nil || m.gen != gen {
		m.gen, m.targets = gen, map[string]*Measure{}
	}
	if t, ok := m.targets[key]; ok {
		return t, nil
	}
	t, err := read()
	if err != nil {
		return nil, err
	}
	used := 0
	for _, held := range m.targets {
		used += held.Segments()
	}
	if used+t.Segments() > 4*MaxNearVertices {
		clear(m.targets)
	}
	m.targets[key] = t
	return t, nil
}
