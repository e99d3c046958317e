package geodata

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"strings"
)

// Limits of an import, so that no file can make casmap hold more than a
// few megabytes of it at once: a file is read as a stream, a feature or a
// record at a time, and each of those is bounded.
const (
	// MaxImportBytes bounds a whole import file.
	MaxImportBytes = 4 << 30
	// MaxFeatureBytes bounds one GeoJSON feature: the largest border
	// polygon of the region is about 400 KB.
	MaxFeatureBytes = 8 << 20
	// MaxFieldBytes bounds one CSV field (a notes column holds some
	// hundred bytes).
	MaxFieldBytes = 64 << 10
)

// readSlack covers what the reader's and the decoder's buffers hold ahead
// of the decoder's position.
const readSlack = 256 << 10

// ReadFeatureCollection streams the features of a GeoJSON
// FeatureCollection from r, checking each with ValidateFeature; an error
// names the feature (by number and id) and ends the stream. It never holds
// more than one feature of the file, and refuses one larger than
// MaxFeatureBytes and a file larger than MaxImportBytes. The collection's
// other members may come before or after its features; a "type" that is
// not FeatureCollection fails the stream where it is read.
func ReadFeatureCollection(r io.Reader) iter.Seq2[Feature, error] {
	return func(yield func(Feature, error) bool) {
		lr := &limitReader{r: r, n: MaxImportBytes}
		c := collectionReader{dec: json.NewDecoder(bufio.NewReaderSize(lr, readSlack/4))}
		if t, err := c.dec.Token(); err != nil || t != json.Delim('{') {
			yield(Feature{}, lr.explain(notCollection(err)))
			return
		}
		for c.dec.More() {
			key, err := c.dec.Token()
			if err != nil {
				yield(Feature{}, lr.explain(notCollection(err)))
				return
			}
			if key != "features" {
				if err := c.member(key); err != nil {
					yield(Feature{}, lr.explain(err))
					return
				}
				continue
			}
			if !c.features(lr, yield) {
				return
			}
		}
		switch {
		case !c.sawFeatures:
			yield(Feature{}, Invalidf("not a GeoJSON FeatureCollection: it has no features"))
		case !c.sawType:
			yield(Feature{}, Invalidf("not a GeoJSON FeatureCollection: it has no \"type\""))
		}
	}
}

// collectionReader reads the members of one FeatureCollection.
type collectionReader struct {
	dec                  *json.Decoder
	sawType, sawFeatures bool
}

// member reads a member other than features.
func (c *collectionReader) member(key any) error {
	if key == "type" {
		var t string
		if err := c.dec.Decode(&t); err != nil || t != "FeatureCollection" {
			return Invalidf("GeoJSON type is %q, want FeatureCollection", truncate(t, 40))
		}
		c.sawType = true
		return nil
	}
	var skip json.RawMessage
	if err := c.dec.Decode(&skip); err != nil {
		return notCollection(err)
	}
	return nil
}

// features streams the features list to yield; false means stop. The
// file is read in order; decoding and checking each feature is spread over
// the cores.
func (c *collectionReader) features(lr *limitReader, yield func(Feature, error) bool) bool {
	c.sawFeatures = true
	if t, err := c.dec.Token(); err != nil || t != json.Delim('[') {
		return yield(Feature{}, Invalidf("not a GeoJSON FeatureCollection: features is not a list")) && false
	}
	for f, err := range MapOrdered(c.rawFeatures(lr), 0, decodeNumbered) {
		if !yield(f, err) || err != nil {
			return false
		}
	}
	lr.feature = 0
	if _, err := c.dec.Token(); err != nil {
		return yield(Feature{}, lr.explain(notCollection(err))) && false
	}
	return true
}

// rawFeatures reads the features list's members as text, each within
// MaxFeatureBytes.
func (c *collectionReader) rawFeatures(lr *limitReader) iter.Seq2[json.RawMessage, error] {
	return func(yield func(json.RawMessage, error) bool) {
		for n := 1; c.dec.More(); n++ {
			// The reader stops the decoder once it has read well past
			// where a feature of the largest size would end (what the
			// buffers held ahead is the slack); the exact size is
			// checked after.
			lr.feature = c.dec.InputOffset() + MaxFeatureBytes + readSlack
			var raw json.RawMessage
			if err := c.dec.Decode(&raw); err != nil {
				yield(nil, lr.explainAt(err, n))
				return
			}
			if len(raw) > MaxFeatureBytes {
				yield(nil, Invalidf("feature %d is larger than the %d bytes a feature may have", n, MaxFeatureBytes))
				return
			}
			if !yield(raw, nil) {
				return
			}
		}
	}
}

// decodeNumbered decodes and checks the nth feature of a file.
func decodeNumbered(n int, raw json.RawMessage) (Feature, error) {
	f, err := decodeFeature(raw)
	if err == nil {
		err = ValidateFeature(f)
	}
	if err != nil {
		return Feature{}, Invalidf("feature %d%s: %s", n, idSuffix(f.ID), Message(err, err.Error()))
	}
	return f, nil
}

