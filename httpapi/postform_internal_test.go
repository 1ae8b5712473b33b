package httpapi

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var policyNow = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func enc64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestPostPolicyConditions: every condition form, accepted and violated,
// with the message S3 gives for a violation.
func TestPostPolicyConditions(t *testing.T) {
	form := &postForm{values: map[string]string{
		"key": "user/eric/photo.jpg", "acl": "public-read", "content-type": "image/jpeg,image/png",
		"x-amz-meta-tag": "", "success_action_status": "201", "cache-control": "max-age=60",
	}}
	vals := postValues{form: form, bucket: "photos", key: form.values["key"]}
	cases := []struct {
		name      string
		condition string
		rules     policyRules
		wantErr   string // "" accepted
	}{
		{"exact object", `{"acl": "public-read"}`, policyRules{}, ""},
		{"exact object violated", `{"acl": "private"}`, policyRules{}, `Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "private"]`},
		{"exact object field name any case", `{"Cache-Control": "max-age=60"}`, policyRules{}, ""},
		{"exact bucket", `{"bucket": "photos"}`, policyRules{}, ""},
		{"exact bucket violated", `{"bucket": "other"}`, policyRules{}, `Policy Condition failed: ["eq", "$bucket", "other"]`},
		{"exact number", `{"success_action_status": 201}`, policyRules{}, ""},
		{"eq", `["eq", "$key", "user/eric/photo.jpg"]`, policyRules{}, ""},
		{"eq violated", `["eq", "$key", "x"]`, policyRules{}, `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "x"]`},
		{"eq on a missing field", `["eq", "$x-amz-meta-missing", "v"]`, policyRules{}, `["eq", "$x-amz-meta-missing", "v"]`},
		{"eq operator any case", `["EQ", "$acl", "public-read"]`, policyRules{}, ""},
		{"starts-with", `["starts-with", "$key", "user/eric/"]`, policyRules{}, ""},
		{"starts-with violated", `["starts-with", "$key", "user/bob/"]`, policyRules{}, `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/bob/"]`},
		{"starts-with empty matches anything", `["starts-with", "$x-amz-meta-tag", ""]`, policyRules{}, ""},
		{"starts-with empty on a missing field", `["starts-with", "$x-amz-meta-none", ""]`, policyRules{}, ""},
		{"starts-with content-type list", `["starts-with", "$Content-Type", "image/"]`, policyRules{}, ""},
		{"starts-with content-type list violated", `["starts-with", "$Content-Type", "image/jp"]`, policyRules{}, `["starts-with", "$Content-Type", "image/jp"]`},
		{"starts-with content-type list, common prefix", `["starts-with", "$Content-Type", "image/"]`, policyRules{}, ""},
		{"starts-with content-type list, longer than the common prefix", `["starts-with", "$Content-Type", "image/jpeg"]`, policyRules{}, `["starts-with", "$Content-Type", "image/jpeg"]`},
		{"content-length-range", `["content-length-range", 1, 10]`, policyRules{}, ""},
		{"content-length-range strings", `["content-length-range", "1", "10"]`, policyRules{}, ""},
		{"in", `["in", "$acl", ["private", "public-read"]]`, policyRules{sets: true}, ""},
		{"in violated", `["in", "$acl", ["private"]]`, policyRules{sets: true}, `Policy Condition failed: ["in", "$acl", ["private"]]`},
		{"not-in", `["not-in", "$cache-control", ["no-cache"]]`, policyRules{sets: true}, ""},
		{"not-in violated", `["not-in", "$cache-control", ["max-age=60"]]`, policyRules{sets: true}, `Policy Condition failed: ["not-in", "$cache-control", ["max-age=60"]]`},
		{"in unknown to S3", `["in", "$acl", ["private"]]`, policyRules{}, "InvalidPolicyDocument"},
		{"unknown operator", `["ends-with", "$key", "jpg"]`, policyRules{}, "InvalidPolicyDocument"},
		{"field without $", `["eq", "key", "x"]`, policyRules{}, "InvalidPolicyDocument"},
		{"two arguments", `["eq", "$key"]`, policyRules{}, "InvalidPolicyDocument"},
		{"object of two", `{"acl": "public-read", "key": "x"}`, policyRules{}, "InvalidPolicyDocument"},
		{"object value not a string", `{"acl": ["public-read"]}`, policyRules{}, "InvalidPolicyDocument"},
		{"range not numbers", `["content-length-range", "a", 10]`, policyRules{}, "InvalidPolicyDocument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := `{"expiration": "2026-12-02T13:00:00.000Z", "conditions": [` + c.condition + `]}`
			p, err := parsePostPolicy(enc64(doc), c.rules)
			if err == nil {
				_, _, err = p.check(policyNow, vals)
			}
			if c.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var e *Error
			require.True(t, errors.As(err, &e))
			require.Contains(t, e.Code+": "+e.Message, c.wantErr)
		})
	}
}

