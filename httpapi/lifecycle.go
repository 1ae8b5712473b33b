package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Bucket lifecycle: S3 Put/Get/DeleteBucketLifecycleConfiguration and OSS
// Put/Get/DeleteBucketLifecycle. One lenient document type reads both
// shapes (S3's Filter/And or deprecated top-level Prefix and
// AbortIncompleteMultipartUpload, OSS's top-level Prefix and Tag,
// CreatedBeforeDate and AbortMultipartUpload); the dialect's
// lifecycleDoc renders its own. The engine executes the
// rules on its clock (engine/lifecycle.go); matching objects report
// x-amz-expiration / x-oss-expiration.

// lifecycleXML is the LifecycleConfiguration document, both shapes.
type lifecycleXML struct {
	XMLName xml.Name
	Rules   []lifecycleRuleXML `xml:"Rule"`
}

type lifecycleRuleXML struct {
	ID     string           `xml:"ID,omitempty"`
	Filter *lifecycleFilter `xml:"Filter,omitempty"`
	Prefix *string          `xml:"Prefix,omitempty"` // S3 legacy and OSS
	Tags   []xmlTag         `xml:"Tag,omitempty"`    // OSS
	Status string           `xml:"Status"`
	// AtimeBase (OSS, read back only) is when the bucket's access
	// tracking began, in Unix seconds, on rules by last access.
	AtimeBase *int64 `xml:"AtimeBase,omitempty"`

	Transitions            []lifecycleTransitionXML `xml:"Transition,omitempty"`
	Expiration             *lifecycleExpirationXML  `xml:"Expiration,omitempty"`
	NoncurrentTransitions  []lifecycleNoncurrentXML `xml:"NoncurrentVersionTransition,omitempty"`
	NoncurrentExpiration   *lifecycleNoncurrentXML  `xml:"NoncurrentVersionExpiration,omitempty"`
	AbortIncompleteUploads *struct {
		DaysAfterInitiation string `xml:"DaysAfterInitiation"`
	} `xml:"AbortIncompleteMultipartUpload,omitempty"`
	AbortMultipartUpload *struct {
		Days              string `xml:"Days,omitempty"`
		CreatedBeforeDate string `xml:"CreatedBeforeDate,omitempty"`
	} `xml:"AbortMultipartUpload,omitempty"`
}

type lifecycleFilter struct {
	Prefix          *string            `xml:"Prefix,omitempty"`
	Tag             *xmlTag            `xml:"Tag,omitempty"`
	SizeGreaterThan string             `xml:"ObjectSizeGreaterThan,omitempty"`
	SizeLessThan    string             `xml:"ObjectSizeLessThan,omitempty"`
	And             *lifecycleFilterOp `xml:"And,omitempty"`
	Not             []lifecycleNotXML  `xml:"Not,omitempty"` // OSS
}

type lifecycleFilterOp struct {
	// Prefix holds every Prefix element, to refuse an And with two.
	Prefix          []string `xml:"Prefix,omitempty"`
	Tags            []xmlTag `xml:"Tag,omitempty"`
	SizeGreaterThan string   `xml:"ObjectSizeGreaterThan,omitempty"`
	SizeLessThan    string   `xml:"ObjectSizeLessThan,omitempty"`
}

type lifecycleNotXML struct {
	Prefix string  `xml:"Prefix,omitempty"`
	Tag    *xmlTag `xml:"Tag,omitempty"`
}

type lifecycleExpirationXML struct {
	Days                      string `xml:"Days,omitempty"`
	Date                      string `xml:"Date,omitempty"`
	CreatedBeforeDate         string `xml:"CreatedBeforeDate,omitempty"`
	ExpiredObjectDeleteMarker string `xml:"ExpiredObjectDeleteMarker,omitempty"`
}

type lifecycleTransitionXML struct {
	Days              string `xml:"Days,omitempty"`
	Date              string `xml:"Date,omitempty"`
	CreatedBeforeDate string `xml:"CreatedBeforeDate,omitempty"`
	StorageClass      string `xml:"StorageClass"`
	lifecycleAccessXML
}

