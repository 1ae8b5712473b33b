package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/osslite/osslite/httpapi"
)

// maxUsersFile caps the -users file.
const maxUsersFile = 1 << 20

// usersFile is the document of -users: JSON or YAML (by extension).
//
//	{"users": [{"accessKey": "alice", "secretKey": "alice-secret",
//	            "canonicalId": "...", "displayName": "Alice",
//	            "email": "alice@example.com", "ossUid": "1234567890"}]}
type usersFile struct {
	Users []httpapi.User `json:"users" yaml:"users"`
}

// loadUsers reads a -users file. Unknown fields are errors, so a typo
// (secret_key) does not leave a user without a secret.
func loadUsers(path string) ([]httpapi.User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("-users: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUsersFile+1))
	if err != nil {
		return nil, fmt.Errorf("-users: %w", err)
	}
	if len(data) > maxUsersFile {
		return nil, fmt.Errorf("-users %s: larger than %d bytes", path, maxUsersFile)
	}
	var doc usersFile
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err = dec.Decode(&doc)
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err = dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			err = nil // an empty file: no users
		}
	default:
		return nil, fmt.Errorf("-users %s: want a .json, .yaml or .yml file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("-users %s: %w", path, err)
	}
	for i, u := range doc.Users {
		if u.AccessKey == "" || u.SecretKey == "" {
			return nil, fmt.Errorf("-users %s: user %d needs accessKey and secretKey", path, i+1)
		}
	}
	if _, err := httpapi.NewUserStore(doc.Users...); err != nil {
		return nil, fmt.Errorf("-users %s: %w", path, err)
	}
	return doc.Users, nil
}
