// Command citypact runs a hub where cities work together against pandemics and other crises.
// See `citypact help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/citypact/citypact/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
