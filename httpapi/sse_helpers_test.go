package httpapi_test

import (
	"crypto/rand"
	"testing"

	"github.com/osslite/osslite/pkg/kms"
)

// testKeyService is a built-in KMS with a fresh root key and the key
// "app" (alias/app).
func testKeyService(t testing.TB) *kms.KMS {
	t.Helper()
	root := make([]byte, 32)
	rand.Read(root)
	k, err := kms.New(kms.Options{RootKey: root, Keys: []string{"app"}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}
