package bot

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestDefaultTransport_KeepsBurstConnections: a second burst of as many
// concurrent calls as chats in hand reuses the first burst's connections
// instead of dialling again (with the old 32 idle slots it dialled 68 of
// 100 anew every burst).
func TestDefaultTransport_KeepsBurstConnections(t *testing.T) {
	const inFlight = 100
	var dialled atomic.Int64
	release := make(chan struct{})
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release // hold every call until the whole burst is in flight
		w.Write([]byte(`{"ok":true,"result":true}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	client := &http.Client{Transport: defaultTransport()}
	defer client.CloseIdleConnections()
	burst := func() int64 {
		before := dialled.Load()
		release = make(chan struct{})
		arrived.Add(inFlight)
		var done sync.WaitGroup
		for range inFlight {
			done.Go(func() {
				res, err := client.Post(srv.URL+"/botT/answerCallbackQuery", "application/json", nil)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
			})
		}
		arrived.Wait()
		close(release)
		done.Wait()
		return dialled.Load() - before
	}
	if n := burst(); n != inFlight {
		t.Fatalf("first burst dialled %d connections, want %d", n, inFlight)
	}
	if n := burst(); n != 0 {
		t.Errorf("second burst dialled %d new connections, want 0 (idle ones kept)", n)
	}
}
