package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// piece is one line GMT dumps: a river or shoreline segment within one of
// GSHHG's bins, with its WDBII level.
type piece struct {
	Level int
	Line  orb.LineString
}

// gmt runs GMT's coast module and reads what it dumps.
type gmt struct {
	Bin    string
	Window orb.Bound
}

// region is the -R option for the window.
func (g gmt) region() string {
	return fmt.Sprintf("-R%g/%g/%g/%g", g.Window.Min[0], g.Window.Max[0], g.Window.Min[1], g.Window.Max[1])
}

// Rivers dumps the WDBII river lines of the permanent (1-4) and
// intermittent (5-7) classes at GSHHG's high resolution: no river-lakes
// (class 0), no canals (8-10).
func (g gmt) Rivers(ctx context.Context) ([]piece, error) {
	return g.dump(ctx, "coast", g.region(), "-Dh", "-IR", "-Ii", "-M")
}

// Shores dumps the shorelines of lakes (GSHHG level 2) and of islands in
// lakes (level 3) whose polygons cover at least minAreaKm2, without the
// river-lakes (wide river sections drawn as polygons).
func (g gmt) Shores(ctx context.Context, minAreaKm2 float64) ([]piece, error) {
	return g.dump(ctx, "coast", g.region(), "-Dh", "-W", "-M", fmt.Sprintf("-A%g/2/3+l", minAreaKm2))
}

// Version returns what gmt --version prints.
func (g gmt) Version(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, g.Bin, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w (install Debian's gmt and gmt-gshhg-high)", g.Bin, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func (g gmt) dump(ctx context.Context, args ...string) ([]piece, error) {
	dir, err := os.MkdirTemp("", "casmap-gmt-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) // GMT leaves gmt.history in its working folder
	cmd := exec.CommandContext(ctx, g.Bin, append(args, "--GMT_HISTORY=false")...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", g.Bin, strings.Join(args, " "), err, stderr.String())
	}
	return parsePieces(bytes.NewReader(out))
}

// parsePieces reads GMT's multisegment text: a header line
// "> River Bin # 2900, Level 1" (or "Shore") before each segment's
// "lon<TAB>lat" lines. Segments of fewer than two distinct points are
// dropped.
func parsePieces(r io.Reader) ([]piece, error) {
	var out []piece
	var cur *piece
	flush := func() {
		if cur != nil && len(cur.Line) >= 2 {
			out = append(out, *cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, ">") {
			flush()
			_, after, ok := strings.Cut(text, "Level ")
			level, err := strconv.Atoi(strings.TrimSpace(after))
			if !ok || err != nil {
				return nil, fmt.Errorf("line %d: segment header %q has no level", line, text)
			}
			cur = &piece{Level: level}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("line %d: coordinates before any segment header", line)
		}
		f := strings.Fields(text)
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: %q is not lon lat", line, text)
		}
		lon, err1 := strconv.ParseFloat(f[0], 64)
		lat, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: %q is not lon lat", line, text)
		}
		pt := orb.Point{lon, lat}
		if n := len(cur.Line); n > 0 && cur.Line[n-1] == pt {
			continue
		}
		cur.Line = append(cur.Line, pt)
	}
	flush()
	return out, sc.Err()
}
