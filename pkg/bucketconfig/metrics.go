package bucketconfig

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Metrics is a bucket's set of S3 request metrics configurations
// (PutBucketMetricsConfiguration, ?metrics&id=): each names a filter, and
// the requests it selects are counted under the configuration's ID (S3
// publishes them to CloudWatch; osslite keeps the counts in the server and
// exports them). Stored together, sorted by ID.
type Metrics struct {
	Configurations []MetricsConfiguration `json:"configurations"`

	// index, built on first use, finds the configurations that may count
	// a request (ruleindex.go); a set is not changed once in use.
	indexOnce sync.Once
	index     *ruleIndex
}

// counting returns m's index, building it the first time.
func (m *Metrics) counting() *ruleIndex {
	m.indexOnce.Do(func() {
		var entries []indexEntry
		for i := range m.Configurations {
			switch c := &m.Configurations[i]; {
			case c.Form == "":
				entries = append(entries, indexEntry{i: int32(i), always: true})
			case c.AccessPointARN == "": // no request meets an access point condition
				entries = append(entries, indexEntry{i: int32(i), prefix: c.Prefix, tags: c.Tags})
			}
		}
		m.index = newRuleIndex(entries)
	})
	return m.index
}

// NeedsTags reports whether finding the configurations that count a
// request for key needs the object's tags: some configuration whose
// prefix starts key has a tag condition.
func (m *Metrics) NeedsTags(key string) bool {
	return key != "" && m.counting().tagsMatter(key)
}

// Counting appends to dst the positions, in m's order, of the
// configurations that count a request for key (Selects), the object
// having tags (only looked at when NeedsTags): what a scan of every
// configuration finds, at the cost of those that hold for every request
// and those whose prefix starts key and whose tag conditions the object
// may meet (ruleindex.go).
func (m *Metrics) Counting(key string, tags []Tag, dst []int32) []int32 {
	dst = m.counting().candidates(key, key != "", tags, dst)
	var byKey map[string]string
	n := 0
	for _, i := range dst {
		c := &m.Configurations[i]
		if c.NeedsTags() && byKey == nil {
			byKey = make(map[string]string, len(tags))
			for _, t := range tags {
				byKey[t.Key] = t.Value
			}
		}
		if c.Selects(key, byKey) {
			dst[n] = i
			n++
		}
	}
	return dst[:n]
}

// MetricsConfiguration is one request metrics filter.
type MetricsConfiguration struct {
	// ID names the configuration within its bucket (S3's FilterId
	// dimension).
	ID string `json:"id"`
	// Form is how the filter was written, to render it back as put: ""
	// (no Filter: every request to the bucket), "Prefix", "Tag",
	// "AccessPointArn" or "And".
	Form string `json:"form,omitempty"`
	// Prefix, Tags and AccessPointARN are the filter's conditions; a
	// request must meet all of them.
	Prefix         string `json:"prefix,omitempty"`
	Tags           []Tag  `json:"tags,omitempty"`
	AccessPointARN string `json:"accessPointArn,omitempty"`
}

// MaxMetricsConfigurations is the most request metrics configurations a
// bucket may have (S3: 1,000).
const MaxMetricsConfigurations = 1000

// MaxMetricsID is the longest configuration ID, in characters (S3: 64).
const MaxMetricsID = 64

// Kind implements Config.
func (*Metrics) Kind() Kind { return KindMetrics }

// Validate implements Config: at most MaxMetricsConfigurations
// configurations with unique IDs, sorted by ID, each valid.
func (m *Metrics) Validate() error {
	if err := checkIDSet("metrics", m.Configurations, MaxMetricsConfigurations); err != nil {
		return err
	}
	for i := range m.Configurations {
		if err := m.Configurations[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Find returns the configuration with id, or nil.
func (m *Metrics) Find(id string) *MetricsConfiguration {
	if m == nil {
		return nil
	}
	i, ok := findID(m.Configurations, id)
	if !ok {
		return nil
	}
	return &m.Configurations[i]
}

// With returns a copy of m (which may be nil) with c added or replacing
// the configuration of the same ID.
func (m *Metrics) With(c MetricsConfiguration) *Metrics {
	var list []MetricsConfiguration
	if m != nil {
		list = m.Configurations
	}
	return &Metrics{Configurations: withID(list, c)}
}

// Len is the number of configurations.
func (m *Metrics) Len() int { return len(m.Configurations) }

// Without returns a copy of m without the configuration id, and whether
// it was there.
func (m *Metrics) Without(id string) (*Metrics, bool) {
	list, ok := withoutID(m.Configurations, id)
	if !ok {
		return m, false
	}
	return &Metrics{Configurations: list}, true
}

// Validate reports what is wrong with one configuration.
func (c *MetricsConfiguration) Validate() error {
	if err := checkConfigID("metrics", c.ID, MaxMetricsID); err != nil {
		return err
	}
	n := 0
	if c.Prefix != "" {
		n++
	}
	if c.AccessPointARN != "" {
		n++
	}
	n += len(c.Tags)
	switch c.Form {
	case "":
		if n != 0 {
			return fmt.Errorf("%w: metrics configuration %q has conditions but no filter", ErrInvalid, c.ID)
		}
	case "Prefix": // an empty prefix selects every object request
		if len(c.Tags) != 0 || c.AccessPointARN != "" {
			return fmt.Errorf("%w: a metrics Prefix filter holds only the prefix", ErrInvalid)
		}
	case "Tag", "AccessPointArn":
		if n != 1 || c.Form == "Tag" && len(c.Tags) != 1 || c.Form == "AccessPointArn" && c.AccessPointARN == "" {
			return fmt.Errorf("%w: a metrics filter of one %s holds exactly that condition", ErrInvalid, c.Form)
		}
	case "And":
		if n < 2 {
			return fmt.Errorf("%w: a metrics And filter needs at least two conditions", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: metrics filter form %q", ErrInvalid, c.Form)
	}
	if len(c.Prefix) > 1024 || !utf8.ValidString(c.Prefix) {
		return fmt.Errorf("%w: metrics filter prefix of %d bytes", ErrInvalid, len(c.Prefix))
	}
	if c.AccessPointARN != "" && !strings.HasPrefix(c.AccessPointARN, "arn:") {
		return fmt.Errorf("%w: metrics filter access point %q is not an ARN", ErrInvalid, c.AccessPointARN)
	}
	seen := make(map[string]bool, len(c.Tags))
	for _, t := range c.Tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || utf8.RuneCountInString(t.Value) > 256:
			return fmt.Errorf("%w: metrics filter tag %q: keys are 1 to 128 characters, values at most 256", ErrInvalid, t.Key)
		case seen[t.Key]:
			return fmt.Errorf("%w: metrics filter tag key %q named twice", ErrInvalid, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// NeedsTags reports whether matching a request needs its object's tags.
func (c *MetricsConfiguration) NeedsTags() bool { return len(c.Tags) > 0 }

// Selects reports whether a request is counted under c: a configuration
// without a filter counts every request to its bucket; one with a filter
// counts requests naming an object (key != "") that meet every
// condition. tags are the object's tags (only consulted when NeedsTags).
// No request meets an access point condition: osslite serves no S3
// access points.
func (c *MetricsConfiguration) Selects(key string, tags map[string]string) bool {
	if c.Form == "" {
		return true
	}
	if key == "" || c.AccessPointARN != "" || !strings.HasPrefix(key, c.Prefix) {
		return false
	}
	for _, t := range c.Tags {
		if v, ok := tags[t.Key]; !ok || v != t.Value {
			return false
		}
	}
	return true
}
