package main

import (
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeyService(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")

	// Memory: a generated root key.
	k, err := kmsOptions{}.keyService("", logger)
	require.NoError(t, err)
	require.NotNil(t, k)
	// Disk without a root key: no key service (SSE-S3/KMS off), and
	// -kms-key is refused rather than silently ignored.
	k, err = kmsOptions{}.keyService(data, logger)
	require.NoError(t, err)
	require.Nil(t, k)
	_, err = kmsOptions{keys: []string{"app"}}.keyService(data, logger)
	require.Error(t, err)

	// A root key file is created once and read back: the same keys.
	file := filepath.Join(dir, "root.key")
	k1, err := kmsOptions{rootKeyFile: file, keys: []string{"app"}}.keyService(data, logger)
	require.NoError(t, err)
	st, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	k2, err := kmsOptions{rootKeyFile: file, keys: []string{"app"}}.keyService(data, logger)
	require.NoError(t, err)
	a1, _ := k1.Resolve("alias/app")
	a2, _ := k2.Resolve("alias/app")
	require.Equal(t, a1.ID, a2.ID)

	// Never next to the data.
	_, err = kmsOptions{rootKeyFile: filepath.Join(data, "root.key")}.keyService(data, logger)
	require.ErrorContains(t, err, "inside -data")
	// OSSLITE_KMS_ROOT_KEY must be 32 bytes of base64.
	_, err = kmsOptions{rootKey: "short"}.keyService(data, logger)
	require.Error(t, err)
	k, err = kmsOptions{rootKey: base64.StdEncoding.EncodeToString(make([]byte, 32))}.keyService(data, logger)
	require.NoError(t, err)
	require.NotNil(t, k)
}
