package geodata_test

import (
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

const acledHeader = "event_id_cnty,event_date,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,fatalities,notes,source,admin1\n"

func TestParseACLEDCSV(t *testing.T) {
	csv := acledHeader +
		"UZB1,18 April 2022,Explosions/Remote violence,Shelling/artillery/missile attack,ISKP,Uzbekistan,Termez,37.2242,67.2783,1,0,Rockets fired from Afghanistan,Reuters,Surxondaryo\n" +
		"KAZ7,2022-01-05,Riots,Violent demonstration,Rioters (Kazakhstan),KAZ,Almaty,43.238,76.945,2,,\"Unrest, with \"\"quotes\"\"\",RFE/RL,Almaty\n"
	got, err := geodata.ParseACLEDCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatalf("ParseACLEDCSV: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d features, want 2", len(got))
	}
	first := got[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", first.ID, "UZB1"},
		{"geometry", first.Geometry, orb.Point{67.2783, 37.2242}},
		{"date", first.Properties["date"], "2022-04-18"},
		{"category", first.Properties["category"], "attack"},
		{"country", first.Properties["country"], "UZB"},
		{"fatalities", first.Properties["fatalities"], 0.0},
		{"precision", first.Properties["precision"], "town"},
		{"confidence", first.Properties["confidence"], "reported"},
		{"second category", got[1].Properties["category"], "unrest"},
		{"second fatalities", got[1].Properties["fatalities"], nil},
		{"second precision", got[1].Properties["precision"], "district"},
		{"second summary", got[1].Properties["summary"], `Unrest, with "quotes"`},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestParseACLEDCSVErrors(t *testing.T) {
	row := func(date, lat, lon, fatalities, country string) string {
		return acledHeader + "X1," + date + ",Battles,Armed clash,Army," + country + ",Place," + lat + "," + lon + ",1," + fatalities + ",n,s,Region\n"
	}
	tests := []struct {
		name, csv, want string
	}{
		{"empty", "", "empty"},
		{"missing column", "event_date,event_type\n", `no "actor1" column`},
		{"bad date", row("someday", "37", "67", "1", "Uzbekistan"), "line 2, field event_date"},
		{"bad latitude", row("2022-01-01", "95", "67", "1", "Uzbekistan"), "line 2, field latitude"},
		{"bad longitude", row("2022-01-01", "37", "east", "1", "Uzbekistan"), "line 2, field longitude"},
		{"bad fatalities", row("2022-01-01", "37", "67", "many", "Uzbekistan"), "line 2, field fatalities"},
		{"unknown country", row("2022-01-01", "37", "67", "1", "Atlantis"), "line 2, field country"},
		{"duplicate id", row("2022-01-01", "37", "67", "1", "UZB") + "X1,2022-01-02,Battles,x,Army,UZB,P,37,67,1,1,n,s,Region\n", "line 3, field event_id_cnty"},
		{"broken quoting", acledHeader + "X1,\"2022-01-01,Battles\n", "cannot be read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := geodata.ParseACLEDCSV(strings.NewReader(tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseACLEDCSV error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestParseACLEDCSVCoding(t *testing.T) {
	csv := "event_date,event_type,actor1,country,admin1,latitude,longitude,time_precision,source\n" +
		"2022-05-07,Explosions/Remote violence,Islamic State (Afghanistan),Afghanistan,Takhar,37.06,69.43,2,Asia-Plus\n"
	got, err := geodata.ParseACLEDCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatalf("ParseACLEDCSV: %v", err)
	}
	p := got[0].Properties
	for k, want := range map[string]any{"actor_group": "ISKP", "admin1": "Takhar", "date_precision": "week"} {
		if p[k] != want {
			t.Errorf("%s = %#v, want %#v", k, p[k], want)
		}
	}
	cs, _ := p["coord_source"].(map[string]any)
	if cs["kind"] != "source" || cs["publisher"] != "Asia-Plus" {
		t.Errorf("coord_source = %v, want the imported record as its source", cs)
	}
	for _, bad := range []struct{ csv, want string }{
		{"event_date,event_type,actor1,country,latitude,longitude\n2022-05-07,Battles,x,AFG,37,69\n", `no "admin1" column`},
		{"event_date,event_type,actor1,country,admin1,latitude,longitude\n2022-05-07,Battles,x,AFG,,37,69\n", "field admin1"},
		{"event_date,event_type,actor1,country,admin1,latitude,longitude,time_precision\n2022-05-07,Battles,x,AFG,Takhar,37,69,9\n", "field time_precision"},
	} {
		if _, err := geodata.ParseACLEDCSV(strings.NewReader(bad.csv)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseACLEDCSV error = %v, want it to mention %q", err, bad.want)
		}
	}
}
