package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/citypact/citypact/internal/app"
)

// RouteInfo is one line of `citypact routes --json`.
type RouteInfo struct {
	Method  string `json:"method"`
	Pattern string `json:"pattern"`
	Surface string `json:"surface"`
	Role    string `json:"role"`
	Scope   string `json:"scope,omitempty"` // for API routes: the token scope a token needs
}

// RouteInfos describes the route table.
func RouteInfos() []RouteInfo {
	var out []RouteInfo
	for _, rt := range app.RouteTable() {
		ri := RouteInfo{Method: rt.Method, Pattern: rt.Pattern, Surface: string(rt.Surface), Role: rt.Role.String()}
		if rt.Surface == "api" && rt.Role > 0 {
			ri.Scope = "read"
			if !rt.Safe() {
				ri.Scope = "write"
			}
		}
		out = append(out, ri)
	}
	return out
}

func routes(_ context.Context, env Env, args []string) error {
	fs := newFlags(env, "routes", "routes [--json]")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	if err := parse(fs, args); err != nil {
		return err
	}
	infos := RouteInfos()
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATTERN\tSURFACE\tLEAST ROLE\tTOKEN SCOPE")
	for _, r := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Method, r.Pattern, r.Surface, r.Role, r.Scope)
	}
	return tw.Flush()
}
