package app

import (
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
)

// TestTakeTurns: once a response is written (StateIdle), the connection's goroutine lets the
// goroutines already waiting run before it reads its next request; at other states it does not
// stop. On one processor, a goroutine just started waits until the running one yields.
//
// The scheduler does not promise the order: a yielding goroutine is put back first one time in
// 61 (so the global queue is not starved), and under the race detector the queue is shuffled. So
// each state is tried many times and judged by the majority, which a yield changes from none to
// nearly all.
func TestTakeTurns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const tries = 40
	for _, c := range []struct {
		state http.ConnState
		yield bool
	}{
		{http.StateIdle, true},
		{http.StateActive, false},
		{http.StateNew, false},
	} {
		ran := 0
		for range tries {
			var started atomic.Bool
			done := make(chan struct{})
			go func() { started.Store(true); close(done) }()
			takeTurns(nil, c.state)
			if started.Load() {
				ran++
			}
			<-done
		}
		if got := ran > tries/2; got != c.yield {
			t.Errorf("at %v, the waiting goroutine ran first %d times in %d, want most: %v", c.state, ran, tries, c.yield)
		}
	}
}
