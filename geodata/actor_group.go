package geodata

import "strings"

// actorGroupRules map words in an actor's name to its group, tried in
// order: the Pakistani Taliban before the Taliban, militants before the
// forces they fight.
var actorGroupRules = []struct {
	group string
	words []string
}{
	{"TTP", []string{"tehrik-i-taliban", "tehreek-e-taliban", "ttp", "pakistani taliban"}},
	{"ISKP", []string{"islamic state", "iskp", "is-k", "isis", "daesh", "khorasan province"}},
	{"Anti-Taliban resistance", []string{"national resistance front", "nrf", "afghanistan freedom front", "aff", "resistance"}},
	{"Taliban", []string{"taliban", "islamic emirate", "forces of afghanistan (2021"}},
	{"Protesters", []string{"protesters", "protester", "rioters", "rioter", "demonstrators"}},
	{"Government", []string{"military forces of", "police forces of", "border guard", "security forces", "armed forces", "government of", "army"}},
	{"Other militants", []string{"militant", "insurgent", "jamaat", "jihad", "islamic movement", "lashkar", "baloch liberation"}},
}

// ActorGroup classifies an actor's name (as ACLED-style exports give it)
// into one of the agreed actor groups, or Unknown when nothing matches.
func ActorGroup(actor string) string {
	name := " " + strings.ToLower(actor) + " "
	for _, r := range actorGroupRules {
		for _, w := range r.words {
			if containsWord(name, w) {
				return r.group
			}
		}
	}
	return "Unknown"
}

// containsWord reports whether w occurs in name as a whole word or phrase.
func containsWord(name, w string) bool {
	for i := 0; ; {
		j := strings.Index(name[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		before, after := name[at-1], byte(' ')
		if at+len(w) < len(name) {
			after = name[at+len(w)]
		}
		if !isWordByte(before) && !isWordByte(after) {
			return true
		}
		i = at + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}
