package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// The child side: a server of one kind on a loopback port, whose address
// goes to stdout as "ADDR host:port".

const (
	benchAccessKey = "bench"
	benchSecretKey = "bench-secret"
)

// serveKind serves until ctx ends, then calls atStop before shutting down.
func serveKind(ctx context.Context, kind, dir string, stdout io.Writer, atStop func()) error {
	var h http.Handler
	switch kind {
	case "limit":
		h = limitHandler{}
	case "memory", "disk":
		if kind == "memory" {
			dir = ""
		} else if dir == "" {
			return errors.New("-serve disk needs -data")
		}
		eng, err := engine.Open(dir, &engine.Options{VectorMD5: true}) // as cmd/osslite
		if err != nil {
			return err
		}
		defer eng.Close()
		h = httpapi.New(eng, httpapi.WithCredentials(map[string]string{benchAccessKey: benchSecretKey}))
	default:
		return fmt.Errorf("unknown server kind %q", kind)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "ADDR %s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		atStop()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		return err
	}
}

// limitHandler does no work beyond what HTTP itself needs: it drains
// request bodies and writes response bodies of the size the key names
// ("<prefix>-<size>-<n>"), so its throughput is the most a Go HTTP server
// reaches here with this client.
type limitHandler struct{}

var zeros = make([]byte, 1<<20)

func (limitHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch r.Method {
	case http.MethodPut:
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
		w.WriteHeader(http.StatusOK)
	case http.MethodPost:
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		if q.Has("uploads") {
			_, _ = io.WriteString(w, `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>limit</UploadId></InitiateMultipartUploadResult>`)
			return
		}
		_, _ = io.WriteString(w, `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"x-1"</ETag></CompleteMultipartUploadResult>`)
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	case http.MethodHead, http.MethodGet:
		if q.Has("list-type") {
			page, ok := limitListPages()[q.Get("continuation-token")]
			if !ok {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("Content-Length", strconv.Itoa(len(page)))
			_, _ = w.Write(page)
			return
		}
		size := sizeOfKey(r.URL.Path)
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			for size > 0 {
				n := min(size, int64(len(zeros)))
				if _, err := w.Write(zeros[:n]); err != nil {
					return
				}
				size -= n
			}
		}
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// sizeOfKey reads the size out of a key "<prefix>-<size>-<n>".
func sizeOfKey(path string) int64 {
	parts := strings.Split(path[strings.LastIndexByte(path, '/')+1:], "-")
	if len(parts) < 3 {
		return 0
	}
	n, _ := strconv.ParseInt(parts[len(parts)-2], 10, 64)
	return n
}

// listKeys and listPageKeys shape the list scenario: listKeys objects named
// listKey(n), listed in pages of listPageKeys.
const (
	listKeys     = 10000
	listPageKeys = 1000
)

func listKey(n int) string { return fmt.Sprintf("list/obj-0-%05d", n) }

// listToken is the continuation token osslite gives for a page that ends
// at key n.
func listToken(n int) string { return base64.RawURLEncoding.EncodeToString([]byte(listKey(n))) }

// limitListPages are the ListObjectsV2 pages of the list scenario, by
// continuation token ("" for the first), byte for byte as osslite renders
// them except for LastModified (TestLimitListPages checks it): the limit
// server's clients parse the same documents as osslite's. They are built
// on first use, so that they (about 5 MiB) count only in the limit
// server's RSS, not in every process of the tool.
var limitListPages = sync.OnceValue(func() map[string][]byte {
	pages := map[string][]byte{}
	for first := 0; first < listKeys; first += listPageKeys {
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bench</Name><Prefix>list/</Prefix>`)
		token := ""
		if first > 0 {
			token = listToken(first - 1)
			fmt.Fprintf(&b, `<ContinuationToken>%s</ContinuationToken>`, token)
		}
		last := first+listPageKeys >= listKeys
		if !last {
			fmt.Fprintf(&b, `<NextContinuationToken>%s</NextContinuationToken>`, listToken(first+listPageKeys-1))
		}
		fmt.Fprintf(&b, `<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys><IsTruncated>%t</IsTruncated>`, listPageKeys, listPageKeys, !last)
		for n := first; n < first+listPageKeys; n++ {
			fmt.Fprintf(&b, `<Contents><Key>%s</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>`+
				`<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm>`+
				`<ChecksumType>FULL_OBJECT</ChecksumType><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>`, listKey(n))
		}
		b.WriteString(`</ListBucketResult>`)
		pages[token] = b.Bytes()
	}
	return pages
})
