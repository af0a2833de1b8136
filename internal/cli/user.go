package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/app"
	"github.com/citypact/citypact/internal/i18n"
)

const userUsage = `user add --email ADDR --name NAME (--admin | --role member|editor --org SLUG) [--lang ko] [--password-stdin]
       citypact user list
       citypact user set-role --email ADDR --role member|editor|admin [--org SLUG]
       citypact user reset-password --email ADDR [--password-stdin]
       citypact user disable --email ADDR`

// cliActor is who the audit log names for changes made from the command line.
var cliActor = citypact.Actor{Name: "cli", Role: citypact.RoleAdmin}

func user(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", userUsage)
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlags(env, "user "+sub, userUsage)
	dsn := databaseFlag(fs, env)
	email := fs.String("email", "", "the account's e-mail `address`")
	name := fs.String("name", "", "display `name`")
	admin := fs.Bool("admin", false, "make the account an admin (the hub's secretariat)")
	roleName := fs.String("role", "", "`role`: member, editor or admin")
	orgSlug := fs.String("org", "", "organisation `slug` (members and editors belong to one)")
	lang := fs.String("lang", "en", "preferred `language`: en, ko, zh-TW, ja")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = citypact.WithActor(ctx, cliActor)
	// Notices of a changed password link to the hub when its address is known; serve mails them.
	svc := account.NewService(db, app.NewHasher(), account.DefaultPolicy, db.Now).WithBaseURL(env.Getenv("CITYPACT_BASE_URL"))
	orgID := func() (int64, error) {
		if *orgSlug == "" {
			return 0, nil
		}
		o, err := db.OrganisationBySlug(ctx, *orgSlug)
		if err != nil {
			return 0, fmt.Errorf("no organisation with slug %q (add it with 'citypact org add')", *orgSlug)
		}
		return o.ID, nil
	}
	password := func() (string, bool, error) {
		if *pwStdin {
			line, err := bufio.NewReader(env.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return "", false, fmt.Errorf("no password on standard input")
			}
			return strings.TrimRight(line, "\r\n"), false, nil
		}
		return generatePassword(), true, nil
	}
	switch sub {
	case "add":
		role, ok := citypact.ParseRole(*roleName)
		if *admin {
			role, ok = citypact.RoleAdmin, true
		}
		if !ok {
			fmt.Fprintln(env.Stderr, "user add: give --admin or --role member|editor")
			return errUsage
		}
		l, ok := i18n.Parse(*lang)
		if !ok {
			fmt.Fprintf(env.Stderr, "user add: unknown language %q (en, ko, zh-TW, ja)\n", *lang)
			return errUsage
		}
		oid, err := orgID()
		if err != nil {
			return err
		}
		pw, generated, err := password()
		if err != nil {
			return err
		}
		u, err := svc.CreateUser(ctx, account.NewUser{Email: *email, Name: *name, Lang: l, Role: role, OrgID: oid, Password: pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added %s (%s) as %s\n", u.Email, u.Name, u.Role)
		if generated {
			fmt.Fprintf(env.Stdout, "password (shown once): %s\n", pw)
		}
		return nil
	case "list":
		users, err := svc.Users(ctx, cliActor, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tORGANISATION\tTOTP\tDISABLED")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%t\t%t\n", u.ID, u.Email, u.Name, u.Role, u.OrgName, u.TOTPEnabled, u.Disabled)
		}
		return tw.Flush()
	case "set-role", "disable":
		u, err := db.UserByEmail(ctx, account.NormalizeEmail(*email))
		if err != nil {
			return err
		}
		c := account.UserChange{Name: u.Name, Role: u.Role, OrgID: u.OrgID, Disabled: u.Disabled}
		if sub == "disable" {
			c.Disabled = true
		} else {
			role, ok := citypact.ParseRole(*roleName)
			if !ok {
				fmt.Fprintln(env.Stderr, "user set-role: --role must be member, editor or admin")
				return errUsage
			}
			c.Role = role
			if *orgSlug != "" {
				if c.OrgID, err = orgID(); err != nil {
					return err
				}
			}
		}
		if _, err := svc.UpdateUser(ctx, cliActor, u.ID, c); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "updated %s\n", u.Email)
		return nil
	case "reset-password":
		u, err := db.UserByEmail(ctx, account.NormalizeEmail(*email))
		if err != nil {
			return err
		}
		pw, generated, err := password()
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s reset; all its sessions ended\n", u.Email)
		if generated {
			fmt.Fprintf(env.Stdout, "password (shown once): %s\n", pw)
		}
		return nil
	}
	fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", userUsage)
	return errUsage
}

// generatePassword returns 26 random base32 characters (128 bits) from crypto/rand.Text.
func generatePassword() string { return rand.Text() }
