package fuzz_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/fuzz"
	"github.com/osslite/osslite/httpapi"
)

// ExampleRun checks a fake against the model of S3. Point
// fuzz.ClientOptions at any endpoint to check it instead.
func ExampleRun() {
	srv, err := fake.Start(fake.WithHTTPOptions(httpapi.WithMinPartSize(1024)))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, HTTPClient: srv.HTTPClient()})
	rep, err := fuzz.Run(context.Background(), fuzz.Config{Client: client, Seed: 42, Steps: 100, PartSize: 1024, UploadsBlockDeleteBucket: true})
	if err != nil {
		panic(err)
	}
	if rep.Mismatch != nil {
		fmt.Println(rep.GoTest("TestRepro"))
		return
	}
	fmt.Println(rep.Steps, "steps agree with the model")
	// Output: 100 steps agree with the model
}

// ExampleChaos runs a user's retry loop against a fake that fails half the
// PutObject requests, reproducibly from the seed, and shows what was
// injected.
func ExampleChaos() {
	srv, err := fake.Start(fake.WithBuckets("photos"), fake.WithChaos(fuzz.Chaos{
		Seed:   3,
		Rate:   0.5,
		Faults: []fake.ChaosFault{fake.ChaosSlowDown, fake.ChaosReset, fake.ChaosInternalError},
		Ops:    []string{"PutObject"},
	}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, HTTPClient: srv.HTTPClient()})
	for i := range 4 {
		err := uploadWithRetry(context.Background(), client, "photos", fmt.Sprintf("k%d", i), []byte(strings.Repeat("x", 100)), 5)
		fmt.Println("upload", i, "error:", err != nil)
	}
	for _, r := range srv.Requests() {
		if r.Chaos != nil {
			fmt.Println(r.Operation, r.Key, r.Chaos.Fault, "status", r.Status, "seed", r.Chaos.Seed)
		} else {
			fmt.Println(r.Operation, r.Key, "ok", r.Status)
		}
	}
	// Output:
	// upload 0 error: false
	// upload 1 error: false
	// upload 2 error: false
	// upload 3 error: false
	// PutObject k0 ok 200
	// PutObject k1 ok 200
	// PutObject k2 ok 200
	// PutObject k3 Reset status 0 seed 3
	// PutObject k3 Reset status 0 seed 3
	// PutObject k3 ok 200
}
