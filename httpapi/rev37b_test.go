package httpapi_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// TestRev37bListingsRacingWrites lists a bucket from several goroutines
// while others overwrite its keys, under -race: each listing page reuses
// a pooled ObjectInfo buffer no longer cleared on release, decodes
// records into it in place and cuts keys and ETags from shared blocks
// (list37). Every entry must be one whole object as written: a body of n
// bytes "x" has size n, that body's MD5 as its ETag and a storage class
// of n's own (STANDARD_IA for a multiple of 3, else STANDARD, which the
// record does not store), so a field left
// from another entry or page, or a string whose bytes were written after
// it was made, shows as a mismatch.
func TestRev37bListingsRacingWrites(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("race37b")})
	require.NoError(t, err)
	etagOf := func(n int) string {
		sum := md5.Sum([]byte(strings.Repeat("x", n)))
		return `"` + hex.EncodeToString(sum[:]) + `"`
	}
	classOf := func(n int) types.StorageClass { // a class of n's own; STANDARD is not stored
		if n%3 == 0 {
			return types.StorageClassStandardIa
		}
		return types.StorageClassStandard
	}
	put := func(key string, n int) error {
		in := &s3.PutObjectInput{Bucket: aws.String("race37b"), Key: aws.String(key), Body: strings.NewReader(strings.Repeat("x", n))}
		if n%3 == 0 {
			in.StorageClass = classOf(n)
		}
		_, err := c.PutObject(ctx, in)
		return err
	}
	for i := range 300 {
		require.NoError(t, put(fmt.Sprintf("d%d/k%03d", i%3, i), i%17))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 150 {
				i := (j*7 + w*131) % 300
				if err := put(fmt.Sprintf("d%d/k%03d", i%3, i), (i+j)%40); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for l := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				in := &s3.ListObjectsV2Input{Bucket: aws.String("race37b"), MaxKeys: aws.Int32(int32(50 + 97*((j+l)%3)))}
				if l%2 == 1 {
					in.Prefix = aws.String(fmt.Sprintf("d%d/", j%3))
				}
				out, err := c.ListObjectsV2(ctx, in)
				if err != nil {
					errs <- err
					return
				}
				for _, o := range out.Contents {
					if want := etagOf(int(aws.ToInt64(o.Size))); aws.ToString(o.ETag) != want {
						errs <- fmt.Errorf("%s: size %d with ETag %s, want %s", aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToString(o.ETag), want)
						return
					}
					if want := classOf(int(aws.ToInt64(o.Size))); string(o.StorageClass) != string(want) {
						errs <- fmt.Errorf("%s: size %d in class %s, want %s", aws.ToString(o.Key), aws.ToInt64(o.Size), o.StorageClass, want)
						return
					}
					if in.Prefix != nil && !strings.HasPrefix(aws.ToString(o.Key), *in.Prefix) {
						errs <- fmt.Errorf("%s listed under %s", aws.ToString(o.Key), *in.Prefix)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
