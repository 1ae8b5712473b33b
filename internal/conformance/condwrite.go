package conformance

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/internal/racetest"
)

// Conditional writes: the write conditions of Put, Copy, Complete and
// Delete are checked in the same atomic step as the write, so of several
// writers racing on one key with conditions exactly one wins.

// oneWinner checks that exactly one writer succeeded and every other one
// failed with code; it returns the winner.
func oneWinner(t *testing.T, s Subject, errs []error, code string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
			winner = i
			continue
		}
		require.Equal(t, code, s.ErrorCode(err), "writer %d: %v", i, err)
	}
	require.NotEqual(t, -1, winner, "nobody won")
	return winner
}

func testConditionalWriteRace(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	const n = 8
	body := func(i int) []byte { return []byte(strings.Repeat(fmt.Sprint(i), 64+i)) }
	check := func(key string, want []byte) {
		t.Helper()
		got, _ := mustRead(t, s, bkt, key, GetOptions{})
		require.True(t, bytes.Equal(want, got), "%s holds the winner's body", key)
	}

	errs := racetest.Writers(n, func(i int) error {
		_, err := s.Put(ctx, bkt, "create", bytes.NewReader(body(i)), int64(len(body(i))), PutOptions{IfNoneMatch: "*"})
		return err
	})
	check("create", body(oneWinner(t, s, errs, "PreconditionFailed")))

	base := mustPut(t, s, bkt, "swap", []byte("base"), PutOptions{})
	errs = racetest.Writers(n, func(i int) error {
		_, err := s.Put(ctx, bkt, "swap", bytes.NewReader(body(i)), int64(len(body(i))), PutOptions{IfMatch: base})
		return err
	})
	check("swap", body(oneWinner(t, s, errs, "PreconditionFailed")))

	for i := range n {
		mustPut(t, s, bkt, fmt.Sprint("src", i), body(i), PutOptions{})
	}
	errs = racetest.Writers(n, func(i int) error {
		_, err := s.Copy(ctx, bkt, "copy", CopyOptions{SrcBucket: bkt, SrcKey: fmt.Sprint("src", i), IfNoneMatch: "*"})
		return err
	})
	check("copy", body(oneWinner(t, s, errs, "PreconditionFailed")))
}

func testConditionalComplete(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	upload := func(key string) (string, []CompletedPart) {
		t.Helper()
		id, err := s.CreateMultipart(ctx, bkt, key, PutOptions{})
		require.NoError(t, err)
		etag, err := s.UploadPart(ctx, bkt, key, id, 1, strings.NewReader("part"), 4)
		require.NoError(t, err)
		return id, []CompletedPart{{1, etag}}
	}
	conflict := s.Caps().CompleteConflictCode
	if conflict == "" {
		conflict = "ConditionalRequestConflict"
	}

	// If-Match: a mismatch that held when the upload began is 412.
	etag := mustPut(t, s, bkt, "k", []byte("v1"), PutOptions{})
	id, parts := upload("k")
	_, err := s.CompleteMultipart(ctx, bkt, "k", id, parts, CompleteOptions{IfMatch: md5Hex([]byte("other"))})
	requireCode(t, s, err, "PreconditionFailed")
	_, err = s.CompleteMultipart(ctx, bkt, "k", id, parts, CompleteOptions{IfMatch: etag})
	require.NoError(t, err)
	got, _ := mustRead(t, s, bkt, "k", GetOptions{})
	require.Equal(t, "part", string(got))

	// A write of the key while the upload is in progress: a condition
	// that fails against the object now is 412, as at S3 (LocalStack's
	// AWS-recorded test_multipart_if_none_match_with_put); one that holds
	// is the conflict (test_multipart_if_match_with_put_identical). The
	// upload stays and can complete.
	id, parts = upload("race")
	raced := mustPut(t, s, bkt, "race", []byte("raced"), PutOptions{})
	_, err = s.CompleteMultipart(ctx, bkt, "race", id, parts, CompleteOptions{IfNoneMatch: "*"})
	requireCode(t, s, err, "PreconditionFailed")
	if conflict == "ConditionalRequestConflict" {
		_, err = s.CompleteMultipart(ctx, bkt, "race", id, parts, CompleteOptions{IfMatch: raced})
		requireCode(t, s, err, conflict)
	}
	got, _ = mustRead(t, s, bkt, "race", GetOptions{})
	require.Equal(t, "raced", string(got), "a refused Complete changes nothing")
	_, err = s.CompleteMultipart(ctx, bkt, "race", id, parts, CompleteOptions{})
	require.NoError(t, err)

	// Racing conditional Completes of uploads that all began before any
	// of them completed: exactly one wins, the others find its object.
	const n = 6
	ids := make([]string, n)
	lists := make([][]CompletedPart, n)
	for i := range n {
		ids[i], lists[i] = upload("many")
	}
	errs := racetest.Writers(n, func(i int) error {
		_, err := s.CompleteMultipart(ctx, bkt, "many", ids[i], lists[i], CompleteOptions{IfNoneMatch: "*"})
		return err
	})
	oneWinner(t, s, errs, "PreconditionFailed")
}

