package account_test

import (
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata/account"
)

// cheap keeps the tests fast; the parameters are part of the hash.
var cheap = account.Params{Time: 1, Memory: 64, Threads: 1}

func TestPasswordHashVerifies(t *testing.T) {
	h, err := account.HashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	if h2, _ := account.HashPassword("correct horse battery", cheap); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batter": false, "": false} {
		if ok, err := account.VerifyPassword(pw, h); err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=999999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5"} {
		if _, err := account.VerifyPassword("x", bad); err == nil {
			t.Errorf("VerifyPassword against %q: no error", bad)
		}
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		have, need account.Role
		can        bool
	}{
		{account.Editor, account.Editor, true}, {account.Editor, account.Reviewer, false},
		{account.Reviewer, account.Editor, true}, {account.Reviewer, account.Admin, false},
		{account.Admin, account.Reviewer, true}, {"", account.Editor, false}, {"root", account.Editor, false},
	} {
		if got := tc.have.Can(tc.need); got != tc.can {
			t.Errorf("%q.Can(%q) = %v, want %v", tc.have, tc.need, got, tc.can)
		}
	}
	if _, err := account.ParseRole("owner"); err == nil {
		t.Error("ParseRole(owner): no error")
	}
}

func TestTokens(t *testing.T) {
	s1, h1, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := account.NewToken()
	if s1 == s2 || !account.LooksLikeToken(s1) || string(account.HashToken(s1)) != string(h1) {
		t.Errorf("tokens %q, %q: not random, not casmap_ tokens, or hash differs", s1, s2)
	}
	if account.LooksLikeToken("casmap_short") {
		t.Error("casmap_short looks like a token")
	}
}

func TestNamesAndPasswords(t *testing.T) {
	for name, ok := range map[string]bool{"alice": true, "a.b-c_1": true, "A": false, "x": false, "1abc": false, "al ice": false, "<b>": false} {
		if err := account.CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v", name, err)
		}
	}
	if account.CheckPassword("short") == nil || account.CheckPassword("long enough password") != nil {
		t.Error("CheckPassword: wrong answer for short or long")
	}
}
