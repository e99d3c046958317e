package seed

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"

	"github.com/casmap/casmap/geodata"
)

// derivation names what Load does to the files beyond decoding them (the
// border-distance annotation of incidents). It is part of every version:
// change it when that code changes what Load returns, so every database
// takes the seed again.
const derivation = "casmap seed derivation 1"

// layerEntry is one layer of layers.json: its metadata and the file or
// files that hold its features.
type layerEntry struct {
	geodata.Layer
	File  string   `json:"file"`
	Files []string `json:"files"`
	// raw is the entry as written in layers.json, compacted.
	raw []byte
}

// paths lists the entry's GeoJSON files in order: file, then files.
func (m layerEntry) paths() []string {
	var out []string
	if m.File != "" {
		out = append(out, m.File)
	}
	return append(out, m.Files...)
}

// loadManifest reads and checks fsys's layers.json: every entry has an id no
// other has and names at least one file.
func loadManifest(fsys fs.FS) ([]layerEntry, error) {
	raw, err := fs.ReadFile(fsys, "layers.json")
	if err != nil {
		return nil, fmt.Errorf("read seed manifest: %w", err)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("parse seed manifest: %w", err)
	}
	out := make([]layerEntry, len(entries))
	seen := make(map[string]bool, len(entries))
	for i, e := range entries {
		m := &out[i]
		if err := json.Unmarshal(e, m); err != nil {
			return nil, fmt.Errorf("parse seed manifest, entry %d: %w", i+1, err)
		}
		switch {
		case m.ID == "":
			return nil, fmt.Errorf("seed manifest, entry %d: no id", i+1)
		case seen[m.ID]:
			return nil, fmt.Errorf("seed manifest: layer %s appears twice", m.ID)
		case len(m.paths()) == 0:
			return nil, fmt.Errorf("seed manifest: layer %s names no file", m.ID)
		}
		seen[m.ID] = true
		var compact bytes.Buffer
		if err := json.Compact(&compact, e); err != nil {
			return nil, fmt.Errorf("parse seed manifest, entry %d: %w", i+1, err)
		}
		m.raw = compact.Bytes()
	}
	return out, nil
}

// dependencies lists the layers whose files shape a layer's features
// besides its own: incidents carry their distance from the Afghan border.
func dependencies(layer string) []string {
	if layer == geodata.LayerIncidents {
		return []string{geodata.LayerBorders}
	}
	return nil
}

// Versions returns the version of every seed layer, by id: a hash of the
// layer's manifest entry, its files and the files of the layers it is
// derived from. It reads the embedded bytes without parsing the GeoJSON
// (well under a millisecond), so a start can tell whether a database holds
// the current seed before paying to load it.
func Versions() (map[string]string, error) {
	manifest, err := loadManifest(files)
	if err != nil {
		return nil, err
	}
	return versions(files, manifest)
}

// versions computes the versions of manifest's layers from their files in
// fsys.
func versions(fsys fs.FS, manifest []layerEntry) (map[string]string, error) {
	own := make(map[string][]byte, len(manifest))
	for _, m := range manifest {
		sum, err := contentHash(fsys, m)
		if err != nil {
			return nil, err
		}
		own[m.ID] = sum
	}
	out := make(map[string]string, len(manifest))
	for _, m := range manifest {
		h := sha256.New()
		h.Write([]byte(derivation))
		h.Write(own[m.ID])
		for _, dep := range dependencies(m.ID) {
			h.Write(own[dep]) // nil, hashing nothing, when dep is not seeded
		}
		out[m.ID] = hex.EncodeToString(h.Sum(nil)[:16])
	}
	return out, nil
}

// contentHash hashes an entry and the files it names, each length-prefixed
// so that no two different manifests hash alike.
func contentHash(fsys fs.FS, m layerEntry) ([]byte, error) {
	h := sha256.New()
	writeField(h, m.raw)
	for _, p := range m.paths() {
		writeField(h, []byte(p))
		if err := hashFile(h, fsys, p); err != nil {
			return nil, fmt.Errorf("seed layer %s: %w", m.ID, err)
		}
	}
	return h.Sum(nil), nil
}

// hashFile writes a file's length and bytes to h, streaming them rather
// than copying the file.
func hashFile(h hash.Hash, fsys fs.FS, path string) error {
	f, err := fsys.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(st.Size()))
	h.Write(n[:])
	_, err = io.Copy(h, f)
	return err
}

func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}
