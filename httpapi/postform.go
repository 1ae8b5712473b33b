package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"time"
)

// POST Object (browser form uploads, spec s3/operations.md Part E, oss
// object.md 7.11, sina api.md 6.4): the form is read as a stream. Fields
// before the file part are read under a size limit each and in total;
// the file part is handed to the engine as a reader and never held in
// memory; fields after the file are not read at all (S3 ignores them).

// Form limits.
const (
	// maxPostField is the largest value of one form field, bytes.
	maxPostField = 20 << 10
	// DefaultMaxPostFormFields is the default of Config.MaxPostFormFields.
	DefaultMaxPostFormFields = 1 << 20
)

// postForm is a POST Object form read up to (and including the headers
// of) its file part.
type postForm struct {
	// values maps lower-case field names to their values; a name sent
	// more than once has its values joined with ",".
	values map[string]string
	// names maps lower-case field names to the name as first sent, in
	// the order sent.
	names []string
	// fileName is the file part's filename parameter after the last '/'
	// or '\'; fileType its Content-Type. hasFileName reports whether the
	// part has a filename parameter at all.
	fileName, fileType string
	hasFileName        bool
	// file is the file part's content, streamed.
	file io.Reader
}

// get returns the value of a field (name in lower case).
func (f *postForm) get(name string) string { return f.values[name] }

// has reports whether the form has a field (name in lower case).
func (f *postForm) has(name string) bool {
	_, ok := f.values[name]
	return ok
}

// budgetReader fails with errPostPreData once more than n bytes have
// been read while on is set.
type budgetReader struct {
	r  io.Reader
	n  int64
	on bool
}

// errPostPreData is returned when the fields before the file exceed
// their cap.
var errPostPreData = errors.New("httpapi: POST form fields before the file are too large")

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.on && b.n <= 0 {
		return 0, errPostPreData
	}
	if b.on && int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	if b.on {
		b.n -= int64(n)
	}
	return n, err
}

