package wal_test

import (
	"fmt"
	"log"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/wal"
)

func ExampleOpen() {
	l, report, err := wal.Open(wal.Options{
		FS:          vfs.NewMem(), // vfs.Default for disk
		Dir:         "blobs",
		Sync:        true,
		Compression: wal.S2,
		// Where the caller's metadata stops referencing the segment:
		// recovery keeps corrupt records before that instead of taking
		// them for a torn tail. This caller references nothing yet.
		Referenced: func(segment uint64) (int64, error) { return 0, nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	fmt.Println("truncated segments:", len(report.Truncations), "damaged:", len(report.Damaged))

	// Append chunks, Sync, then commit their Locs to metadata.
	loc, err := l.Append([]byte("hello, blob log"), 0)
	if err != nil {
		log.Fatal(err)
	}
	if err := l.Sync(); err != nil {
		log.Fatal(err)
	}
	stored := loc.AppendTo(nil)

	// Later: decode the Loc and read the chunk back.
	loc, err = wal.DecodeLoc(stored)
	if err != nil {
		log.Fatal(err)
	}
	payload, err := l.Read(loc, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", payload)
	// Output:
	// truncated segments: 0 damaged: 0
	// hello, blob log
}
