package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Language is the policy language of a document.
type Language uint8

const (
	// AWS is AWS's policy language (S3 bucket policies): Version
	// "2012-10-17" or "2008-10-17", principals {"AWS": ...},
	// {"CanonicalUser": ...}, actions "s3:...", resources
	// "arn:aws:s3:::bucket/key".
	AWS Language = iota
	// OSS is Aliyun OSS's bucket policy language: Version "1", principals
	// as a list of UIDs or "*", actions "oss:...", resources
	// "acs:oss:region:uid:bucket/key".
	OSS
)

func (l Language) String() string {
	if l == OSS {
		return "oss"
	}
	return "aws"
}

// Versions of the policy language.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
	VersionOSS  = "1"
)

// Limits on documents: S3 bucket policies are at most 20 KB, OSS bucket
// policies at most 16 KB.
const (
	MaxDocument    = 20 << 10
	MaxDocumentOSS = 16 << 10
)

// Effect is "Allow" or "Deny".
type Effect string

// The effects.
const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Policy is a parsed, validated policy document.
type Policy struct {
	Language Language
	// Version is as written ("" when absent: 2008-10-17 rules, no policy
	// variables).
	Version string
	// ID is the optional Id element.
	ID         string
	Statements []Statement
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal lists who the statement is about; NotPrincipal inverts it.
	Principal    Principals
	NotPrincipal bool
	// Action lists action patterns ("s3:Get*"); NotAction inverts it.
	Action    []string
	NotAction bool
	// Resource lists resource patterns; NotResource inverts it.
	Resource    []string
	NotResource bool
	// Conditions are ANDed; sorted by operator, then key.
	Conditions []Condition
}

// Principals is the Principal (or NotPrincipal) element.
type Principals struct {
	// Any is the bare "*": everyone, anonymous included.
	Any bool
	// AWS holds account IDs, IAM ARNs and "*" ({"AWS": ...}); in the OSS
	// language, the UIDs (and "*") of the principal list.
	AWS []string
	// CanonicalUser holds S3 canonical user IDs.
	CanonicalUser []string
	// Service and Federated are kept and rendered; no request of osslite
	// ever comes from such a principal.
	Service   []string
	Federated []string
	// Absent (OSS only) is a statement written without a Principal: its
	// Allow grants no one and its Deny applies to every caller, the
	// reading that never gives more access than the writer could mean.
	Absent bool
}

// Condition is one operator-key test of a Condition block.
type Condition struct {
	// Operator is as written: "StringLike", "ForAnyValue:StringEquals",
	// "NumericLessThanIfExists", ...
	Operator string
	// Key is the condition key as written ("aws:SourceIp").
	Key string
	// Values are the policy values, numbers and booleans in their JSON
	// spelling; multiple values are ORed.
	Values []string

	op       *operator
	set      setQualifier
	ifExists bool
}

type setQualifier uint8

const (
	setNone setQualifier = iota
	setAnyValue
	setAllValues
)