type lifecycleNoncurrentXML struct {
	NoncurrentDays  string `xml:"NoncurrentDays"`
	StorageClass    string `xml:"StorageClass,omitempty"`
	NewerNoncurrent string `xml:"NewerNoncurrentVersions,omitempty"`
	lifecycleAccessXML
}

// lifecycleAccessXML are OSS's elements of a transition by last access.
type lifecycleAccessXML struct {
	IsAccessTime         *bool `xml:"IsAccessTime,omitempty"`
	ReturnToStdWhenVisit *bool `xml:"ReturnToStdWhenVisit,omitempty"`
	AllowSmallFile       *bool `xml:"AllowSmallFile,omitempty"`
}

// set copies the elements into t; a dialect without them refuses them.
func (a lifecycleAccessXML) set(d *dialect, t *bucketconfig.LifecycleTransition) error {
	if a == (lifecycleAccessXML{}) {
		return nil
	}
	if !d.behave.accessTracking {
		return errorf("MalformedXML", "")
	}
	t.AccessTime, t.ReturnToStd, t.AllowSmallFile = a.IsAccessTime, a.ReturnToStdWhenVisit, a.AllowSmallFile
	return nil
}

// accessXML renders t's elements of a transition by last access.
func accessXML(t bucketconfig.LifecycleTransition) lifecycleAccessXML {
	return lifecycleAccessXML{IsAccessTime: t.AccessTime, ReturnToStdWhenVisit: t.ReturnToStd, AllowSmallFile: t.AllowSmallFile}
}

// lifecycleRow is the configuration table's row for ?lifecycle.
var lifecycleRow = &configRow{
	sub: "lifecycle", kind: bucketconfig.KindLifecycle, root: "LifecycleConfiguration",
	get: "GetBucketLifecycleConfiguration", put: "PutBucketLifecycleConfiguration", del: "DeleteBucketLifecycle",
	perm:  permOwner,
	parse: parseLifecycle,
	render: func(rc *request, c bucketconfig.Config) any {
		lc := c.(*bucketconfig.Lifecycle)
		// A configuration put through OSS (or stored before osslite kept
		// the minimum) holds no object back; neither of S3's two values
		// says so, and reading one back would claim a minimum that is not
		// applied, so the header is left out.
		if rc.d.behave.transitionMinimum && lc.TransitionMinimum != "" {
			rc.w.Header().Set(transitionMinimumHeader, lc.TransitionMinimum)
		}
		doc := rc.d.lifecycleDoc(lc)
		if x, ok := doc.(*lifecycleXML); ok && rc.d.behave.accessTracking && len(x.Rules) == len(lc.Rules) {
			if since, on, err := rc.s.eng.AccessTracking(rc.ctx, rc.op.Bucket); err == nil && on {
				base := since.Unix()
				for i := range lc.Rules {
					if lc.Rules[i].ByAccess() {
						x.Rules[i].AtimeBase = &base
					}
				}
			}
		}
		return doc
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchLifecycleConfiguration", "").with("BucketName", rc.op.Bucket)
	},
}

func lifecycleArg(msg string) error {
	return errorf("InvalidArgument", "%s", msg)
}

// transitionMinimumHeader is S3's default minimum object size for
// lifecycle transitions, taken by PutBucketLifecycleConfiguration and
// answered by it and by GetBucketLifecycleConfiguration.
const transitionMinimumHeader = "x-amz-transition-default-minimum-object-size"

