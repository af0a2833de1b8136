package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X github.com/citypact/citypact/internal/cli.Version=…".
var Version = "dev"

func version(_ context.Context, env Env, _ []string) error {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = " " + s.Value
			}
		}
	}
	fmt.Fprintf(env.Stdout, "citypact %s%s %s\n", Version, rev, runtime.Version())
	return nil
}
