package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

func TestReplicationTargetFlag(t *testing.T) {
	o, err := parseFlags([]string{"-replication-target", "arn:aws:s3:::backup=https://backup.example.com,AKID,SECRET"}, noEnv, io.Discard)
	require.NoError(t, err)
	eo := o.engineOptions(nil)
	require.Contains(t, eo.Replication.Targets, "arn:aws:s3:::backup")
	tg := eo.Replication.Targets["arn:aws:s3:::backup"].(*httpapi.S3ReplicationTarget)
	assert.Equal(t, "https://backup.example.com", tg.Endpoint)
	assert.Equal(t, "AKID", tg.AccessKeyID)
	assert.Equal(t, "SECRET", tg.SecretAccessKey)

	for _, bad := range []string{"backup=https://x,a,b", "arn:aws:s3:::b=ftp://x,a,b", "arn:aws:s3:::b=https://x,a"} {
		_, err := parseFlags([]string{"-replication-target", bad}, noEnv, io.Discard)
		assert.Error(t, err, bad)
	}
	_, err = parseFlags([]string{"-replication-target", "arn:aws:s3:::b=https://x,a,b", "-replication-target", "arn:aws:s3:::b=https://y,a,b"}, noEnv, io.Discard)
	assert.Error(t, err)
}