// parseLifecycle reads a LifecycleConfiguration in either shape.
func parseLifecycle(rc *request, data []byte) (bucketconfig.Config, error) {
	var doc lifecycleXML
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "LifecycleConfiguration" || len(doc.Rules) == 0 {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	if err := rc.s.lifecycleMFA(rc); err != nil {
		return nil, err
	}
	lc := &bucketconfig.Lifecycle{}
	if rc.d.behave.transitionMinimum {
		switch m := rc.r.Header.Get(transitionMinimumHeader); m {
		case "":
			lc.TransitionMinimum = bucketconfig.TransitionMinimumAll128K
		case bucketconfig.TransitionMinimumAll128K, bucketconfig.TransitionMinimumByClass:
			lc.TransitionMinimum = m
		default:
			return nil, errorf("InvalidRequest", "Invalid TransitionDefaultMinimumObjectSize found: %s", m)
		}
		rc.w.Header().Set(transitionMinimumHeader, lc.TransitionMinimum)
	}
	for i, x := range doc.Rules {
		r, err := x.rule(rc.d)
		if err != nil {
			return nil, err
		}
		if r.ID == "" {
			r.ID = "rule-" + strconv.Itoa(i+1) // S3 and OSS generate one
		}
		lc.Rules = append(lc.Rules, r)
	}
	err := lc.Validate()
	if err == nil && rc.d.lifecycleCheck != nil {
		err = rc.d.lifecycleCheck(rc, lc)
	}
	if e := (*Error)(nil); errors.As(err, &e) {
		return nil, e // the dialect's check answered with its own code
	}
	if err != nil {
		return nil, lifecycleArg(strings.TrimPrefix(err.Error(), bucketconfig.ErrInvalid.Error()+": "))
	}
	if lc.UsesAccessTime() {
		if _, on, err := rc.s.eng.AccessTracking(rc.ctx, rc.op.Bucket); err != nil {
			return nil, err
		} else if !on {
			return nil, lifecycleArg("A rule by last access time (IsAccessTime) needs the bucket's access tracking (PutBucketAccessMonitor) enabled.")
		}
	}
	return lc, nil
}

func (x *lifecycleRuleXML) rule(d *dialect) (bucketconfig.LifecycleRule, error) {
	r := bucketconfig.LifecycleRule{ID: x.ID}
	switch x.Status {
	case "Enabled":
		r.Enabled = true
	case "Disabled":
	default:
		return r, errorf("MalformedXML", "")
	}
	if d.behave.lifecycleSchemaS3 {
		if err := x.checkS3(); err != nil {
			return r, err
		}
		r.EmptyFilter = x.Filter != nil && x.Filter.conditions() == 0
	}
	if x.Prefix != nil {
		r.Filter.Prefix = *x.Prefix
	}
	// A top-level Prefix with no other condition is S3's deprecated form,
	// which S3 renders back as it was put (s3-tests compare). OSS rules
	// always have one; OSS renders its own shape whatever the flag says.
	r.LegacyPrefix = x.Prefix != nil && x.Filter == nil && len(x.Tags) == 0
	for _, t := range x.Tags {
		r.Filter.Tags = append(r.Filter.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
	}
	if f := x.Filter; f != nil {
		if x.Prefix != nil && f.Prefix != nil {
			return r, errorf("MalformedXML", "")
		}
		ops := []*lifecycleFilterOp{{SizeGreaterThan: f.SizeGreaterThan, SizeLessThan: f.SizeLessThan}}
		if f.Prefix != nil {
			ops[0].Prefix = []string{*f.Prefix}
		}
		if f.Tag != nil {
			ops[0].Tags = []xmlTag{*f.Tag}
		}
		if f.And != nil {
			ops = append(ops, f.And)
		}
		for _, op := range ops {
			if len(op.Prefix) > 1 {
				// S3's words (aws-sdk-net LifecycleTests
				// TestLifecycleFilterAndTwoPrefixes); its code is not
				// recorded: InvalidRequest, as for two tags of one key.
				return r, errorf("InvalidRequest", "An And operator may only contain one 'Prefix'.")
			}
			if len(op.Prefix) == 1 {
				r.Filter.Prefix = op.Prefix[0]
			}
			for _, t := range op.Tags {
				r.Filter.Tags = append(r.Filter.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
			}
			var err error
			if op.SizeGreaterThan != "" {
				if r.Filter.SizeGreaterThan, err = strconv.ParseInt(op.SizeGreaterThan, 10, 64); err != nil {
					return r, lifecycleArg("ObjectSizeGreaterThan must be a number of bytes.")
				}
			}
			if op.SizeLessThan != "" {
				if r.Filter.SizeLessThan, err = strconv.ParseInt(op.SizeLessThan, 10, 64); err != nil {
					return r, lifecycleArg("ObjectSizeLessThan must be a number of bytes.")
				}
			}
		}
		if len(f.Not) > 1 {
			// OSS takes one Not in a Filter (EC 0014-00000089, "The API
			// allows only one Not node"); more were bounded only by the
			// document, and each rule's Nots are tested against every
			// key it may select.
			e := errorf("MalformedXML", "A lifecycle rule's Filter may hold only one Not.")
			e.ec = "0014-00000089"
			return r, e
		}
		for _, n := range f.Not {
			ln := bucketconfig.LifecycleNot{Prefix: n.Prefix}
			if n.Tag != nil {
				ln.Tag = &bucketconfig.Tag{Key: n.Tag.Key, Value: n.Tag.Value}
			}
			r.Filter.Not = append(r.Filter.Not, ln)
		}
	}
	if e := x.Expiration; e != nil {
		r.Expiration = &bucketconfig.LifecycleExpiration{}
		var err error
		if r.Expiration.Days, r.Expiration.Date, r.Expiration.CreatedBefore, err = lifecycleWhen(d, e.Days, e.Date, e.CreatedBeforeDate); err != nil {
			return r, err
		}
		switch e.ExpiredObjectDeleteMarker {
		case "":
		case "false":
			r.Expiration.MarkerFalse = d.behave.lifecycleSchemaS3
		case "true":
			r.Expiration.ExpiredObjectDeleteMarker = true
		default:
			return r, errorf("MalformedXML", "")
		}
		// S3 takes an Expiration that expires nothing: empty, or with
		// ExpiredObjectDeleteMarker false alone (terraform-provider-aws's
		// TestAccS3BucketLifecycleConfiguration_RuleExpiration_emptyBlock
		// and _RuleExpiration_expireMarkerOnly, run against S3, read it
		// back as one expiration).
		if d.behave.lifecycleSchemaS3 && !r.Expiration.ExpiredObjectDeleteMarker &&
			strings.TrimSpace(e.Days) == "" && strings.TrimSpace(e.Date) == "" && strings.TrimSpace(e.CreatedBeforeDate) == "" {
			r.Expiration.Inert = true
		}
	}
	for _, t := range x.Transitions {
		tr := bucketconfig.LifecycleTransition{StorageClass: t.StorageClass}
		days := t.Days
		if d.behave.lifecycleSchemaS3 && s3ZeroDayClasses[t.StorageClass] && strings.TrimSpace(days) == "0" {
			tr.ZeroDays, days = true, ""
		}
		var err error
		if tr.Days, tr.Date, tr.CreatedBefore, err = lifecycleWhen(d, days, t.Date, t.CreatedBeforeDate); err != nil {
			return r, err
		}
		if !d.storageClasses[t.StorageClass] || t.StorageClass == "STANDARD" || t.StorageClass == "Standard" {
			return r, errorf("InvalidStorageClass", "The storage class %q cannot be a transition target.", t.StorageClass)
		}
		if d.behave.lifecycleSchemaS3 && s3InfrequentClasses[t.StorageClass] && tr.Days > 0 && tr.Days < 30 {
			return r, lifecycleArg("'Days' in Transition action must be greater than or equal to 30 for storageClass '" + t.StorageClass + "'")
		}
		if err := t.set(d, &tr); err != nil {
			return r, err
		}
		r.Transitions = append(r.Transitions, tr)
	}
	if n := x.NoncurrentExpiration; n != nil {
		days, err := lifecycleInt(n.NoncurrentDays, "NoncurrentDays")
		if err != nil {
			return r, err
		}
		r.NoncurrentExpiration = &bucketconfig.NoncurrentExpiration{Days: days}
		if n.NewerNoncurrent != "" {
			if r.NoncurrentExpiration.NewerNoncurrent, err = lifecycleInt(n.NewerNoncurrent, "NewerNoncurrentVersions"); err != nil {
				return r, err
			}
		}
	}
	for _, n := range x.NoncurrentTransitions {
		// NoncurrentDays 0 to an archive or tiering class is taken and read
		// back as 0, as a Transition's Days is: terraform-provider-aws's
		// acceptance tests against S3 (TestAccS3BucketLifecycleConfiguration_
		// frameworkMigration_TransitionDate and _TransitionZeroDays_
		// intelligentTiering) read back NoncurrentDays 0 to
		// INTELLIGENT_TIERING after an apply.
		zero := d.behave.lifecycleSchemaS3 && s3ZeroDayClasses[n.StorageClass] && strings.TrimSpace(n.NoncurrentDays) == "0"
		days := 0
		var err error
		if !zero {
			if days, err = lifecycleInt(n.NoncurrentDays, "NoncurrentDays"); err != nil {
				return r, err
			}
		}
		if !d.storageClasses[n.StorageClass] {
			return r, errorf("InvalidStorageClass", "The storage class %q cannot be a transition target.", n.StorageClass)
		}
		tr := bucketconfig.LifecycleTransition{Days: days, ZeroDays: zero, StorageClass: n.StorageClass}
		if err := n.set(d, &tr); err != nil {
			return r, err
		}
		if n.NewerNoncurrent != "" {
			if tr.NewerNoncurrent, err = lifecycleInt(n.NewerNoncurrent, "NewerNoncurrentVersions"); err != nil {
				return r, err
			}
		}
		r.NoncurrentTransitions = append(r.NoncurrentTransitions, tr)
	}
	if a := x.AbortIncompleteUploads; a != nil {
		days, err := lifecycleInt(a.DaysAfterInitiation, "DaysAfterInitiation")
		if err != nil {
			return r, err
		}
		// An upload has neither tags nor a size yet: S3 refuses both
		// filters beside the action, in these words ("InvalidRequest:
		// AbortIncompleteMultipartUpload cannot be specified with Tags."
		// in terraform-aws-modules/terraform-aws-s3-bucket#109; the Object
		// Size message as CloudFormation relays it, cfn-lint#3554).
		switch {
		case len(r.Filter.Tags) > 0:
			return r, errorf("InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.")
		case r.Filter.SizeGreaterThan > 0 || r.Filter.SizeLessThan > 0:
			return r, errorf("InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Object Size.")
		}
		r.AbortUploads = &bucketconfig.LifecycleAbort{Days: days}
	}
	if a := x.AbortMultipartUpload; a != nil {
		r.AbortUploads = &bucketconfig.LifecycleAbort{}
		var err error
		if r.AbortUploads.Days, _, r.AbortUploads.CreatedBefore, err = lifecycleWhen(d, a.Days, "", a.CreatedBeforeDate); err != nil {
			return r, err
		}
	}
	return r, nil
}

// conditions counts the Filter's elements; S3's schema takes at most
// one (several conditions go in an And).
func (f *lifecycleFilter) conditions() int {
	n := len(f.Not)
	for _, set := range []bool{f.Prefix != nil, f.Tag != nil, f.SizeGreaterThan != "", f.SizeLessThan != "", f.And != nil} {
		if set {
			n++
		}
	}
	return n
}

// checkS3 holds a rule to S3's schema, as AWS answered LocalStack's
// recorded test_put_bucket_lifecycle_conf_exc: a rule needs a Filter (or
// the deprecated Prefix), a Filter holds one condition, Expiration's
// ExpiredObjectDeleteMarker stands alone and NoncurrentVersionExpiration
// is not empty, else MalformedXML; a tag key twice in the filter is
// InvalidRequest.
func (x *lifecycleRuleXML) checkS3() error {
	f := x.Filter
	if f == nil && x.Prefix == nil || f != nil && f.conditions() > 1 {
		return errorf("MalformedXML", "")
	}
	if e := x.Expiration; e != nil && e.ExpiredObjectDeleteMarker == "true" && (e.Days != "" || e.Date != "") {
		return errorf("MalformedXML", "")
	}
	if n := x.NoncurrentExpiration; n != nil && strings.TrimSpace(n.NoncurrentDays) == "" && n.NewerNoncurrent == "" {
		return errorf("MalformedXML", "")
	}
	if f != nil {
		tags := f.Tags()
		seen := make(map[string]bool, len(tags))
		for _, t := range tags {
			if seen[t.Key] {
				return errorf("InvalidRequest", "Duplicate Tag Keys are not allowed.")
			}
			seen[t.Key] = true
		}
	}
	return nil
}

// Tags lists the Filter's tags, its own and its And's.
func (f *lifecycleFilter) Tags() []xmlTag {
	var tags []xmlTag
	if f.Tag != nil {
		tags = append(tags, *f.Tag)
	}
	if f.And != nil {
		tags = append(tags, f.And.Tags...)
	}
	return tags
}

// s3ZeroDayClasses are the classes S3 lets a Transition reach with Days
// 0 (API_Transition: "valid values are 0 or positive integers"); for
// STANDARD_IA and ONEZONE_IA Days stays a positive integer.
var s3ZeroDayClasses = map[string]bool{"GLACIER": true, "GLACIER_IR": true, "DEEP_ARCHIVE": true, "INTELLIGENT_TIERING": true}

// s3InfrequentClasses are the classes an S3 Transition reaches no sooner
// than 30 days after creation (API_Transition: for STANDARD_IA and
// ONEZONE_IA "valid values are positive integers greater than 30"; S3
// takes 30 and refuses less: "'Days' in Transition action must be greater
// than or equal to 30 for storageClass 'STANDARD_IA'").
var s3InfrequentClasses = map[string]bool{"STANDARD_IA": true, "ONEZONE_IA": true}

// transitionDays renders a Transition's Days: "0" for one put with Days
// 0, empty when it has a date instead.
func transitionDays(t *bucketconfig.LifecycleTransition) string {
	if t.ZeroDays {
		return "0"
	}
	return itoaOrEmpty(t.Days)
}

func lifecycleInt(v, name string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0, lifecycleArg("'" + name + "' must be a positive integer.")
	}
	return n, nil
}

// lifecycleWhen reads Days, Date or CreatedBeforeDate (ISO 8601, midnight
// UTC); at most one is set.
func lifecycleWhen(dl *dialect, days, date, before string) (int, *time.Time, *time.Time, error) {
	var n int
	var err error
	if days != "" {
		if n, err = lifecycleInt(days, "Days"); err != nil {
			return 0, nil, nil, err
		}
	}
	parse := func(v, name string) (*time.Time, error) {
		if v == "" {
			return nil, nil
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02"} {
			if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
				t = t.UTC()
				if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
					if dl.behave.lifecycleSchemaS3 {
						// As AWS answered test_put_bucket_lifecycle_conf_exc.
						return nil, errorf("InvalidArgument", "'%s' must be at midnight GMT", name).with("ArgumentName", name).with("ArgumentValue", v)
					}
					return nil, lifecycleArg("'" + name + "' must be at midnight GMT.")
				}
				return &t, nil
			}
		}
		return nil, lifecycleArg("'" + name + "' must be an ISO 8601 date.")
	}
	d, err := parse(date, "Date")
	if err != nil {
		return 0, nil, nil, err
	}
	b, err := parse(before, "CreatedBeforeDate")
	return n, d, b, err
}

