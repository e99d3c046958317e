package geodata_test

import (
	"errors"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
)

func TestParseBBox(t *testing.T) {
	tests := []struct {
		in      string
		want    [4]float64
		wantErr bool
	}{
		{"60,29,75,38.5", [4]float64{60, 29, 75, 38.5}, false},
		{" 60 , 29 , 75 , 38.5 ", [4]float64{60, 29, 75, 38.5}, false},
		{"0.450000000000000011,29.0000000000000000,75.0000000000000000,38.5000000000000000", [4]float64{0.45, 29, 75, 38.5}, false},
		{"60,29,0,75,38.5,9000", [4]float64{60, 29, 75, 38.5}, false},
		{"-180,-90,180,90", [4]float64{-180, -90, 180, 90}, false},
		{"", [4]float64{}, true},
		{"60,29,75", [4]float64{}, true},
		{"60,29,75,38,1", [4]float64{}, true},
		{"a,29,75,38", [4]float64{}, true},
		{"NaN,29,75,38", [4]float64{}, true},
		{"Inf,29,75,38", [4]float64{}, true},
		{"75,29,60,38", [4]float64{}, true},
		{"60,38,75,29", [4]float64{}, true},
		{"60,29,181,38", [4]float64{}, true},
		{"60,-91,75,38", [4]float64{}, true},
	}
	for _, tc := range tests {
		b, err := geodata.ParseBBox(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseBBox(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			continue
		}
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) {
				t.Errorf("ParseBBox(%q) error %v does not wrap ErrInvalid", tc.in, err)
			}
			continue
		}
		got := [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		if got != tc.want {
			t.Errorf("ParseBBox(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseDatetime(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	endOf := func(s string) time.Time { return day(s).Add(24*time.Hour - time.Second) }
	ts := time.Date(2022, 9, 14, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		in         string
		start, end time.Time
		wantErr    bool
	}{
		{"2022-09-14", day("2022-09-14"), endOf("2022-09-14"), false},
		{"2022-09-14T08:00:00Z", ts, ts, false},
		{"2022-09-14T13:00:00+05:00", ts, ts, false},
		{"2022-01-01/2022-12-31", day("2022-01-01"), endOf("2022-12-31"), false},
		{"2022-01-01/..", day("2022-01-01"), time.Time{}, false},
		{"../2022-12-31", time.Time{}, endOf("2022-12-31"), false},
		{"/2022-12-31", time.Time{}, endOf("2022-12-31"), false},
		{"2022-01-01T00:00:00Z/2022-02-01T00:00:00Z", day("2022-01-01"), day("2022-02-01"), false},
		{"", time.Time{}, time.Time{}, true},
		{"../..", time.Time{}, time.Time{}, true},
		{"2022-12-31/2022-01-01", time.Time{}, time.Time{}, true},
		{"2022-13-01", time.Time{}, time.Time{}, true},
		{"yesterday", time.Time{}, time.Time{}, true},
		{"2022-01-01/2022-02-01/2022-03-01", time.Time{}, time.Time{}, true},
	}
	for _, tc := range tests {
		iv, err := geodata.ParseDatetime(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseDatetime(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && (!iv.Start.Equal(tc.start) || !iv.End.Equal(tc.end)) {
			t.Errorf("ParseDatetime(%q) = %v..%v, want %v..%v", tc.in, iv.Start, iv.End, tc.start, tc.end)
		}
	}
}

func TestParseLimitOffset(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    int
		wantErr bool
	}{{"", 100, false}, {"1", 1, false}, {"10000", 10000, false}, {"0", 0, true}, {"10001", 0, true}, {"unlimited", 0, true}, {"-5", 0, true}, {"1.5", 0, true}} {
		got, err := geodata.ParseLimit(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseLimit(%q) = %d, %v; want %d, err %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
	for _, tc := range []struct {
		in      string
		want    int
		wantErr bool
	}{{"", 0, false}, {"0", 0, false}, {"250", 250, false}, {"-1", 0, true}, {"x", 0, true}} {
		got, err := geodata.ParseOffset(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseOffset(%q) = %d, %v; want %d, err %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
