package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sdkTags(n, keyLen, valueLen int) []types.Tag {
	tags := make([]types.Tag, n)
	for i := range tags {
		k := fmt.Sprintf("k%d", i)
		k += strings.Repeat("k", max(keyLen-len(k), 0))
		tags[i] = types.Tag{Key: aws.String(k), Value: aws.String(strings.Repeat("v", valueLen))}
	}
	return tags
}

// grants returns n grants to the canonical user id (S3 refuses grants to
// IDs no account has).
func grants(n int, id string) []types.Grant {
	gs := make([]types.Grant, n)
	for i := range gs {
		gs[i] = types.Grant{Permission: types.PermissionRead, Grantee: &types.Grantee{
			Type: types.TypeCanonicalUser, ID: aws.String(id)}}
	}
	return gs
}

func TestDocumentLimitsS3(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const b, k = "limits", "obj"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader("x")})
	require.NoError(t, err)
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	owner := lb.Owner

	t.Run("acl grants", func(t *testing.T) {
		_, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String(k),
			AccessControlPolicy: &types.AccessControlPolicy{Owner: owner, Grants: grants(100, aws.ToString(owner.ID))}})
		require.NoError(t, err)
		_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String(k),
			AccessControlPolicy: &types.AccessControlPolicy{Owner: owner, Grants: grants(101, aws.ToString(owner.ID))}})
		wantCode(t, err, "MalformedACLError")
		_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b),
			AccessControlPolicy: &types.AccessControlPolicy{Owner: owner, Grants: grants(101, aws.ToString(owner.ID))}})
		wantCode(t, err, "MalformedACLError")
		// As headers: 101 grantees in x-amz-grant-read.
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = fmt.Sprintf("id=\"%064x\"", i)
		}
		_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String(k),
			GrantRead: aws.String(strings.Join(ids, ", "))})
		wantCode(t, err, "MalformedACLError")
		out, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String(k)})
		require.NoError(t, err)
		assert.Len(t, out.Grants, 100, "the refused ACLs changed nothing")
	})

	t.Run("acl document size", func(t *testing.T) {
		doc := `<AccessControlPolicy><Owner><ID>` + strings.Repeat("0", 64) + `</ID></Owner><AccessControlList>` +
			strings.Repeat(" ", 200<<10) + `</AccessControlList></AccessControlPolicy>`
		r := f.do(t, raw{method: http.MethodPut, path: "/" + b + "/" + k + "?acl", body: []byte(doc)})
		assert.Equal(t, http.StatusBadRequest, r.StatusCode)
		assert.Equal(t, "MaxMessageLengthExceeded", r.errCode())
	})

	t.Run("object tags", func(t *testing.T) {
		put := func(tags []types.Tag) error {
			_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String(k),
				Tagging: &types.Tagging{TagSet: tags}})
			return err
		}
		require.NoError(t, put(sdkTags(10, 128, 256)))
		err := put(sdkTags(11, 3, 1))
		wantCode(t, err, "BadRequest")
		assert.Contains(t, err.Error(), "Object tags cannot be greater than 10")
		wantCode(t, put(sdkTags(1, 129, 1)), "InvalidTag")
		wantCode(t, put(sdkTags(1, 3, 257)), "InvalidTag")
		// The same limit applies to x-amz-tagging.
		q := url.Values{}
		for i := range 11 {
			q.Set(fmt.Sprintf("k%d", i), "v")
		}
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("tagged"),
			Body: strings.NewReader("x"), Tagging: aws.String(q.Encode())})
		wantCode(t, err, "BadRequest")
	})

	t.Run("bucket tags", func(t *testing.T) {
		put := func(tags []types.Tag) error {
			_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(b),
				Tagging: &types.Tagging{TagSet: tags}})
			return err
		}
		require.NoError(t, put(sdkTags(50, 128, 256)))
		out, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		assert.Len(t, out.TagSet, 50)
		err = put(sdkTags(51, 3, 1))
		wantCode(t, err, "BadRequest")
		assert.Contains(t, err.Error(), "Bucket tag count cannot be greater than 50")
		wantCode(t, put(sdkTags(1, 129, 1)), "InvalidTag")
		wantCode(t, put(sdkTags(1, 3, 257)), "InvalidTag")
	})

	t.Run("tagging document size", func(t *testing.T) {
		doc := `<Tagging><TagSet>` + strings.Repeat(" ", 300<<10) + `</TagSet></Tagging>`
		r := f.do(t, raw{method: http.MethodPut, path: "/" + b + "/" + k + "?tagging", body: []byte(doc)})
		assert.Equal(t, http.StatusBadRequest, r.StatusCode)
		assert.Equal(t, "MaxMessageLengthExceeded", r.errCode())
	})
}

// taggingDoc renders a Tagging document of n tags.
func taggingDoc(n, keyLen, valueLen int) []byte {
	var sb strings.Builder
	sb.WriteString("<Tagging><TagSet>")
	for _, tg := range sdkTags(n, keyLen, valueLen) {
		fmt.Fprintf(&sb, "<Tag><Key>%s</Key><Value>%s</Value></Tag>", *tg.Key, *tg.Value)
	}
	sb.WriteString("</TagSet></Tagging>")
	return []byte(sb.String())
}

func TestDocumentLimitsOSS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: http.MethodPut, path: "/osslimits", sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: http.MethodPut, path: "/osslimits/obj", body: []byte("x"), sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	put := func(path string, doc []byte) rawResponse {
		return f.do(t, raw{method: http.MethodPut, path: path, body: doc, sign: "oss-v1"})
	}
	// Objects: 10 tags.
	r = put("/osslimits/obj?tagging", taggingDoc(10, 128, 256))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = put("/osslimits/obj?tagging", taggingDoc(11, 3, 1))
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Equal(t, "InvalidTag", r.errCode())
	// Buckets: 20 tags, keys of 64 and values of 128 bytes.
	r = put("/osslimits?tagging", taggingDoc(20, 64, 128))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	for _, doc := range [][]byte{taggingDoc(21, 3, 1), taggingDoc(1, 65, 1), taggingDoc(1, 3, 129)} {
		r = put("/osslimits?tagging", doc)
		assert.Equal(t, http.StatusBadRequest, r.StatusCode)
		assert.Equal(t, "InvalidTag", r.errCode(), string(r.body))
	}
}
