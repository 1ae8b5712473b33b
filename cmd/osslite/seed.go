package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// seedSpec is one -seed BUCKET=DIR.
type seedSpec struct{ bucket, dir string }

func parseSeed(v string) (seedSpec, error) {
	b, d, ok := strings.Cut(v, "=")
	if !ok || b == "" || d == "" {
		return seedSpec{}, fmt.Errorf("-seed %q: want BUCKET=DIR", v)
	}
	return seedSpec{bucket: b, dir: d}, nil
}

// ownerID is the canonical user ID httpapi gives an access key (hex
// SHA-256 of it): seeded buckets belong to the -access-key user.
func ownerID(accessKey string) string {
	h := sha256.Sum256([]byte(accessKey))
	return hex.EncodeToString(h[:])
}

// seeder creates the -bucket buckets and uploads the -seed trees.
type seeder struct {
	eng    *engine.Engine
	owner  string
	region string
	// defaults are the handler's options that give new buckets defaults
	// (-s3-defaults-2023, -oss-defaults-2025): see httpapi.CreateBucket.
	defaults []httpapi.Option
	logger   *slog.Logger
}

// ensureBucket creates bucket, with the defaults of a new bucket, unless
// it exists (whoever owns it; an existing bucket is left as it is).
func (s seeder) ensureBucket(ctx context.Context, bucket string) error {
	err := httpapi.CreateBucket(ctx, s.eng, bucket, engine.BucketOptions{Region: s.region, Owner: s.owner}, s.defaults...)
	switch {
	case err == nil:
		s.logger.Info("created bucket", "bucket", bucket)
		return nil
	case errors.Is(err, engine.ErrBucketAlreadyOwnedByYou), errors.Is(err, engine.ErrBucketAlreadyExists):
		return nil
	default:
		return fmt.Errorf("create bucket %q: %w", bucket, err)
	}
}

// seed uploads every regular file under sp.dir (following symbolic links to
// files, not to directories) into sp.bucket, keyed by its slash-separated
// path relative to sp.dir. Each file streams from disk into the engine;
// objects of the same key are replaced. The Content-Type follows the file
// extension.
func (s seeder) seed(ctx context.Context, sp seedSpec) error {
	if err := s.ensureBucket(ctx, sp.bucket); err != nil {
		return err
	}
	var files int
	var size int64
	err := filepath.WalkDir(sp.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		n, err := s.putFile(ctx, sp, path)
		if err != nil {
			return err
		}
		if n >= 0 {
			files++
			size += n
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed %s=%s: %w", sp.bucket, sp.dir, err)
	}
	s.logger.Info("seeded bucket", "bucket", sp.bucket, "dir", sp.dir, "objects", files, "bytes", size)
	return nil
}

// putFile uploads one file; it returns -1 for what is not a regular file.
func (s seeder) putFile(ctx context.Context, sp seedSpec, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !st.Mode().IsRegular() {
		return -1, nil
	}
	rel, err := filepath.Rel(sp.dir, path)
	if err != nil {
		return 0, err
	}
	key := filepath.ToSlash(rel)
	opts := engine.PutOptions{Owner: s.owner, Metadata: engine.Metadata{ContentType: mime.TypeByExtension(filepath.Ext(path))}}
	if _, err := s.eng.PutObject(ctx, sp.bucket, key, f, st.Size(), opts); err != nil {
		return 0, fmt.Errorf("put %q: %w", key, err)
	}
	return st.Size(), nil
}
