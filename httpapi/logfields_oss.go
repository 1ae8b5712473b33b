package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS user-defined log fields (?userDefinedLogFieldsConfig): Put, Get and
// DeleteUserDefinedLogFieldsConfig name up to six request headers and
// query parameters. OSS writes them into the user_defined_log_fields
// field of its real-time logs; osslite's real-time log is the request
// record every served request produces (Record.UserDefinedLogFields, the
// "user_defined_log_fields" attribute of the request log line, and
// fake.Request): the same value, base64 of a JSON object
// {"truncated":false,"headers":{...},"querys":{...}} holding the named
// headers and parameters the request carried, cut at 1,024 bytes of
// names and values.

type logFieldsDoc struct {
	XMLName   xml.Name      `xml:"UserDefinedLogFieldsConfiguration"`
	HeaderSet *logHeaderSet `xml:"HeaderSet"`
	ParamSet  *logParamSet  `xml:"ParamSet"`
}

type logHeaderSet struct {
	Header []string `xml:"header"`
}

type logParamSet struct {
	Parameter []string `xml:"parameter"`
}

// logFieldsRow is OSS's ?userDefinedLogFieldsConfig. GET with none is 404
// NoSuchUserDefinedLogFieldsConfig (what the SDKs' tests expect).
var logFieldsRow = &configRow{
	sub: "userDefinedLogFieldsConfig", kind: bucketconfig.KindLogFields, root: "UserDefinedLogFieldsConfiguration",
	get: "GetUserDefinedLogFieldsConfig", put: "PutUserDefinedLogFieldsConfig", del: "DeleteUserDefinedLogFieldsConfig",
	perm: permOwner, only: "oss",
	parse: parseLogFields,
	render: func(_ *request, c bucketconfig.Config) any {
		l := c.(*bucketconfig.LogFields)
		doc := &logFieldsDoc{}
		if len(l.Headers) > 0 {
			doc.HeaderSet = &logHeaderSet{Header: l.Headers}
		}
		if len(l.Params) > 0 {
			doc.ParamSet = &logParamSet{Parameter: l.Params}
		}
		return doc
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchUserDefinedLogFieldsConfig", "").with("BucketName", rc.op.Bucket)
	},
}

// parseLogFields reads a UserDefinedLogFieldsConfiguration: no name at
// all is EC 0046-00000003, more than six EC 0046-00000004 (OSS's error
// classes for these causes), a bad name InvalidArgument.
func parseLogFields(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc logFieldsDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	c := &bucketconfig.LogFields{}
	if doc.HeaderSet != nil {
		c.Headers = doc.HeaderSet.Header
	}
	if doc.ParamSet != nil {
		c.Params = doc.ParamSet.Parameter
	}
	switch n := len(c.Headers) + len(c.Params); {
	case n == 0:
		e := errorf("InvalidArgument", "The HeaderSet and ParamSet of user-defined log fields cannot both be empty.")
		e.ec = "0046-00000003"
		return nil, e
	case n > bucketconfig.MaxLogFields:
		e := errorf("InvalidArgument", "User-defined log fields name %d headers and parameters; at most %d are allowed.", n, bucketconfig.MaxLogFields)
		e.ec = "0046-00000004"
		return nil, e
	}
	if err := c.Validate(); err != nil {
		return nil, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// logFieldsValue is what a request's user_defined_log_fields carries.
type logFieldsValue struct {
	Truncated bool              `json:"truncated"`
	Headers   map[string]string `json:"headers"`
	Querys    map[string]string `json:"querys"`
}

// userDefinedLogFields returns the user_defined_log_fields value of an OSS
// request to a bucket with user-defined log fields ("" for none, or when
// the request carries none of the names): one cached lookup.
func (s *server) userDefinedLogFields(rc *request, bucket string) string {
	ctx := rc.ctx
	if ctx.Err() != nil {
		// The client went away (a body cut short): the record is still
		// the server's to complete, and the lookup (a cache miss once
		// the configuration or the bucket changed meanwhile) must not
		// fail with the client's cancellation.
		ctx = context.WithoutCancel(ctx)
	}
	c, err := s.eng.BucketConfigValue(ctx, bucket, bucketconfig.KindLogFields)
	if err != nil {
		if !errors.Is(err, engine.ErrNoSuchConfig) && !errors.Is(err, engine.ErrNoSuchBucket) {
			s.logError(rc, err)
		}
		return ""
	}
	return encodeLogFields(c.(*bucketconfig.LogFields), rc.r.Header, rc.r.URL.Query())
}

// encodeLogFields picks the named headers and parameters out of a
// request, headers first, each in the order named, until their names and
// values reach MaxLogFieldBytes (the value that crosses it is cut, the
// rest left out, and truncated set). Credentials are never logged: the
// headers and parameters a debug log redacts are redacted here too.
func encodeLogFields(c *bucketconfig.LogFields, h http.Header, q url.Values) string {
	v := logFieldsValue{Headers: map[string]string{}, Querys: map[string]string{}}
	budget := bucketconfig.MaxLogFieldBytes
	add := func(m map[string]string, name, value string) {
		if v.Truncated {
			return
		}
		if len(name)+len(value) > budget {
			v.Truncated = true
			if len(name) >= budget {
				return
			}
			value = validPrefix(value, budget-len(name))
		}
		m[name] = value
		budget -= len(name) + len(value)
	}
	for _, name := range c.Headers {
		if vals, ok := h[http.CanonicalHeaderKey(name)]; ok && len(vals) > 0 {
			add(v.Headers, name, redactHeader(name, vals[0]))
		}
	}
	for _, name := range c.Params {
		if vals, ok := q[name]; ok && len(vals) > 0 {
			value := vals[0]
			if secretParam(name) {
				value = "REDACTED"
			}
			add(v.Querys, name, value)
		}
	}
	if len(v.Headers)+len(v.Querys) == 0 && !v.Truncated {
		return ""
	}
	out, _ := json.Marshal(v) // strings and booleans only: cannot fail
	return base64.StdEncoding.EncodeToString(out)
}

// validPrefix returns the longest prefix of s of at most n bytes that does
// not end inside a UTF-8 sequence.
func validPrefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
