package metaquery

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Aggregation asks for one statistic of the matching files' field: min,
// max, sum, average (numbers), count, distinct or group.
type Aggregation struct{ Field, Operation string }

// Group is one value of a group aggregation and how many files have it.
type Group struct {
	Value string
	Count int64
}

// AggregationResult is an aggregation's answer: Value, or Groups for
// group.
type AggregationResult struct {
	Field, Operation string
	Value            float64
	Groups           []Group
}

// Request is one DoMetaQuery: the query, the order, the page and the
// aggregations.
type Request struct {
	Query *Query
	// Sort names the field to order by ("": Filename); Order is asc or
	// desc ("": desc, OSS's default).
	Sort, Order string
	// MaxResults is the page size (0: MaxResults).
	MaxResults int
	// NextToken continues a listing a previous page cut off.
	NextToken    string
	Aggregations []Aggregation
}

// Search is a running query: Add every file, then Result.
type Search struct {
	req   Request
	sort  field
	desc  bool
	after *position // the token's position: files up to it were returned
	max   int
	best  []ranked // the first max+1 files after the token, in order
	aggs  []*aggregator
	// kept is what the aggregations' distinct values hold, in bytes
	// (MaxDistinctBytes); err is set once it is exceeded.
	kept int64
	err  error
}

// position is a file's place in the order: its sort value and name.
type position struct {
	v    value
	name string
}

// ranked is a kept file and its position, computed once.
type ranked struct {
	f   *File
	pos position
}

// token is the NextToken's JSON inside base64.
type token struct {
	Sort  string `json:"s"`
	Order string `json:"o"`
	Value string `json:"v"`
	Name  string `json:"f"`
}

// New validates a request and starts its search.
func New(req Request) (*Search, error) {
	s := &Search{req: req, max: req.MaxResults}
	switch {
	case s.max < 0 || s.max > MaxResults:
		return nil, fmt.Errorf("%w: MaxResults must be 0 to %d", ErrInvalid, MaxResults)
	case s.max == 0:
		s.max = MaxResults
	}
	name := req.Sort
	if name == "" {
		name = "Filename"
	}
	var err error
	if s.sort, err = lookupField(name); err != nil {
		return nil, err
	}
	if !s.sort.spec.sort {
		return nil, fmt.Errorf("%w: the field %s cannot sort", ErrInvalid, name)
	}
	switch req.Order {
	case "", "desc":
		s.desc = true
	case "asc":
	default:
		return nil, fmt.Errorf("%w: Order must be asc or desc, not %q", ErrInvalid, req.Order)
	}
	if req.NextToken != "" {
		if s.after, err = s.parseToken(req.NextToken); err != nil {
			return nil, err
		}
	}
	if len(req.Aggregations) > MaxAggregations {
		return nil, fmt.Errorf("%w: more than %d aggregations", ErrInvalid, MaxAggregations)
	}
	for _, a := range req.Aggregations {
		ag, err := newAggregator(a)
		if err != nil {
			return nil, err
		}
		s.aggs = append(s.aggs, ag)
	}
	return s, nil
}

func (s *Search) parseToken(t string) (*position, error) {
	bad := fmt.Errorf("%w: the NextToken is not one this query returned", ErrInvalid)
	raw, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return nil, bad
	}
	var tk token
	if json.Unmarshal(raw, &tk) != nil || tk.Sort != s.sort.name || tk.Order != s.orderName() {
		return nil, bad
	}
	v, err := s.sort.parseValue(tk.Value)
	if err != nil {
		return nil, bad
	}
	return &position{v: v, name: tk.Name}, nil
}

func (s *Search) orderName() string {
	if s.desc {
		return "desc"
	}
	return "asc"
}

func (s *Search) positionOf(f *File) position {
	v, _ := s.sort.get(f)
	return position{v: v, name: f.Filename}
}