// lifecycleDate renders a rule date as both services write it.
func lifecycleDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// s3LifecycleDoc renders S3's shape: each rule in the form it was put,
// with a Filter or with the deprecated top-level Prefix (an empty one as
// <Prefix></Prefix>, as S3 does).
func s3LifecycleDoc(lc *bucketconfig.Lifecycle) any {
	doc := &lifecycleXML{}
	for _, r := range lc.Rules {
		x := lifecycleRuleXML{ID: r.ID, Status: map[bool]string{true: "Enabled", false: "Disabled"}[r.Enabled]}
		switch {
		case r.LegacyPrefix:
			prefix := r.Filter.Prefix
			x.Prefix = &prefix
		case r.EmptyFilter:
			x.Filter = &lifecycleFilter{}
		default:
			x.Filter = s3LifecycleFilter(r.Filter)
		}
		if e := r.Expiration; e != nil {
			x.Expiration = &lifecycleExpirationXML{Days: itoaOrEmpty(e.Days), Date: lifecycleDate(e.Date)}
			switch {
			case e.ExpiredObjectDeleteMarker:
				x.Expiration.ExpiredObjectDeleteMarker = "true"
			case e.MarkerFalse:
				x.Expiration.ExpiredObjectDeleteMarker = "false"
			}
		}
		for _, t := range r.Transitions {
			x.Transitions = append(x.Transitions, lifecycleTransitionXML{Days: transitionDays(&t), Date: lifecycleDate(t.Date), StorageClass: t.StorageClass})
		}
		if ne := r.NoncurrentExpiration; ne != nil {
			x.NoncurrentExpiration = &lifecycleNoncurrentXML{NoncurrentDays: strconv.Itoa(ne.Days), NewerNoncurrent: itoaOrEmpty(ne.NewerNoncurrent)}
		}
		for _, t := range r.NoncurrentTransitions {
			x.NoncurrentTransitions = append(x.NoncurrentTransitions, lifecycleNoncurrentXML{NoncurrentDays: strconv.Itoa(t.Days),
				StorageClass: t.StorageClass, NewerNoncurrent: itoaOrEmpty(t.NewerNoncurrent)})
		}
		if a := r.AbortUploads; a != nil {
			x.AbortIncompleteUploads = &struct {
				DaysAfterInitiation string `xml:"DaysAfterInitiation"`
			}{strconv.Itoa(a.Days)}
		}
		doc.Rules = append(doc.Rules, x)
	}
	return doc
}