func testConditionalDelete(t *testing.T, s Subject) {
	cd, ok := s.(ConditionalDeleter)
	if !ok {
		t.Skip("the subject has no conditional delete")
	}
	ctx := context.Background()
	mustBucket(t, s, bkt)
	etag := mustPut(t, s, bkt, "k", []byte("v"), PutOptions{})
	requireCode(t, s, cd.DeleteIfMatch(ctx, bkt, "k", md5Hex([]byte("other"))), "PreconditionFailed")
	requireCode(t, s, cd.DeleteIfMatch(ctx, bkt, "missing", etag), "NoSuchKey")
	mustRead(t, s, bkt, "k", GetOptions{})

	// Racing conditional deletes: one deletes, the others find nothing.
	errs := racetest.Writers(8, func(int) error { return cd.DeleteIfMatch(ctx, bkt, "k", etag) })
	oneWinner(t, s, errs, "NoSuchKey")
	_, err := s.Head(ctx, bkt, "k")
	requireCode(t, s, err, "NoSuchKey")

	a := mustPut(t, s, bkt, "a", []byte("a"), PutOptions{})
	mustPut(t, s, bkt, "b", []byte("b"), PutOptions{})
	mustPut(t, s, bkt, "c", []byte("c"), PutOptions{})
	deleted, failed, err := cd.DeleteManyIfMatch(ctx, bkt, []string{"a", "b", "c"}, []string{a, a, ""})
	require.NoError(t, err)
	slices.Sort(deleted)
	require.Equal(t, []string{"a", "c"}, deleted)
	require.Equal(t, map[string]string{"b": "PreconditionFailed"}, failed)
	mustRead(t, s, bkt, "b", GetOptions{})

	// With a version ID, the ETag is a condition on that version.
	v, ok := s.(Versioner)
	if !ok {
		return
	}
	require.NoError(t, v.SetVersioning(ctx, bkt, true))
	id1, err := v.PutVersion(ctx, bkt, "vk", []byte("one"))
	require.NoError(t, err)
	_, err = v.PutVersion(ctx, bkt, "vk", []byte("two"))
	require.NoError(t, err)
	deleted, failed, err = cd.DeleteVersionsIfMatch(ctx, bkt, []string{"vk"}, []string{id1}, []string{md5Hex([]byte("two"))})
	require.NoError(t, err)
	require.Empty(t, deleted)
	require.Equal(t, map[string]string{"vk": "PreconditionFailed"}, failed, "the latest's ETag is not the version's")
	got, err := v.GetVersion(ctx, bkt, "vk", id1)
	require.NoError(t, err)
	require.Equal(t, "one", string(got))
	deleted, failed, err = cd.DeleteVersionsIfMatch(ctx, bkt, []string{"vk"}, []string{id1}, []string{md5Hex([]byte("one"))})
	require.NoError(t, err)
	require.Equal(t, []string{"vk"}, deleted)
	require.Empty(t, failed)
	_, err = v.GetVersion(ctx, bkt, "vk", id1)
	requireCode(t, s, err, "NoSuchVersion")
	got, err = v.GetVersion(ctx, bkt, "vk", "")
	require.NoError(t, err)
	require.Equal(t, "two", string(got), "only that version went")
}
