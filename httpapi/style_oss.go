package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS image styles (PutStyle, GetStyle, ListStyle, DeleteStyle on
// ?style[&styleName=]): named processing parameters stored with the
// bucket (bucketconfig.Styles). GetObject and ProcessObject apply them
// (x-oss-process=style/<name>, imgproc_oss.go).

// styleDoc is one style in OSS's documents.
type styleDoc struct {
	XMLName        xml.Name `xml:"Style"`
	Name           string   `xml:"Name,omitempty"`
	Content        string   `xml:"Content"`
	Category       string   `xml:"Category,omitempty"`
	CreateTime     string   `xml:"CreateTime,omitempty"`
	LastModifyTime string   `xml:"LastModifyTime,omitempty"`
}

// styleListDoc is ListStyle's result.
type styleListDoc struct {
	XMLName xml.Name
	Styles  []styleDoc `xml:"Style"`
}

// stylesMu serializes the read-modify-write of a bucket's styles.
var stylesMu sync.Mutex

func (s *server) styles(rc *request) (*bucketconfig.Styles, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindStyles)
	switch {
	case errors.Is(err, engine.ErrNoSuchConfig):
		return &bucketconfig.Styles{}, nil
	case err != nil:
		return nil, err
	}
	return c.(*bucketconfig.Styles), nil
}

func styleName(rc *request) (string, error) {
	name := rc.q.Get("styleName")
	if !bucketconfig.ValidStyleName(name) {
		return "", errorf("InvalidArgument", "The style name must be 1 to 64 letters, digits, '-', '_' or '.'.").with("ArgumentName", "styleName").with("ArgumentValue", name)
	}
	return name, nil
}

// styleIndex returns the position of the style name (-1: none).
func styleIndex(s *bucketconfig.Styles, name string) int {
	return slices.IndexFunc(s.List, func(st bucketconfig.Style) bool { return st.Name == name })
}

func renderStyle(st bucketconfig.Style) styleDoc {
	return styleDoc{Name: st.Name, Content: st.Content, Category: st.Category,
		CreateTime: st.Created.UTC().Format(http.TimeFormat), LastModifyTime: st.Modified.UTC().Format(http.TimeFormat)}
}

func (s *server) putStyle(rc *request) error {
	name, err := styleName(rc)
	if err != nil {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc styleDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return err
	}
	category := rc.q.Get("category")
	switch category {
	case "", "image", "document", "video":
	default:
		return errorf("InvalidArgument", "The style category must be image, document or video.").with("ArgumentName", "category").with("ArgumentValue", category)
	}
	content := strings.TrimSpace(doc.Content)
	if content == "" || len(content) > 4096 {
		return errorf("InvalidArgument", "The style content must be 1 to 4096 bytes.")
	}
	stylesMu.Lock()
	defer stylesMu.Unlock()
	cur, err := s.styles(rc)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	next := &bucketconfig.Styles{List: slices.Clone(cur.List)}
	if i := styleIndex(next, name); i >= 0 {
		next.List[i].Content, next.List[i].Category, next.List[i].Modified = content, category, now
	} else {
		if len(next.List) >= bucketconfig.MaxStyles {
			return errorf("TooManyStyles", "")
		}
		next.List = append(next.List, bucketconfig.Style{Name: name, Category: category, Content: content, Created: now, Modified: now})
	}
	if err := s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, next); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) getStyle(rc *request) error {
	name, err := styleName(rc)
	if err != nil {
		return err
	}
	cur, err := s.styles(rc)
	if err != nil {
		return err
	}
	i := styleIndex(cur, name)
	if i < 0 {
		return errorf("NoSuchStyle", "")
	}
	d := renderStyle(cur.List[i])
	return rc.d.writeDoc(rc.w, http.StatusOK, "Style", &d)
}

func (s *server) listStyle(rc *request) error {
	cur, err := s.styles(rc)
	if err != nil {
		return err
	}
	doc := &styleListDoc{Styles: []styleDoc{}}
	for _, st := range cur.List {
		doc.Styles = append(doc.Styles, renderStyle(st))
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "StyleList", doc)
}

func (s *server) deleteStyle(rc *request) error {
	name, err := styleName(rc)
	if err != nil {
		return err
	}
	stylesMu.Lock()
	defer stylesMu.Unlock()
	cur, err := s.styles(rc)
	if err != nil {
		return err
	}
	if i := styleIndex(cur, name); i >= 0 {
		next := &bucketconfig.Styles{List: slices.Delete(slices.Clone(cur.List), i, i+1)}
		if len(next.List) == 0 {
			err = s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(bucketconfig.KindStyles))
		} else {
			err = s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, next)
		}
		if err != nil {
			return err
		}
	}
	return writeEmpty(rc, http.StatusNoContent)
}
