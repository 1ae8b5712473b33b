package httpapi

import (
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"slices"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Sets of configurations a bucket holds several of, each addressed as
// ?sub&id=ID (S3's request metrics, Intelligent-Tiering and analytics
// configurations; inventory has its own engine operations): Get, List
// (pages with a continuation token, the last ID answered) and the reading
// of a Put are the same for all, described by a configSetKind.

// configSetKind describes one such set: S is the stored set (a pointer to
// it implements bucketconfig.Config), C one configuration, X its
// document.
type configSetKind[S any, P interface {
	*S
	bucketconfig.Config
}, C idConfig, X any] struct {
	// what names the kind in messages, sub is its sub-resource.
	what, sub string
	kind      bucketconfig.Kind
	// root is one configuration's document, listRoot the List answer's;
	// page is how many a List answer holds (S3: 100).
	root, listRoot string
	page           int
	configs        func(P) []C
	render         func(*C) X
	parse          func([]byte) (C, error)
}

// idConfig is a configuration of such a set.
type idConfig interface {
	bucketconfig.MetricsConfiguration | bucketconfig.TieringConfiguration | bucketconfig.AnalyticsConfiguration
}

// configID is c's ID.
func configID[C idConfig](c *C) string {
	switch v := any(c).(type) {
	case *bucketconfig.MetricsConfiguration:
		return v.ID
	case *bucketconfig.TieringConfiguration:
		return v.ID
	case *bucketconfig.AnalyticsConfiguration:
		return v.ID
	}
	return ""
}

// id returns the configuration ID the request names (InvalidArgument when
// empty).
func (k *configSetKind[S, P, C, X]) id(rc *request) (string, error) {
	return configIDParam(rc, k.what, k.sub)
}

// list returns the bucket's configurations, sorted by ID (none when it
// has no set).
func (k *configSetKind[S, P, C, X]) list(s *server, rc *request) ([]C, error) {
	set, err := configOf[P](rc.ctx, s, rc.op.Bucket, k.kind)
	if err != nil || set == nil {
		return nil, err
	}
	return k.configs(set), nil
}

// get answers the Get of one configuration: NoSuchConfiguration when the
// bucket has none of that ID.
func (k *configSetKind[S, P, C, X]) get(s *server, rc *request) error {
	id, err := k.id(rc)
	if err != nil {
		return err
	}
	list, err := k.list(s, rc)
	if err != nil {
		return err
	}
	i, ok := slices.BinarySearchFunc(list, id, func(c C, id string) int { return cmp.Compare(configID(&c), id) })
	if !ok {
		return errorf("NoSuchConfiguration", "")
	}
	x := k.render(&list[i])
	return rc.d.writeDoc(rc.w, http.StatusOK, k.root, &x)
}

// idListDoc is a List answer (each X's element is named by its XMLName).
type idListDoc[X any] struct {
	XMLName               xml.Name
	IsTruncated           bool   `xml:"IsTruncated"`
	ContinuationToken     string `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string `xml:"NextContinuationToken,omitempty"`
	Configurations        []X
}

// listAll answers a List: up to page configurations after the
// continuation token.
func (k *configSetKind[S, P, C, X]) listAll(s *server, rc *request) error {
	list, err := k.list(s, rc)
	if err != nil {
		return err
	}
	token := rc.q.Get("continuation-token")
	got, next := idPageAfter(list, configID[C], token, k.page)
	out := &idListDoc[X]{ContinuationToken: token, IsTruncated: next != "", NextContinuationToken: next}
	for _, c := range got {
		out.Configurations = append(out.Configurations, k.render(c))
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, k.listRoot, out)
}

// readPut reads a Put's ID and document (MissingRequestBodyError when
// there is none; parse's errors as they are).
func (k *configSetKind[S, P, C, X]) readPut(s *server, rc *request) (string, C, error) {
	var zero C
	id, err := k.id(rc)
	if err != nil {
		return "", zero, err
	}
	data, err := rc.readDocument(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return "", zero, err
	}
	c, err := k.parse(data)
	return id, c, err
}

// configIDParam returns the id parameter naming one configuration of a
// set addressed as ?sub&id= (InvalidArgument when empty).
func configIDParam(rc *request, what, sub string) (string, error) {
	id := rc.q.Get("id")
	if id == "" {
		return "", errorf("InvalidArgument", "The %s configuration ID must be specified (?%s&id=ID).", what, sub).with("ArgumentName", "id")
	}
	return id, nil
}

// idSet is a bucket configuration holding configurations by ID
// (bucketconfig.Metrics, bucketconfig.IntelligentTiering), as a pointer
// to T.
type idSet[T any] interface {
	*T
	bucketconfig.Config
	// Without returns the set without configuration id, and whether it
	// was there.
	Without(id string) (*T, bool)
	// Len is the number of configurations.
	Len() int
}

// deleteFromIDSet removes configuration id from the bucket's set of kind:
// NoSuchConfiguration when it has none of that ID, and the set goes with
// its last configuration.
func deleteFromIDSet[T any, S idSet[T]](rc *request, s *server, kind bucketconfig.Kind, id string) error {
	return s.eng.UpdateBucketConfig(rc.ctx, rc.op.Bucket, kind, 0, func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		set, _ := cur.(S)
		if set == nil {
			return nil, errorf("NoSuchConfiguration", "")
		}
		rest, ok := set.Without(id)
		if !ok {
			return nil, errorf("NoSuchConfiguration", "")
		}
		if S(rest).Len() == 0 {
			return nil, nil
		}
		return S(rest), nil
	})
}

// configOf returns the bucket's configuration of kind, whose type is T
// (the zero T, nil, when the bucket has none).
func configOf[T bucketconfig.Config](ctx context.Context, s *server, bucket string, kind bucketconfig.Kind) (T, error) {
	var zero T
	c, err := s.eng.BucketConfigValue(ctx, bucket, kind)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return zero, nil
	}
	if err != nil {
		return zero, err
	}
	return c.(T), nil
}

// idPageAfter returns up to n elements of list (sorted by id) with IDs
// after token, and the token of the next page ("" when this is the last).
func idPageAfter[T any](list []T, id func(*T) string, token string, n int) (page []*T, next string) {
	i, _ := slices.BinarySearchFunc(list, token, func(c T, t string) int { return cmp.Compare(id(&c), t) })
	for ; i < len(list); i++ {
		c := &list[i]
		if token != "" && id(c) <= token {
			continue
		}
		if len(page) == n {
			return page, id(page[len(page)-1])
		}
		page = append(page, c)
	}
	return page, ""
}