// readPostForm reads a multipart/form-data body up to its file part.
// maxFields caps the bytes before the file (field values, part headers
// and boundaries).
func readPostForm(body io.Reader, contentType string, maxFields int64) (*postForm, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.EqualFold(mt, "multipart/form-data") {
		return nil, errorf("PreconditionFailed", "").with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, errorf("MalformedPOSTRequest", "")
	}
	br := &budgetReader{r: body, n: maxFields, on: true}
	mr := multipart.NewReader(br, boundary)
	f := &postForm{values: map[string]string{}}
	sent := map[string][]string{} // the values of each field, as sent
	fail := func(err error) error {
		if errors.Is(err, errPostPreData) {
			return errorf("MaxPostPreDataLengthExceededError", "")
		}
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return errorf("MalformedPOSTRequest", "")
	}
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil, errorf("IncorrectNumberOfFilesInPostRequest", "")
		}
		if err != nil {
			return nil, fail(err)
		}
		disp, dparams, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		name := dparams["name"]
		if err != nil || disp != "form-data" || name == "" {
			return nil, errorf("MalformedPOSTRequest", "")
		}
		lower := strings.ToLower(name)
		if lower == "file" {
			fn, hasFn := dparams["filename"]
			if i := strings.LastIndexAny(fn, `/\`); i >= 0 {
				fn = fn[i+1:]
			}
			f.fileName, f.hasFileName, f.fileType, f.file = fn, hasFn, p.Header.Get("Content-Type"), p
			br.on = false
			for name, vs := range sent { // joined once: joining at each repeat would be quadratic
				f.values[name] = strings.Join(vs, ",")
			}
			return f, nil
		}
		v, err := io.ReadAll(io.LimitReader(p, maxPostField+1))
		if err != nil {
			return nil, fail(err)
		}
		if len(v) > maxPostField {
			return nil, errorf("MaxPostPreDataLengthExceededError", "Your POST request field %s is larger than %d bytes.", name, maxPostField)
		}
		if _, ok := sent[lower]; !ok {
			f.names = append(f.names, name)
		}
		sent[lower] = append(sent[lower], string(v))
	}
}

// Policy condition operators.
const (
	condEq          = "eq"
	condStartsWith  = "starts-with"
	condLengthRange = "content-length-range"
	condIn          = "in"
	condNotIn       = "not-in"
	// condNever is a condition that never holds (policyRules.unusableFails).
	condNever = "never"
)

// postPolicy is a decoded POST policy document.
type postPolicy struct {
	expiration time.Time
	conditions []postCondition
}

// postCondition is one condition of a POST policy.
type postCondition struct {
	op string // one of the cond* operators
	// field is the lower-case field name without "$" ("" for ranges).
	field string
	value string
	// values are the choices of in / not-in.
	values []string
	// min and max bound the file size (content-length-range).
	min, max int64
	// text is the condition as the error message shows it.
	text string
}

// policyRules says which condition forms a dialect accepts.
type policyRules struct {
	// sets allows ["in", "$f", [..]] and ["not-in", "$f", [..]].
	sets bool
	// unusableFails makes a condition that names its field without '$',
	// or a content-length-range whose bounds are not integers, one that
	// never holds (AccessDenied "Policy Condition failed", S3) instead of
	// a malformed policy (InvalidPolicyDocument).
	unusableFails bool
}

// errPolicy is an InvalidPolicyDocument error.
func errPolicy(msg string) *Error {
	return errorf("InvalidPolicyDocument", "Invalid Policy: %s", msg)
}

// parsePostPolicy decodes a base64 POST policy document.
func parsePostPolicy(b64 string, rules policyRules) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, errPolicy("Invalid Base64 encoding.")
	}
	// The document's keys are matched exactly: AWS refuses "EXPIRATION"
	// or "Conditions" as missing, while a struct would let encoding/json
	// match them in any case.
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&doc); err != nil {
		return nil, errPolicy("Invalid JSON.")
	}
	if dec.More() {
		return nil, errPolicy("Invalid JSON.")
	}
	var expiration *string
	var conditions []json.RawMessage
	if v, ok := doc["expiration"]; ok {
		if err := json.Unmarshal(v, &expiration); err != nil {
			return nil, errPolicy("Invalid JSON.")
		}
	}
	if v, ok := doc["conditions"]; ok {
		if err := json.Unmarshal(v, &conditions); err != nil {
			return nil, errPolicy("Invalid JSON.")
		}
	}
	if expiration == nil {
		return nil, errPolicy("Policy missing expiration.")
	}
	exp, err := parsePolicyTime(*expiration)
	if err != nil {
		return nil, errPolicy("Invalid 'expiration' value: '" + *expiration + "'")
	}
	if conditions == nil {
		return nil, errPolicy("Policy missing conditions.")
	}
	p := &postPolicy{expiration: exp}
	for _, c := range conditions {
		conds, err := parseCondition(c, rules)
		if err != nil {
			return nil, err
		}
		p.conditions = append(p.conditions, conds...)
	}
	return p, nil
}

// parsePolicyTime parses an ISO 8601 UTC expiration: with or without
// fractional seconds.
func parsePolicyTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("httpapi: bad policy time")
}

// jsonText renders a JSON value as a condition message shows it.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// parseCondition parses one element of "conditions": an object of exact
// matches or an array condition.
func parseCondition(raw json.RawMessage, rules policyRules) ([]postCondition, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, errPolicy("Invalid JSON.")
		}
		if len(m) != 1 {
			return nil, errPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		var out []postCondition
		for k, v := range m {
			s, ok := scalarString(v)
			if !ok {
				return nil, errPolicy("Invalid Simple-Condition: value must be a string.")
			}
			out = append(out, postCondition{op: condEq, field: strings.ToLower(k), value: s,
				text: "[" + jsonText(condEq) + ", " + jsonText("$"+k) + ", " + jsonText(s) + "]"})
		}
		return out, nil
	}
	var arr []any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&arr); err != nil {
		return nil, errPolicy("Invalid JSON.")
	}
	if len(arr) != 3 {
		return nil, errPolicy("Invalid Condition: wrong number of arguments.")
	}
	op, ok := arr[0].(string)
	if !ok {
		return nil, errPolicy("Invalid Condition: the operator must be a string.")
	}
	op = strings.ToLower(op)
	switch op {
	case condLengthRange:
		lo, ok1 := policyInt(arr[1])
		hi, ok2 := policyInt(arr[2])
		if (!ok1 || !ok2) && rules.unusableFails {
			return []postCondition{failing(op, arr[1], arr[2])}, nil
		}
		if !ok1 || !ok2 || lo < 0 || hi < 0 {
			return nil, errPolicy("Invalid Condition: content-length-range bounds must be non-negative integers.")
		}
		return []postCondition{{op: op, min: lo, max: hi,
			text: "[" + jsonText(op) + ", " + strconv.FormatInt(lo, 10) + ", " + strconv.FormatInt(hi, 10) + "]"}}, nil
	case condEq, condStartsWith, condIn, condNotIn:
	default:
		return nil, errPolicy("Invalid Condition: unknown operator " + jsonText(arr[0]) + ".")
	}
	name, ok := arr[1].(string)
	if ok && !strings.HasPrefix(name, "$") && rules.unusableFails && (op == condEq || op == condStartsWith) {
		return []postCondition{failing(op, name, arr[2])}, nil
	}
	if !ok || !strings.HasPrefix(name, "$") || len(name) < 2 {
		return nil, errPolicy("Invalid Condition: the field must be a string starting with '$'.")
	}
	c := postCondition{op: op, field: strings.ToLower(name[1:])}
	if op == condIn || op == condNotIn {
		if !rules.sets {
			return nil, errPolicy("Invalid Condition: unknown operator " + jsonText(arr[0]) + ".")
		}
		list, ok := arr[2].([]any)
		if !ok {
			return nil, errPolicy("Invalid Condition: " + op + " takes a list of strings.")
		}
		for _, v := range list {
			s, ok := scalarString(v)
			if !ok {
				return nil, errPolicy("Invalid Condition: " + op + " takes a list of strings.")
			}
			c.values = append(c.values, s)
		}
		c.text = "[" + jsonText(op) + ", " + jsonText(name) + ", " + jsonText(c.values) + "]"
		return []postCondition{c}, nil
	}
	s, ok := scalarString(arr[2])
	if !ok {
		return nil, errPolicy("Invalid Condition: the value must be a string.")
	}
	c.value = s
	c.text = "[" + jsonText(op) + ", " + jsonText(name) + ", " + jsonText(s) + "]"
	return []postCondition{c}, nil
}

// failing is a condition that never holds, shown as S3 shows it: each
// argument as a string.
func failing(op string, args ...any) postCondition {
	text := "[" + jsonText(op)
	for _, a := range args {
		s, ok := scalarString(a)
		if !ok {
			s = jsonText(a)
		}
		text += ", " + jsonText(s)
	}
	return postCondition{op: condNever, text: text + "]"}
}

// scalarString returns a JSON string or number as text.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// policyInt reads a content-length-range bound: a JSON integer or a
// string holding one.
func policyInt(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// postValues is what policy conditions are matched against: the form's
// fields, with "bucket" the target bucket.
type postValues struct {
	form   *postForm
	bucket string
	// key is the value matched for "key" (before or after ${filename}
	// expansion, as the dialect says).
	key string
}

func (v postValues) get(field string) string {
	switch field {
	case "bucket":
		return v.bucket
	case "key":
		return v.key
	}
	return v.form.get(field)
}

// check applies the policy's field conditions (not the size range,
// which the file's reader enforces) at time now. It returns the size
// bounds (max -1: none).
func (p *postPolicy) check(now time.Time, v postValues) (lo, hi int64, err error) {
	if !now.Before(p.expiration) {
		return 0, 0, errorf("AccessDenied", "Invalid according to Policy: Policy expired.")
	}
	lo, hi = 0, -1
	typePrefix, typeDone := "", false
	for _, c := range p.conditions {
		if c.op == condLengthRange {
			lo, hi = c.min, c.max
			continue
		}
		got := v.get(c.field)
		if c.op == condStartsWith && c.field == "content-type" && c.value != "" {
			// Each condition reads the prefix the types share, found once:
			// splitting the list at each condition was quadratic (400
			// conditions of a 20 KiB policy over a MiB of types: 3 s).
			if !typeDone {
				typePrefix, typeDone = commonTypePrefix(got), true
			}
			got = typePrefix
		}
		if !c.holds(got) {
			return 0, 0, errorf("AccessDenied", "Invalid according to Policy: Policy Condition failed: %s", c.text)
		}
	}
	return lo, hi, nil
}

// holds reports whether a field value satisfies c.
func (c postCondition) holds(got string) bool {
	switch c.op {
	case condEq:
		return got == c.value
	case condStartsWith:
		// For a non-empty prefix of content-type, got is the prefix its
		// list of types share (commonTypePrefix): each type must start
		// with the condition's.
		return strings.HasPrefix(got, c.value)
	case condIn, condNotIn:
		found := false
		for _, s := range c.values {
			if s == got {
				found = true
				break
			}
		}
		return found == (c.op == condIn)
	}
	return false
}

// commonTypePrefix is the longest prefix every type of a comma-separated
// list has, each trimmed of blanks: a prefix holds for every type exactly
// when it is a prefix of this one.
func commonTypePrefix(list string) string {
	first := true
	var common string
	for t := range strings.SplitSeq(list, ",") {
		t = strings.TrimSpace(t)
		if first {
			common, first = t, false
			continue
		}
		n := 0
		for n < len(common) && n < len(t) && common[n] == t[n] {
			n++
		}
		common = common[:n]
	}
	return common
}

// uncovered returns the first form field (as sent) that no condition
// names, skipping the exempt ones.
func (p *postPolicy) uncovered(f *postForm, exempt func(lower string) bool) string {
	named := map[string]bool{}
	for _, c := range p.conditions {
		named[c.field] = true
	}
	for _, n := range f.names {
		l := strings.ToLower(n)
		if !named[l] && !exempt(l) {
			return n
		}
	}
	return ""
}

// sizeRange enforces content-length-range on the file as it streams: a
// file longer than hi fails as soon as it is, one shorter than lo at its
// end, before the engine commits anything.
type sizeRange struct {
	r      io.Reader
	lo, hi int64 // hi < 0: no upper bound
	n      int64
}

func (s *sizeRange) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.hi >= 0 && s.n > s.hi {
		e := errorf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size").
			with("ProposedSize", strconv.FormatInt(s.n, 10)).with("MaxSizeAllowed", strconv.FormatInt(s.hi, 10))
		e.verbatim = true // OSS too answers EntityTooLarge here (PostObject), not InvalidArgument
		return n, e
	}
	if err == io.EOF && s.n < s.lo {
		return n, errorf("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size").
			with("ProposedSize", strconv.FormatInt(s.n, 10)).with("MinSizeAllowed", strconv.FormatInt(s.lo, 10))
	}
	return n, err
}