// Parse reads and validates a policy document of language lang attached
// to bucket (resources must name it). The errors wrap ErrMalformed
// (*MalformedError has the reason) or ErrTooLarge.
func Parse(doc []byte, lang Language, bucket string) (*Policy, error) {
	limit := MaxDocument
	if lang == OSS {
		limit = MaxDocumentOSS
	}
	if len(doc) > limit {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(doc), limit)
	}
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformed("Policies must be valid JSON and the first byte must be '{'")
	}
	top, err := object(doc)
	if err != nil {
		return nil, malformed("This policy contains invalid Json")
	}
	p := &Policy{Language: lang}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, malformed("Unknown field " + k)
		}
	}
	if raw, ok := top["Version"]; ok {
		if err := json.Unmarshal(raw, &p.Version); err != nil {
			return nil, badVersion(lang)
		}
	}
	switch {
	case lang == OSS && p.Version != VersionOSS:
		return nil, badVersion(lang)
	case lang == AWS && p.Version != Version2012 && p.Version != Version2008 && p.Version != "":
		return nil, badVersion(lang)
	}
	if raw, ok := top["Id"]; ok {
		if err := json.Unmarshal(raw, &p.ID); err != nil {
			return nil, malformed("Id must be a string")
		}
	}
	raw, ok := top["Statement"]
	if !ok || isNull(raw) {
		return nil, malformed("Missing required field Statement")
	}
	var stmts []json.RawMessage
	if t := firstByte(raw); t == '[' {
		if err := json.Unmarshal(raw, &stmts); err != nil {
			return nil, malformed("This policy contains invalid Json")
		}
	} else {
		stmts = []json.RawMessage{raw}
	}
	if len(stmts) == 0 && lang == AWS {
		// S3's words for "Statement": [] (versity/versitygw#646 quotes them).
		return nil, malformed("Could not parse the policy: Statement is empty!")
	}
	if len(stmts) == 0 {
		return nil, malformed("Missing required field Statement")
	}
	sids := map[string]bool{}
	for _, raw := range stmts {
		s, err := parseStatement(raw, p, bucket)
		if err != nil {
			return nil, err
		}
		if s.Sid != "" {
			if sids[s.Sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique.")
			}
			sids[s.Sid] = true
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}

func badVersion(lang Language) error {
	if lang == OSS {
		return malformed("The policy version must be 1.")
	}
	return malformed("The policy must contain a valid version string")
}

// object decodes a JSON object into its members, numbers kept as written.
func object(data []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data")
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("trailing data")
	}
	if m == nil {
		return nil, fmt.Errorf("not an object")
	}
	return m, nil
}

func firstByte(raw json.RawMessage) byte {
	t := bytes.TrimLeft(raw, " \t\r\n")
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// stringList reads a string or a non-empty list of strings.
func stringList(raw json.RawMessage) ([]string, bool) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, true
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil || len(many) == 0 {
		return nil, false
	}
	return many, true
}

func parseStatement(raw json.RawMessage, p *Policy, bucket string) (Statement, error) {
	var s Statement
	if firstByte(raw) != '{' {
		return s, malformed("This policy contains invalid Json")
	}
	m, err := object(raw)
	if err != nil {
		return s, malformed("This policy contains invalid Json")
	}
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
		default:
			return s, malformed("Unknown field " + k)
		}
	}
	if raw, ok := m["Sid"]; ok {
		if err := json.Unmarshal(raw, &s.Sid); err != nil {
			return s, malformed("Statement IDs (SID) must be strings")
		}
	}
	raw, ok := m["Effect"]
	if !ok {
		return s, malformed("Missing required field Effect")
	}
	var eff string
	if err := json.Unmarshal(raw, &eff); err != nil || (eff != "Allow" && eff != "Deny") {
		return s, malformed("Invalid effect: " + strings.Trim(string(bytes.TrimSpace(raw)), `"`))
	}
	s.Effect = Effect(eff)

	pr, npr := m["Principal"]
	nr, nok := m["NotPrincipal"]
	switch {
	case npr && nok:
		return s, malformed("Statement cannot contain both Principal and NotPrincipal")
	case !npr && !nok && p.Language == OSS:
		// OSS takes a statement without a principal; what it means there
		// is not documented, so it is read narrowly (Principals.Absent).
		s.Principal.Absent = true
	case !npr && !nok:
		return s, malformed("Missing required field Principal")
	case nok:
		pr, s.NotPrincipal = nr, true
	}
	if !s.Principal.Absent {
		if s.Principal, err = parsePrincipal(pr, p.Language); err != nil {
			return s, err
		}
	}
	if s.NotPrincipal && (s.Principal.Any || slices.Contains(s.Principal.AWS, "*")) {
		return s, malformed("Invalid principal in policy")
	}

	s.Action, s.NotAction, err = pair(m, "Action", "NotAction")
	if err != nil {
		return s, err
	}
	for _, a := range s.Action {
		if !validAction(a, p.Language) {
			return s, malformed("Policy has invalid action")
		}
	}
	s.Resource, s.NotResource, err = pair(m, "Resource", "NotResource")
	if err != nil {
		return s, err
	}
	for _, r := range s.Resource {
		if !validResource(r, p.Language, bucket) {
			return s, malformed("Policy has invalid resource")
		}
	}
	if p.Language == AWS && !s.NotAction && !s.NotResource && !applies(s.Action, s.Resource) {
		return s, malformed("Action does not apply to any resource(s) in statement")
	}
	if raw, ok := m["Condition"]; ok {
		if s.Conditions, err = parseConditions(raw, p.Language); err != nil {
			return s, err
		}
	}
	return s, nil
}

