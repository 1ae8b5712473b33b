package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
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

func serveKind(ctx context.Context, kind, dir string, stdout io.Writer) error {
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
			w.Header().Set("Content-Type", "application/xml")
			_, _ = w.Write(limitListPage)
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

// limitListPage is a ListObjectsV2 page of 1000 keys, as osslite renders
// one, written by the limit server for every list request.
var limitListPage = func() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bench</Name><Prefix>list/</Prefix><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`)
	for i := range 1000 {
		fmt.Fprintf(&b, `<Contents><Key>list/obj-0-%05d</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>`, i)
	}
	b.WriteString(`</ListBucketResult>`)
	return []byte(b.String())
}()