// cmpPos orders two positions: by the sort field in the order asked,
// then by name, ascending, so that the order is total.
func (s *Search) cmpPos(a, b position) int {
	c := s.sort.compare(a.v, b.v)
	if s.desc {
		c = -c
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}

// Add considers one file. The search keeps a copy of the File when it
// needs one, but shares its Tags and UserMeta: do not modify those.
func (s *Search) Add(f *File) {
	if s.err != nil || !s.req.Query.Match(f) {
		return
	}
	for _, ag := range s.aggs {
		s.kept += ag.add(f)
	}
	if s.kept > MaxDistinctBytes {
		s.err = fmt.Errorf("%w: the distinct and group aggregations would keep more than %d bytes of distinct values", ErrInvalid, MaxDistinctBytes)
		for _, ag := range s.aggs {
			ag.counts = nil // let them go
		}
		return
	}
	if len(s.aggs) > 0 {
		return // OSS answers aggregations without files
	}
	p := s.positionOf(f)
	if s.after != nil && s.cmpPos(p, *s.after) <= 0 {
		return
	}
	if len(s.best) > s.max && s.cmpPos(p, s.best[len(s.best)-1].pos) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(s.best, p, func(e ranked, p position) int { return s.cmpPos(e.pos, p) })
	c := *f
	s.best = slices.Insert(s.best, i, ranked{&c, p})
	if len(s.best) > s.max+1 {
		s.best = s.best[:s.max+1]
	}
}

// Err reports a search that went past a limit as files were added
// (MaxDistinctBytes): its result is not to be used. Add does nothing more
// after it.
func (s *Search) Err() error { return s.err }

// ListingOrder reports whether the page is in the order a listing
// delivers files (Filename ascending) with no aggregations: then Add may
// stop being called once Full, and the listing may start after
// StartAfter.
func (s *Search) ListingOrder() bool {
	return s.sort.name == "Filename" && !s.desc && len(s.aggs) == 0
}

// Full reports whether the search holds a page and one more file (so in
// listing order, no later file can enter the page).
func (s *Search) Full() bool { return len(s.best) > s.max }

// StartAfter is the name of the last file the NextToken covered ("" for
// the first page).
func (s *Search) StartAfter() string {
	if s.after == nil {
		return ""
	}
	return s.after.name
}

// Result returns the page, the token of the next one ("" when this is
// the last) and the aggregations.
func (s *Search) Result() (files []*File, next string, aggs []AggregationResult) {
	for _, ag := range s.aggs {
		aggs = append(aggs, ag.result())
	}
	page := s.best
	if len(page) > s.max {
		page = page[:s.max]
		last := page[len(page)-1].pos
		raw, _ := json.Marshal(token{Sort: s.sort.name, Order: s.orderName(), Value: s.sort.format(last.v), Name: last.name})
		next = base64.RawURLEncoding.EncodeToString(raw)
	}
	for _, r := range page {
		files = append(files, r.f)
	}
	return files, next, aggs
}

// aggregator accumulates one aggregation.
type aggregator struct {
	a        Aggregation
	field    field
	n        int64
	sum      float64
	min, max float64
	counts   map[string]int64 // distinct, group
}

func newAggregator(a Aggregation) (*aggregator, error) {
	fd, err := lookupField(a.Field)
	if err != nil {
		return nil, err
	}
	ag := &aggregator{a: a, field: fd}
	switch a.Operation {
	case "min", "max", "sum", "average":
		if !fd.spec.numAgg {
			return nil, fmt.Errorf("%w: the field %s does not support %s", ErrInvalid, fd.name, a.Operation)
		}
	case "count", "distinct", "group":
		if !fd.spec.cntAgg {
			return nil, fmt.Errorf("%w: the field %s does not support %s", ErrInvalid, fd.name, a.Operation)
		}
		if a.Operation != "count" {
			ag.counts = map[string]int64{}
		}
	default:
		return nil, fmt.Errorf("%w: unknown aggregation %q", ErrInvalid, a.Operation)
	}
	return ag, nil
}

// add counts f, and returns the bytes a new distinct value it keeps
// costs (0 when it keeps none).
func (ag *aggregator) add(f *File) (kept int64) {
	v, ok := ag.field.get(f)
	if !ok {
		return 0
	}
	if ag.n == 0 || v.n < ag.min {
		ag.min = v.n
	}
	if ag.n == 0 || v.n > ag.max {
		ag.max = v.n
	}
	ag.n++
	ag.sum += v.n
	if ag.counts != nil {
		k := ag.field.format(v)
		if _, seen := ag.counts[k]; !seen {
			kept = int64(len(k)) + distinctOverhead
		}
		ag.counts[k]++
	}
	return kept
}

func (ag *aggregator) result() AggregationResult {
	r := AggregationResult{Field: ag.a.Field, Operation: ag.a.Operation}
	switch ag.a.Operation {
	case "min":
		r.Value = ag.min
	case "max":
		r.Value = ag.max
	case "sum":
		r.Value = ag.sum
	case "average":
		if ag.n > 0 {
			r.Value = ag.sum / float64(ag.n)
		}
	case "count":
		r.Value = float64(ag.n)
	case "distinct":
		r.Value = float64(len(ag.counts))
	case "group":
		for v, c := range ag.counts {
			r.Groups = append(r.Groups, Group{Value: v, Count: c})
		}
		slices.SortFunc(r.Groups, func(a, b Group) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		if len(r.Groups) > MaxGroups {
			r.Groups = r.Groups[:MaxGroups]
		}
	}
	return r
}
