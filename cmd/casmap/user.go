package main

import (
	"bufio"
	"context"
	"errors"

	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/casmap/casmap/geodata/account"
	"github.com/casmap/casmap/server"
	"golang.org/x/term"
)

const userUsage = `usage:
  casmap user add NAME --role editor|reviewer|admin   create an account; the password is read from standard input
  casmap user list                                    list accounts
  casmap user disable NAME | enable NAME              stop (or allow again) an account signing in; disabling ends its sessions
  casmap user reset NAME                              set a new password (from standard input); ends its sessions
  casmap user token NAME --label TEXT                 make an API token for scripts (shown once)
  casmap user revoke NAME TOKEN-ID                    revoke one of an account's tokens
every subcommand takes --db FILE (env CASMAP_DB)
`

// userCmd manages accounts in the database.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("user", &cfg, false)
	role := fs.String("role", "", "one of `editor|reviewer|admin` (user add): editors propose changes, reviewers also publish and revert, admins also manage accounts")
	label := fs.String("label", "", "`TEXT` that says what the token is for (user token)")
	if err := parseFlags(fs, reorderFlags(args), getenv, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stdout, userUsage)
		return nil
	}
	sub, rest := fs.Arg(0), fs.Args()[1:]
	db, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts, err := accountsOf(db)
	if err != nil {
		return err
	}
	u := userOps{db: accounts, stdin: stdin, stdout: stdout, stderr: stderr}
	switch sub {
	case "add":
		return u.add(ctx, rest, *role)
	case "list":
		return u.list(ctx, rest)
	case "disable", "enable":
		return u.setDisabled(ctx, rest, sub == "disable")
	case "reset":
		return u.reset(ctx, rest)
	case "token":
		return u.token(ctx, rest, *label)
	case "revoke":
		return u.revoke(ctx, rest)
	}
	return fmt.Errorf("unknown user command %q\n%s", sub, userUsage)
}

// reorderFlags puts flags before the other arguments, so that
// "user add alice --role editor" reads like "user add --role editor alice".
func reorderFlags(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

// userOps are the account commands, on one open database.
type userOps struct {
	db     server.Accounts
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func oneName(args []string, cmd string) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("usage: casmap user %s NAME", cmd)
	}
	return args[0], nil
}

func (u userOps) add(ctx context.Context, args []string, roleName string) error {
	name, err := oneName(args, "add --role ROLE")
	if err != nil {
		return err
	}
	if err := account.CheckName(name); err != nil {
		return err
	}
	role, err := account.ParseRole(roleName)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	pw, err := u.readPassword("password for " + name)
	if err != nil {
		return err
	}
	hash, err := account.HashPassword(pw, account.DefaultParams)
	if err != nil {
		return err
	}
	if _, err := u.db.AddUser(ctx, account.User{Name: name, Role: role, PasswordHash: hash}); err != nil {
		if errors.Is(err, account.ErrUserExists) {
			return fmt.Errorf("user add: an account named %s exists", name)
		}
		return err
	}
	fmt.Fprintf(u.stdout, "added %s (%s)\n", name, role)
	return nil
}

func (u userOps) list(ctx context.Context, args []string) error {
	if len(args) != 0 {
		return errors.New("usage: casmap user list")
	}
	users, err := u.db.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(u.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tCREATED")
	for _, x := range users {
		status := "active"
		if x.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Name, x.Role, status, x.Created.Format(time.DateOnly))
	}
	return tw.Flush()
}

func (u userOps) setDisabled(ctx context.Context, args []string, disabled bool) error {
	verb := map[bool]string{true: "disable", false: "enable"}[disabled]
	name, err := oneName(args, verb)
	if err != nil {
		return err
	}
	x, err := u.db.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s %s: %w", verb, name, err)
	}
	x.Disabled = disabled
	if err := u.db.UpdateUser(ctx, x); err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "%sd %s\n", verb, name)
	return nil
}

func (u userOps) reset(ctx context.Context, args []string) error {
	name, err := oneName(args, "reset")
	if err != nil {
		return err
	}
	x, err := u.db.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user reset %s: %w", name, err)
	}
	pw, err := u.readPassword("new password for " + name)
	if err != nil {
		return err
	}
	if x.PasswordHash, err = account.HashPassword(pw, account.DefaultParams); err != nil {
		return err
	}
	x.PasswordChanged = time.Now().UTC()
	if err := u.db.UpdateUser(ctx, x); err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "set a new password for %s; its sessions have ended\n", name)
	return nil
}

func (u userOps) token(ctx context.Context, args []string, label string) error {
	name, err := oneName(args, "token --label TEXT")
	if err != nil {
		return err
	}
	if label == "" {
		return errors.New("user token: --label says what the token is for")
	}
	x, err := u.db.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user token %s: %w", name, err)
	}
	secret, hash, err := account.NewToken()
	if err != nil {
		return err
	}
	t, err := u.db.AddToken(ctx, account.Token{UserID: x.ID, Label: label, Hash: hash})
	if err != nil {
		return err
	}
	fmt.Fprintf(u.stderr, "token %d for %s (%s); it is shown only now:\n", t.ID, name, label)
	fmt.Fprintln(u.stdout, secret)
	return nil
}

func (u userOps) revoke(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return errors.New("usage: casmap user revoke NAME TOKEN-ID")
	}
	x, err := u.db.User(ctx, args[0])
	if err != nil {
		return fmt.Errorf("user revoke %s: %w", args[0], err)
	}
	id, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil {
		return fmt.Errorf("user revoke: token id %q is not a number", args[1])
	}
	if err := u.db.RevokeToken(ctx, x.ID, id); err != nil {
		return fmt.Errorf("user revoke %s %d: %w", args[0], id, err)
	}
	fmt.Fprintf(u.stdout, "revoked token %d of %s\n", id, args[0])
	return nil
}

// readPassword reads a password: typed twice, unechoed, at a terminal;
// else the first line of standard input (for scripts and tests).
func (u userOps) readPassword(prompt string) (string, error) {
	var pw string
	if f, ok := u.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := promptHidden(f, u.stderr, prompt+": ")
		if err != nil {
			return "", err
		}
		again, err := promptHidden(f, u.stderr, "again: ")
		if err != nil {
			return "", err
		}
		if first != again {
			return "", errors.New("the two passwords differ")
		}
		pw = first
	} else {
		line, err := bufio.NewReader(u.stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", errors.New("give the password on standard input (one line)")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	return pw, account.CheckPassword(pw)
}

func promptHidden(f *os.File, out io.Writer, prompt string) (string, error) {
	fmt.Fprint(out, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(out)
	return string(b), err
}