// s3LifecycleFilter renders a rule's Filter: one condition on its own,
// several in an And, none as an empty Prefix.
func s3LifecycleFilter(f bucketconfig.LifecycleFilter) *lifecycleFilter {
	prefix := f.Prefix
	var size [2]string
	if f.SizeGreaterThan > 0 {
		size[0] = strconv.FormatInt(f.SizeGreaterThan, 10)
	}
	if f.SizeLessThan > 0 {
		size[1] = strconv.FormatInt(f.SizeLessThan, 10)
	}
	conds := len(f.Tags)
	for _, c := range []bool{prefix != "", size[0] != "", size[1] != ""} {
		if c {
			conds++
		}
	}
	x := &lifecycleFilter{}
	switch {
	case conds > 1:
		and := &lifecycleFilterOp{SizeGreaterThan: size[0], SizeLessThan: size[1]}
		if prefix != "" {
			and.Prefix = []string{prefix}
		}
		for _, t := range f.Tags {
			and.Tags = append(and.Tags, xmlTag{t.Key, t.Value})
		}
		x.And = and
	case len(f.Tags) == 1:
		x.Tag = &xmlTag{f.Tags[0].Key, f.Tags[0].Value}
	case size[0] != "" || size[1] != "":
		x.SizeGreaterThan, x.SizeLessThan = size[0], size[1]
	default:
		x.Prefix = &prefix
	}
	return x
}