// pair reads one of two exclusive list elements (Action / NotAction).
func pair(m map[string]json.RawMessage, name, notName string) ([]string, bool, error) {
	raw, ok := m[name]
	nraw, nok := m[notName]
	switch {
	case ok && nok:
		return nil, false, malformed(fmt.Sprintf("Statement cannot contain both %s and %s", name, notName))
	case !ok && !nok:
		return nil, false, malformed("Missing required field " + name)
	case nok:
		raw = nraw
	}
	l, valid := stringList(raw)
	if !valid {
		if name == "Action" {
			return nil, false, malformed("Policy has invalid action")
		}
		return nil, false, malformed("Policy has invalid resource")
	}
	return l, nok, nil
}

var (
	accountID  = regexp.MustCompile(`^[0-9]{12}$`)
	iamARN     = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:(iam|sts)::[0-9]{12}:(root|(user|role|assumed-role|federated-user)/[^*?]+)$`)
	canonical  = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	ossUID     = regexp.MustCompile(`^[^\s*?]+$`)
	principals = []string{"AWS", "CanonicalUser", "Federated", "Service"}
)

func parsePrincipal(raw json.RawMessage, lang Language) (Principals, error) {
	var pr Principals
	bad := malformed("Invalid principal in policy")
	if lang == OSS {
		l, ok := stringList(raw)
		if !ok {
			return pr, bad
		}
		for _, v := range l {
			if v != "*" && !ossUID.MatchString(v) {
				return pr, bad
			}
		}
		pr.AWS = l
		return pr, nil
	}
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return pr, bad
		}
		pr.Any = true
		return pr, nil
	}
	if firstByte(raw) != '{' {
		return pr, bad
	}
	m, err := object(raw)
	if err != nil || len(m) == 0 {
		return pr, bad
	}
	for k, v := range m {
		l, ok := stringList(v)
		if !ok {
			return pr, bad
		}
		switch k {
		case "AWS":
			for _, a := range l {
				if a != "*" && !accountID.MatchString(a) && !iamARN.MatchString(a) {
					return pr, bad
				}
			}
			pr.AWS = l
		case "CanonicalUser":
			for _, c := range l {
				if !canonical.MatchString(c) {
					return pr, bad
				}
			}
			pr.CanonicalUser = l
		case "Service", "Federated":
			for _, c := range l {
				if c == "" {
					return pr, bad
				}
			}
			if k == "Service" {
				pr.Service = l
			} else {
				pr.Federated = l
			}
		default:
			return pr, bad
		}
	}
	return pr, nil
}

// validAction reports whether a is "*" or names (with wildcards) at least
// one action of the language.
func validAction(a string, lang Language) bool {
	if a == "*" {
		return true
	}
	if lang == OSS {
		svc, name, ok := strings.Cut(a, ":")
		return ok && strings.EqualFold(svc, "oss") && name != "" && !strings.ContainsAny(name, " :")
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || name == "" {
		return false
	}
	pat := compileLower(name)
	switch {
	case strings.EqualFold(svc, "s3"):
		for _, k := range s3Actions {
			if pat.match(strings.ToLower(k.name)) {
				return true
			}
		}
	case strings.EqualFold(svc, "s3express"):
		for _, n := range s3ExpressActions {
			if pat.match(strings.ToLower(n)) {
				return true
			}
		}
	}
	return false
}

// validResource reports whether r is "*" or an ARN of the language
// whose bucket part can name bucket.
func validResource(r string, lang Language, bucket string) bool {
	if r == "*" {
		return true
	}
	var rest string
	if lang == OSS {
		parts := strings.SplitN(r, ":", 5)
		if len(parts) != 5 || parts[0] != "acs" || parts[1] != "oss" {
			return false
		}
		rest = parts[4]
	} else if name, ok := expressBucketOf(r); ok {
		rest = name
	} else {
		var ok bool
		if rest, ok = strings.CutPrefix(r, "arn:aws:s3:::"); !ok {
			return false
		}
	}
	b, _, _ := strings.Cut(rest, "/")
	if b == "" {
		return false
	}
	if bucket == "" {
		return true
	}
	return compile(b, nil).match(bucket)
}

// applies reports whether some action can act on some resource (object
// actions on object ARNs, bucket actions on the bucket ARN).
func applies(actions, resources []string) bool {
	var bucketRes, objectRes bool
	for _, r := range resources {
		if _, ok := expressBucketOf(r); ok {
			bucketRes = true // a directory bucket: its actions are all of the bucket
			continue
		}
		rest, _ := strings.CutPrefix(r, "arn:aws:s3:::")
		if r == "*" || strings.Contains(rest, "*") && !strings.Contains(rest, "/") {
			bucketRes, objectRes = true, true
			continue
		}
		if strings.Contains(rest, "/") {
			objectRes = true
		} else {
			bucketRes = true
		}
	}
	for _, a := range actions {
		if a == "*" {
			return true
		}
		svc, name, _ := strings.Cut(a, ":")
		pat := compileLower(name)
		if strings.EqualFold(svc, "s3express") {
			if bucketRes && slices.ContainsFunc(s3ExpressActions, func(n string) bool { return pat.match(strings.ToLower(n)) }) {
				return true
			}
			continue
		}
		for _, k := range s3Actions {
			if !pat.match(strings.ToLower(k.name)) {
				continue
			}
			if k.level == levelObject && objectRes || k.level == levelBucket && bucketRes {
				return true
			}
		}
	}
	return false
}

func parseConditions(raw json.RawMessage, lang Language) ([]Condition, error) {
	if firstByte(raw) != '{' {
		return nil, malformed("Policy has an invalid condition block")
	}
	block, err := object(raw)
	if err != nil {
		return nil, malformed("Policy has an invalid condition block")
	}
	var out []Condition
	for opName, body := range block {
		op, set, ifExists, ok := lookupOperator(opName)
		if !ok {
			return nil, malformed("Invalid Condition type : " + opName)
		}
		if firstByte(body) != '{' {
			return nil, malformed("Policy has an invalid condition block")
		}
		keys, err := object(body)
		if err != nil {
			return nil, malformed("Policy has an invalid condition block")
		}
		for key, vraw := range keys {
			if !validKey(key, lang) {
				return nil, malformed("Policy has an invalid condition key")
			}
			vals, ok := conditionValues(vraw)
			if !ok {
				return nil, malformed(fmt.Sprintf("Invalid Condition value for %s: %s", opName, key))
			}
			for _, v := range vals {
				if !op.valid(v) {
					return nil, malformed(fmt.Sprintf("Invalid Condition value for %s: %s", opName, v))
				}
			}
			out = append(out, Condition{Operator: opName, Key: key, Values: vals, op: op, set: set, ifExists: ifExists})
		}
	}
	sortConditions(out)
	return out, nil
}

func sortConditions(cs []Condition) {
	slices.SortFunc(cs, func(a, b Condition) int {
		if c := strings.Compare(a.Operator, b.Operator); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// conditionValues reads a scalar or a list of scalars (strings, numbers,
// booleans) as strings.
func conditionValues(raw json.RawMessage) ([]string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	scalar := func(x any) (string, bool) {
		switch t := x.(type) {
		case string:
			return t, true
		case json.Number:
			return t.String(), true
		case bool:
			if t {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if l, ok := v.([]any); ok {
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, ok := scalar(x)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	s, ok := scalar(v)
	if !ok {
		return nil, false
	}
	return []string{s}, true
}