func notCollection(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return Invalidf("not a GeoJSON FeatureCollection")
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return Invalidf("not a GeoJSON FeatureCollection: %s", jsonProblem(err))
}

// limitReader fails a read past n bytes of the file, or past feature
// (when set) bytes of it: the end a feature being decoded may reach.
type limitReader struct {
	r       io.Reader
	n       int64
	read    int64
	feature int64
}

var (
	errFileTooLarge    = errors.New("file too large")
	errFeatureTooLarge = errors.New("feature too large")
)

func (l *limitReader) Read(p []byte) (int, error) {
	if l.read >= l.n {
		return 0, errFileTooLarge
	}
	if l.feature > 0 && l.read >= l.feature {
		return 0, errFeatureTooLarge
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

func (l *limitReader) explain(err error) error {
	return l.explainAt(err, 0)
}

// explainAt turns a read or decode error of feature n into a message.
func (l *limitReader) explainAt(err error, n int) error {
	switch {
	case errors.Is(err, errFileTooLarge):
		return Invalidf("the file is larger than the %d bytes an import may have; split it", int64(MaxImportBytes))
	case errors.Is(err, errFeatureTooLarge):
		return Invalidf("feature %d is larger than the %d bytes a feature may have", n, MaxFeatureBytes)
	case n > 0:
		return Invalidf("feature %d: not a GeoJSON Feature: %s", n, jsonProblem(err))
	}
	return notCollection(err)
}

// ReadACLEDCSV streams a CSV export with ACLED-style columns as incident
// features; an error names the record (its line) and the field at fault,
// and ends the stream. It holds one record at a time, and refuses a field
// longer than MaxFieldBytes and a file larger than MaxImportBytes.
func ReadACLEDCSV(r io.Reader) iter.Seq2[Feature, error] {
	return func(yield func(Feature, error) bool) {
		lr := &limitReader{r: r, n: MaxImportBytes}
		cr := csv.NewReader(&fieldLimitReader{r: bufio.NewReaderSize(lr, 64<<10)})
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		col, err := readACLEDHeader(cr)
		if err != nil {
			yield(Feature{}, csvProblem(err, "the CSV header cannot be read"))
			return
		}
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				// A csv.ParseError names its own line.
				yield(Feature{}, csvProblem(err, "the CSV cannot be read"))
				return
			}
			line, _ := cr.FieldPos(0)
			f, err := acledRecord(col, rec, line)
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

// csvProblem explains an error of the CSV reader.
func csvProblem(err error, what string) error {
	switch {
	case errors.Is(err, errFileTooLarge):
		return Invalidf("the file is larger than the %d bytes an import may have; split it", int64(MaxImportBytes))
	case errors.Is(err, errFieldTooLong):
		return Invalidf("%s: a line is longer than the %d bytes a field may have", what, MaxFieldBytes)
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return Invalidf("%s: %v", what, err)
}

// errFieldTooLong is what fieldLimitReader says of a line that runs past
// MaxFieldBytes: encoding/csv would otherwise grow its buffer for as long
// as a quoted field goes on.
var errFieldTooLong = errors.New("field too long")

// fieldLimitReader fails when a line (and so any field in it) is longer
// than MaxFieldBytes, counting from the last newline, quoted or not; a
// quoted field with newlines in it counts from each of them, which is
// generous and still bounded.
type fieldLimitReader struct {
	r   io.Reader
	run int
}

func (f *fieldLimitReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			f.run = 0
			continue
		}
		if f.run++; f.run > MaxFieldBytes {
			return 0, errFieldTooLong
		}
	}
	return n, err
}

// readACLEDHeader reads the header and returns the column of each name.
func readACLEDHeader(cr *csv.Reader) (map[string]int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Invalidf("the CSV is empty")
	}
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, name := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))] = i
	}
	for _, name := range acledRequired {
		if _, ok := col[name]; !ok {
			return nil, Invalidf("the CSV has no %q column (it needs %s)", name, strings.Join(acledRequired, ", "))
		}
	}
	return col, nil
}

// acledRecord converts and checks the record on line.
func acledRecord(col map[string]int, rec []string, line int) (Feature, error) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	f, field, err := acledFeature(get)
	if err == nil {
		err = ValidateIncident(f)
	}
	if err != nil {
		if field != "" {
			return Feature{}, Invalidf("record on line %d, field %s: %s", line, field, Message(err, err.Error()))
		}
		return Feature{}, Invalidf("record on line %d: %s", line, Message(err, err.Error()))
	}
	return f, nil
}

// Collect reads a whole stream into memory; an error ends it.
func Collect(features iter.Seq2[Feature, error]) ([]Feature, error) {
	var out []Feature
	for f, err := range features {
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
