package httpapi_test

import (
	"fmt"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// ExampleListenRTMP serves OSS LiveChannel pushes next to the HTTP API:
// the same handler, an RTMP listener on another port.
func ExampleListenRTMP() {
	eng, err := engine.Open("", nil)
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	h := httpapi.New(eng, httpapi.WithCredentials(map[string]string{"ak": "sk"}))
	l, err := httpapi.ListenRTMP(h, "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close() // before the engine: ends pushes, finalising their playlists
	fmt.Println(l.Addr().Network())
	// Output: tcp
}