// TestPostPolicyDocument: expiration and document-level errors, and the
// size range the conditions give.
func TestPostPolicyDocument(t *testing.T) {
	form := &postForm{values: map[string]string{"key": "k"}, names: []string{"key", "x-ignore-me", "Content-Type"}}
	form.values["x-ignore-me"], form.values["content-type"] = "1", "text/plain"
	vals := postValues{form: form, bucket: "b", key: "k"}
	for _, c := range []struct{ doc, want string }{
		{`{"conditions": []}`, "Policy missing expiration."},
		{`{"expiration": "tomorrow", "conditions": []}`, "Invalid 'expiration' value: 'tomorrow'"},
		{`{"expiration": "2026-12-02T13:00:00Z"}`, "Policy missing conditions."},
		{`{"EXPIRATION": "2026-12-02T13:00:00Z", "conditions": []}`, "Policy missing expiration."},
		{`{"expiration": "2026-12-02T13:00:00Z", "CONDITIONS": []}`, "Policy missing conditions."},
		{`{"Expiration": "2026-12-02T13:00:00Z", "Conditions": []}`, "Policy missing expiration."},
		{`{"expiration": 1, "conditions": []}`, "Invalid JSON."},
		{`{"expiration": "2026-12-02T13:00:00Z", "conditions": {}}`, "Invalid JSON."},
		{`{"expiration": "2026-12-02T13:00:00Z", "conditions": [] } x`, "Invalid JSON."},
		{`not json`, "Invalid JSON."},
	} {
		_, err := parsePostPolicy(enc64(c.doc), policyRules{})
		require.ErrorContains(t, err, c.want, c.doc)
	}
	_, err := parsePostPolicy("@@@", policyRules{})
	require.ErrorContains(t, err, "InvalidPolicyDocument")

	p, err := parsePostPolicy(enc64(`{"expiration": "2026-12-02T12:00:00Z", "conditions": [["content-length-range", 5, 9]]}`), policyRules{})
	require.NoError(t, err)
	_, _, err = p.check(policyNow, vals)
	require.ErrorContains(t, err, "Invalid according to Policy: Policy expired.")
	lo, hi, err := p.check(policyNow.Add(-time.Second), vals)
	require.NoError(t, err)
	require.Equal(t, [2]int64{5, 9}, [2]int64{lo, hi})

	exempt := s3Post.exempt
	require.Equal(t, "key", p.uncovered(form, exempt))
	p.conditions = append(p.conditions, postCondition{op: condEq, field: "key"})
	require.Equal(t, "Content-Type", p.uncovered(form, exempt))
	p.conditions = append(p.conditions, postCondition{op: condStartsWith, field: "content-type"})
	require.Equal(t, "", p.uncovered(form, exempt))
}

// TestSizeRange: content-length-range is enforced while the file streams.
func TestSizeRange(t *testing.T) {
	read := func(n int, lo, hi int64) error {
		_, err := io.Copy(io.Discard, &sizeRange{r: strings.NewReader(strings.Repeat("x", n)), lo: lo, hi: hi})
		return err
	}
	require.NoError(t, read(5, 5, 5))
	require.NoError(t, read(0, 0, -1))
	require.ErrorContains(t, read(6, 0, 5), "EntityTooLarge")
	require.ErrorContains(t, read(4, 5, 10), "EntityTooSmall")
}

// TestReadPostForm: fields before the file, names in any case, repeated
// names joined, file name without its path, and the limits.
func TestReadPostForm(t *testing.T) {
	build := func(parts ...[2]string) (*bytes.Buffer, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, p := range parts {
			if p[0] == "file" {
				w, _ := mw.CreateFormFile("file", `C:\photos\cat.jpg`)
				io.WriteString(w, p[1])
				continue
			}
			mw.WriteField(p[0], p[1])
		}
		mw.Close()
		return &b, mw.FormDataContentType()
	}
	body, ct := build([2]string{"Key", "a/${filename}"}, [2]string{"X-Amz-Meta-A", "1"}, [2]string{"x-amz-meta-a", "2"},
		[2]string{"file", "meow"}, [2]string{"after", "ignored"})
	f, err := readPostForm(body, ct, DefaultMaxPostFormFields)
	require.NoError(t, err)
	require.Equal(t, "a/${filename}", f.get("key"))
	require.Equal(t, "1,2", f.get("x-amz-meta-a"))
	require.Equal(t, []string{"Key", "X-Amz-Meta-A"}, f.names)
	require.Equal(t, "cat.jpg", f.fileName)
	data, err := io.ReadAll(f.file)
	require.NoError(t, err)
	require.Equal(t, "meow", string(data))
	require.False(t, f.has("after"))

	body, ct = build([2]string{"key", "k"})
	_, err = readPostForm(body, ct, DefaultMaxPostFormFields)
	require.ErrorContains(t, err, "IncorrectNumberOfFilesInPostRequest")

	body, ct = build([2]string{"key", strings.Repeat("k", maxPostField+1)}, [2]string{"file", "x"})
	_, err = readPostForm(body, ct, DefaultMaxPostFormFields)
	require.ErrorContains(t, err, "MaxPostPreDataLengthExceededError")

	var parts [][2]string
	for range 10 {
		parts = append(parts, [2]string{"x-ignore-pad", strings.Repeat("p", 1000)})
	}
	body, ct = build(append(parts, [2]string{"file", "x"})...)
	_, err = readPostForm(body, ct, 4096)
	require.ErrorContains(t, err, "MaxPostPreDataLengthExceededError")

	_, err = readPostForm(strings.NewReader("--x\r\nbroken"), "multipart/form-data; boundary=x", DefaultMaxPostFormFields)
	require.ErrorContains(t, err, "MalformedPOSTRequest")
	_, err = readPostForm(strings.NewReader("a=b"), "application/x-www-form-urlencoded", DefaultMaxPostFormFields)
	require.ErrorContains(t, err, "PreconditionFailed")
}

// TestCommonTypePrefix: the prefix every type of a list has, each trimmed.
func TestCommonTypePrefix(t *testing.T) {
	for list, want := range map[string]string{
		"":                                "",
		"image/png":                       "image/png",
		"image/jpeg,image/png":            "image/",
		" image/jpeg , image/jpg ":        "image/jp",
		"image/png,,image/png":            "",
		"text/plain,image/png":            "",
		"image/png,image/png,image/png":   "image/png",
		"image/png, image/pngx, image/pn": "image/pn",
	} {
		require.Equal(t, want, commonTypePrefix(list), "%q", list)
	}
}
