package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/osslite/osslite/pkg/kms"
)

// kmsOptions are the flags of the built-in key service.
type kmsOptions struct {
	rootKey     string // base64 of 32 bytes (OSSLITE_KMS_ROOT_KEY)
	rootKeyFile string
	keys        []string
}

func (k *kmsOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&k.rootKey, "kms-root-key", "", "base64 of the 32-byte `key` every KMS key (and SSE-S3) derives from; prefer the environment variable, which ps does not show")
	fs.StringVar(&k.rootKeyFile, "kms-root-key-file", "", "`file` holding the base64 root key, created (mode 0600) when missing; must lie outside -data")
	fs.Var((*listFlag)(&k.keys), "kms-key", "create KMS key `name` (alias/name) at start-up (repeatable)")
}

// keyService builds the built-in KMS. Without a root key it generates one
// for a memory store (its data dies with the process anyway) and returns
// nil for a disk store: SSE-S3 and SSE-KMS then answer 501, because a
// generated key would be lost at the next start with every object it
// sealed. SSE-C needs no key service.
func (k kmsOptions) keyService(data string, logger *slog.Logger) (*kms.KMS, error) {
	root, err := k.root(data)
	if err != nil {
		return nil, err
	}
	if root == nil {
		if data != "" {
			logger.Warn("no KMS root key (-kms-root-key-file or OSSLITE_KMS_ROOT_KEY): SSE-S3 and SSE-KMS are off")
			if len(k.keys) > 0 {
				return nil, errors.New("-kms-key needs a root key: set -kms-root-key-file or OSSLITE_KMS_ROOT_KEY")
			}
			return nil, nil
		}
		root = make([]byte, 32)
		rand.Read(root)
	}
	return kms.New(kms.Options{RootKey: root, Keys: k.keys})
}

// root reads the root key, creating the key file when it is missing.
func (k kmsOptions) root(data string) ([]byte, error) {
	if k.rootKey != "" {
		return decodeRootKey(k.rootKey, "OSSLITE_KMS_ROOT_KEY")
	}
	if k.rootKeyFile == "" {
		return nil, nil
	}
	if data != "" {
		abs, err1 := filepath.Abs(k.rootKeyFile)
		dir, err2 := filepath.Abs(data)
		if err1 == nil && err2 == nil && (abs == dir || strings.HasPrefix(abs, dir+string(filepath.Separator))) {
			return nil, fmt.Errorf("-kms-root-key-file %s lies inside -data %s: keep the root key apart from the data it protects", k.rootKeyFile, data)
		}
	}
	b, err := os.ReadFile(k.rootKeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		root := make([]byte, 32)
		rand.Read(root)
		enc := base64.StdEncoding.EncodeToString(root) + "\n"
		if err := os.WriteFile(k.rootKeyFile, []byte(enc), 0o600); err != nil {
			return nil, fmt.Errorf("writing the KMS root key: %w", err)
		}
		return root, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the KMS root key: %w", err)
	}
	return decodeRootKey(strings.TrimSpace(string(b)), k.rootKeyFile)
}

func decodeRootKey(v, from string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("KMS root key from %s must be the base64 of 32 bytes", from)
	}
	return b, nil
}
