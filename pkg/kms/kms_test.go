package kms_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/osslite/osslite/pkg/kms"
	"github.com/stretchr/testify/require"
)

func testKMS(t *testing.T, root byte) *kms.KMS {
	k, err := kms.New(kms.Options{RootKey: bytes.Repeat([]byte{root}, 32), Keys: []string{"app"}})
	require.NoError(t, err)
	return k
}

func TestResolveForms(t *testing.T) {
	k := testKMS(t, 1)
	app, err := k.Resolve("alias/app")
	require.NoError(t, err)
	for _, id := range []string{app.ID, app.ARN, "alias/app", "arn:aws:kms:us-east-1:000000000000:alias/app"} {
		got, err := k.Resolve(id)
		require.NoError(t, err, id)
		require.Equal(t, app, got)
	}
	def, err := k.Resolve("")
	require.NoError(t, err)
	require.Equal(t, kms.DefaultKey, def.Name)
	for _, id := range []string{"alias/nope", "nope", "arn:aws:kms:eu-west-1:000000000000:key/" + app.ID, "arn:aws:s3:::b"} {
		_, err := k.Resolve(id)
		require.ErrorIs(t, err, kms.ErrNotFound, id)
	}
	for _, k := range k.Keys() {
		require.NotEqual(t, kms.ManagedKey, k.Name, "the managed key is not listed")
	}
}

func TestNotFoundError(t *testing.T) {
	k := testKMS(t, 1)
	const uuid = "11111111-2222-4333-8444-555555555555"
	for _, tc := range []struct {
		name, id, arn, region string
	}{
		{"alias", "alias/nope", "arn:aws:kms:us-east-1:000000000000:alias/nope", ""},
		{"alias ARN", "arn:aws:kms:us-east-1:000000000000:alias/nope", "arn:aws:kms:us-east-1:000000000000:alias/nope", ""},
		{"key ID", uuid, "arn:aws:kms:us-east-1:000000000000:key/" + uuid, ""},
		{"multi-Region key ID", "mrk-0123456789abcdef0123456789abcdef", "arn:aws:kms:us-east-1:000000000000:key/mrk-0123456789abcdef0123456789abcdef", ""},
		{"key ARN of another account", "arn:aws:kms:us-east-1:111122223333:key/" + uuid, "arn:aws:kms:us-east-1:111122223333:key/" + uuid, ""},
		{"key ARN of another Region", "arn:aws:kms:eu-west-1:000000000000:key/" + uuid, "arn:aws:kms:eu-west-1:000000000000:key/" + uuid, "eu-west-1"},
		{"bare name", "test-key-123", "", ""},
		{"short hex", "deadbeef", "", ""},
		{"ARN of another service", "arn:aws:s3:::b", "", ""},
		{"ARN without resource type", "arn:aws:kms:us-east-1:000000000000:" + uuid, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := k.Resolve(tc.id)
			require.ErrorIs(t, err, kms.ErrNotFound)
			var nf *kms.NotFoundError
			require.ErrorAs(t, err, &nf)
			require.Equal(t, tc.id, nf.KeyID)
			require.Equal(t, tc.arn, nf.ARN)
			require.Equal(t, tc.region, nf.Region)
		})
	}
}

func TestSealOpen(t *testing.T) {
	ctx := context.Background()
	k := testKMS(t, 1)
	encCtx := map[string]string{"a": "b"}
	dk, err := k.GenerateDataKey(ctx, "alias/app", encCtx)
	require.NoError(t, err)
	require.Len(t, dk.Plaintext, 32)
	require.NotContains(t, string(dk.Sealed), string(dk.Plaintext))
	got, err := k.Decrypt(ctx, dk.KeyID, dk.Sealed, encCtx)
	require.NoError(t, err)
	require.Equal(t, dk.Plaintext, got)

	_, err = k.Decrypt(ctx, dk.KeyID, dk.Sealed, map[string]string{"a": "c"})
	require.ErrorIs(t, err, kms.ErrInvalidCiphertext, "another context")
	_, err = k.Decrypt(ctx, "alias/aws/s3", dk.Sealed, encCtx)
	require.ErrorIs(t, err, kms.ErrInvalidCiphertext, "another key")
	bad := bytes.Clone(dk.Sealed)
	bad[len(bad)-1] ^= 1
	_, err = k.Decrypt(ctx, dk.KeyID, bad, encCtx)
	require.ErrorIs(t, err, kms.ErrInvalidCiphertext)
	_, err = testKMS(t, 2).Decrypt(ctx, "", dk.Sealed, encCtx)
	require.ErrorIs(t, err, kms.ErrInvalidCiphertext, "another root key")

	// A key created at run time opens its data keys after a restart that
	// does not declare it (the sealed key names it).
	_, err = k.CreateKey("later")
	require.NoError(t, err)
	dk, err = k.GenerateDataKey(ctx, "alias/later", nil)
	require.NoError(t, err)
	got, err = testKMS(t, 1).Decrypt(ctx, dk.KeyID, dk.Sealed, nil)
	require.NoError(t, err)
	require.Equal(t, dk.Plaintext, got)

	_, err = kms.New(kms.Options{RootKey: []byte("short")})
	require.ErrorIs(t, err, kms.ErrRootKey)
	_, err = k.CreateKey("alias/x")
	require.ErrorIs(t, err, kms.ErrInvalidKeyName)
}

func ExampleNew() {
	root := bytes.Repeat([]byte{7}, 32) // keep yours secret, apart from the data
	k, err := kms.New(kms.Options{RootKey: root, Keys: []string{"app"}})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	dk, _ := k.GenerateDataKey(ctx, "alias/app", map[string]string{"bucket": "b"})
	plain, _ := k.Decrypt(ctx, dk.KeyID, dk.Sealed, map[string]string{"bucket": "b"})
	fmt.Println(len(dk.Plaintext), bytes.Equal(plain, dk.Plaintext))
	// Output: 32 true
}

func TestKeyState(t *testing.T) {
	ctx := context.Background()
	k := testKMS(t, 1)
	app, err := k.Resolve("alias/app")
	require.NoError(t, err)
	dk, err := k.GenerateDataKey(ctx, "alias/app", nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		state kms.KeyState
		want  error
	}{{kms.KeyDisabled, kms.ErrDisabled}, {kms.KeyPendingDeletion, kms.ErrPendingDeletion}} {
		require.NoError(t, k.SetKeyState(app.ID, tc.state))
		_, err = k.GenerateDataKey(ctx, app.ARN, nil)
		require.ErrorIs(t, err, tc.want)
		var kse *kms.KeyStateError
		require.ErrorAs(t, err, &kse)
		require.Equal(t, app.ARN, kse.ARN)
		require.Equal(t, tc.state, kse.State)
		_, err = k.Decrypt(ctx, "", dk.Sealed, nil)
		require.ErrorIs(t, err, tc.want, "opening what the key sealed before")
		_, err = k.GenerateDataKey(ctx, "", nil)
		require.NoError(t, err, "other keys are unaffected")
	}
	require.NoError(t, k.SetKeyState("alias/app", kms.KeyEnabled))
	got, err := k.Decrypt(ctx, app.ARN, dk.Sealed, nil)
	require.NoError(t, err)
	require.Equal(t, dk.Plaintext, got)
	require.ErrorIs(t, k.SetKeyState("alias/nope", kms.KeyDisabled), kms.ErrNotFound)
	require.Error(t, k.SetKeyState(app.ID, kms.KeyState(7)))
}