// ossLifecycleDoc renders OSS's shape: Prefix and Tag in the rule,
// CreatedBeforeDate and AbortMultipartUpload.
func ossLifecycleDoc(lc *bucketconfig.Lifecycle) any {
	doc := &lifecycleXML{}
	for _, r := range lc.Rules {
		prefix := r.Filter.Prefix
		x := lifecycleRuleXML{ID: r.ID, Prefix: &prefix, Status: map[bool]string{true: "Enabled", false: "Disabled"}[r.Enabled]}
		for _, t := range r.Filter.Tags {
			x.Tags = append(x.Tags, xmlTag{t.Key, t.Value})
		}
		if f := r.Filter; f.SizeGreaterThan > 0 || f.SizeLessThan > 0 || len(f.Not) > 0 {
			x.Filter = &lifecycleFilter{}
			for _, n := range f.Not {
				nx := lifecycleNotXML{Prefix: n.Prefix}
				if n.Tag != nil {
					nx.Tag = &xmlTag{n.Tag.Key, n.Tag.Value}
				}
				x.Filter.Not = append(x.Filter.Not, nx)
			}
			if f.SizeGreaterThan > 0 {
				x.Filter.SizeGreaterThan = strconv.FormatInt(f.SizeGreaterThan, 10)
			}
			if f.SizeLessThan > 0 {
				x.Filter.SizeLessThan = strconv.FormatInt(f.SizeLessThan, 10)
			}
		}
		if e := r.Expiration; e != nil {
			x.Expiration = &lifecycleExpirationXML{Days: itoaOrEmpty(e.Days), Date: lifecycleDate(e.Date), CreatedBeforeDate: lifecycleDate(e.CreatedBefore)}
		}
		for _, t := range r.Transitions {
			x.Transitions = append(x.Transitions, lifecycleTransitionXML{Days: transitionDays(&t), Date: lifecycleDate(t.Date),
				CreatedBeforeDate: lifecycleDate(t.CreatedBefore), StorageClass: t.StorageClass, lifecycleAccessXML: accessXML(t)})
		}
		if ne := r.NoncurrentExpiration; ne != nil {
			x.NoncurrentExpiration = &lifecycleNoncurrentXML{NoncurrentDays: strconv.Itoa(ne.Days)}
		}
		for _, t := range r.NoncurrentTransitions {
			x.NoncurrentTransitions = append(x.NoncurrentTransitions, lifecycleNoncurrentXML{NoncurrentDays: strconv.Itoa(t.Days), StorageClass: t.StorageClass,
				lifecycleAccessXML: accessXML(t)})
		}
		if e := r.Expiration; e != nil && e.ExpiredObjectDeleteMarker {
			x.Expiration.ExpiredObjectDeleteMarker = "true"
		}
		if a := r.AbortUploads; a != nil {
			x.AbortMultipartUpload = &struct {
				Days              string `xml:"Days,omitempty"`
				CreatedBeforeDate string `xml:"CreatedBeforeDate,omitempty"`
			}{itoaOrEmpty(a.Days), lifecycleDate(a.CreatedBefore)}
		}
		doc.Rules = append(doc.Rules, x)
	}
	return doc
}

// setExpiration adds x-amz-expiration (x-oss-expiration) when a lifecycle
// rule will expire the object: one cached configuration lookup, and
// nothing for buckets without lifecycle rules.
func (s *server) setExpiration(rc *request, info engine.ObjectInfo) {
	if info.Bucket == "" {
		info.Bucket = rc.op.Bucket
	}
	at, rule, ok := s.eng.ObjectExpiry(rc.ctx, info)
	if !ok {
		return
	}
	// The rule ID is URL-encoded, as S3 documents: it is XML text, which
	// may hold a double quote or DEL (a byte HTTP clients refuse).
	rc.w.Header().Set(rc.d.h("expiration"), `expiry-date="`+at.UTC().Format(http.TimeFormat)+`", rule-id="`+escapeKey("/" + rule)[1:]+`"`)
}
