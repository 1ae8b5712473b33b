package wal

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLocEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		loc  Loc
	}{
		{"zero", Loc{}},
		{"typical", Loc{Segment: 7, Offset: 123456, Size: 4128, RawSize: 4096}},
		{"max", Loc{Segment: ^uint64(0), Offset: 1<<63 - 1, Size: ^uint32(0), RawSize: ^uint32(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.loc.AppendTo([]byte("prefix"))
			require.Len(t, b, len("prefix")+LocEncodedLen)
			got, err := DecodeLoc(b[len("prefix"):])
			require.NoError(t, err)
			require.Equal(t, tc.loc, got)
		})
	}
}

func TestDecodeLocWrongLength(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"short", make([]byte, LocEncodedLen-1)},
		{"long", make([]byte, LocEncodedLen+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeLoc(tc.in)
			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
}
