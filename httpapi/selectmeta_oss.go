package httpapi

import (
	"encoding/binary"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/sqlselect"
)

// OSS CreateSelectObjectMeta (spec/oss select.md 5): scan a CSV or JSON
// LINES object once, store its record count, column count and split
// points beside it (an engine annotation bound to the object's body), and
// let later SelectObject requests address a line-range or split-range.

// selectMetaAnnotation is the engine annotation holding the select meta.
const selectMetaAnnotation = "oss-select-meta"

// OSS meta frame types.
const (
	ossFrameContinuous  = 8388612
	ossFrameMetaEndCSV  = 8388614
	ossFrameMetaEndJSON = 8388615
)

// metaProgressInterval spaces the Continuous frames of a long scan; a
// scan shorter than this answers errors with a plain error document.
const metaProgressInterval = 64 << 20

// ossMetaRequest is CsvMetaRequest or JsonMetaRequest.
type ossMetaRequest struct {
	XMLName            xml.Name
	InputSerialization struct {
		CompressionType string `xml:"CompressionType"`
		CSV             struct {
			RecordDelimiter string `xml:"RecordDelimiter"`
			FieldDelimiter  string `xml:"FieldDelimiter"`
			QuoteCharacter  string `xml:"QuoteCharacter"`
		} `xml:"CSV"`
		JSON struct {
			Type string `xml:"Type"`
		} `xml:"JSON"`
	} `xml:"InputSerialization"`
	// The SDKs send OverwriteIfExists; the documentation's examples
	// OverwriteIfExisting.
	OverwriteIfExists   bool `xml:"OverwriteIfExists"`
	OverwriteIfExisting bool `xml:"OverwriteIfExisting"`
}

// parseOSSMeta decodes a meta request into the input it describes and
// whether an existing meta is to be recomputed.
func parseOSSMeta(data []byte, jsonIn bool) (sqlselect.Input, bool, error) {
	var req ossMetaRequest
	root := "CsvMetaRequest"
	if jsonIn {
		root = "JsonMetaRequest"
	}
	if xml.Unmarshal(data, &req) != nil || req.XMLName.Local != root {
		return sqlselect.Input{}, false, errorf("MalformedXML", "")
	}
	is := req.InputSerialization
	switch strings.ToUpper(is.CompressionType) {
	case "", "NONE":
	default:
		return sqlselect.Input{}, false, ossSelectError("UnsupportedCompressionFormat", "CreateSelectObjectMeta reads uncompressed objects only: CompressionType must be None.")
	}
	in := sqlselect.Input{Format: sqlselect.FormatCSV}
	if jsonIn {
		if t := strings.ToUpper(is.JSON.Type); t != "" && t != "LINES" {
			return sqlselect.Input{}, false, ossSelectError("InvalidJsonType", "CreateSelectObjectMeta reads JSON LINES objects only: Type must be LINES.")
		}
		in.Format = sqlselect.FormatJSON
		in.JSON.Type = sqlselect.JSONLines
	} else {
		var err error
		c := is.CSV
		for _, f := range []struct {
			dst       *string
			src       string
			max       int
			code, elt string
		}{
			{&in.CSV.RecordDelimiter, c.RecordDelimiter, 2, "InvalidInputRecordDelimiter", "input RecordDelimiter"},
			{&in.CSV.FieldDelimiter, c.FieldDelimiter, 1, "InvalidInputFieldDelimiter", "input FieldDelimiter"},
			{&in.CSV.QuoteCharacter, c.QuoteCharacter, 1, "InvalidInputQuote", "QuoteCharacter"},
		} {
			if *f.dst, err = b64(f.src, f.max, f.code, f.elt); err != nil {
				return sqlselect.Input{}, false, err
			}
		}
	}
	return in, req.OverwriteIfExists || req.OverwriteIfExisting, nil
}

// createSelectMetaOSS serves CreateSelectObjectMeta: Continuous frames
// while a long scan runs, then one Meta End frame.
func (s *server) createSelectMetaOSS(rc *request) error {
	jsonIn := rc.q.Get("x-oss-process") == "json/meta"
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	in, overwrite, err := parseOSSMeta(data, jsonIn)
	if err != nil {
		return err
	}
	obj, err := s.eng.GetObject(rc.ctx, rc.op.Bucket, rc.op.Key, engine.GetOptions{})
	if err != nil {
		return s.readFailure(rc, rc.op.Key, err) // missing, archived (a link: its target): told only to who may read it
	}
	defer obj.Close()
	// The route takes oss:PutObject (Alibaba's documented permission);
	// the sizes, rows and columns answered are read from the data, so
	// the caller must also be able to read the object opened. A caller
	// who may write an OSS bucket may read its objects (public-read-write,
	// or its owner's OSS- and Sina-written ones): only S3 grants and
	// S3-written objects are refused here.
	if err := s.canReadObject(rc, rc.op.Key, &obj.Info); err != nil {
		return err
	}
	if err := s.canReadTarget(rc, &obj.Info); err != nil {
		return err
	}
	fw := &ossFrameWriter{rc: rc, status: http.StatusOK}
	var m sqlselect.Meta
	have := false
	if !overwrite {
		m, have = s.selectMeta(rc, obj.Info)
		have = have && m.Format == in.Format
	}
	if !have {
		maxRecord := ossMaxCSVRow
		if jsonIn {
			maxRecord = ossMaxJSONNode
		}
		m, err = sqlselect.ScanMeta(rc.ctx, obj, in, sqlselect.MetaOptions{
			Size:             obj.Info.Size,
			MaxRecordSize:    maxRecord,
			ProgressInterval: metaProgressInterval,
			Progress: func(n int64) {
				var p [8]byte
				binary.BigEndian.PutUint64(p[:], uint64(n))
				fw.frame(ossFrameContinuous, p[:])
			},
		})
		if err == nil {
			var enc []byte
			enc, _ = m.MarshalBinary()
			err = s.eng.PutAnnotation(rc.ctx, rc.op.Bucket, rc.op.Key, selectMetaAnnotation, obj.Info, enc)
		}
		if err != nil && !fw.started {
			return ossSelectWire(err, jsonIn)
		}
	}
	status, msg := http.StatusOK, ""
	if err != nil {
		e, _ := toError(ossSelectWire(err, jsonIn))
		status, msg = e.Status, e.Code+"."+e.Message
		rc.errCode = e.Code
	}
	typ := uint32(ossFrameMetaEndCSV)
	if jsonIn {
		typ = ossFrameMetaEndJSON
	}
	p := make([]byte, 0, 36+len(msg))
	p = binary.BigEndian.AppendUint64(p, uint64(obj.Info.Size))
	p = binary.BigEndian.AppendUint64(p, uint64(obj.Info.Size))
	p = binary.BigEndian.AppendUint32(p, uint32(status))
	p = binary.BigEndian.AppendUint32(p, uint32(len(m.Splits)))
	p = binary.BigEndian.AppendUint64(p, uint64(m.Rows))
	if !jsonIn {
		p = binary.BigEndian.AppendUint32(p, uint32(m.Cols))
	}
	return fw.frame(typ, append(p, msg...))
}

// selectMeta returns the stored select meta of the object whose current
// state is info.
func (s *server) selectMeta(rc *request, info engine.ObjectInfo) (sqlselect.Meta, bool) {
	b, err := s.eng.Annotation(rc.ctx, rc.op.Bucket, rc.op.Key, selectMetaAnnotation, info)
	if err != nil {
		return sqlselect.Meta{}, false
	}
	var m sqlselect.Meta
	if m.UnmarshalBinary(b) != nil {
		return sqlselect.Meta{}, false
	}
	return m, true
}

// ossRange is a parsed SelectObject Range: line-range or split-range,
// HTTP Range syntax (first-last, first-, -count).
type ossRange struct {
	split       bool
	first, last int64 // last -1: to the end
	suffix      int64 // -count form: the last count; 0 otherwise
}

func parseOSSRange(v string) (ossRange, error) {
	bad := ossSelectError("InvalidRange", "Range must be line-range=<first>-<last> or split-range=<first>-<last>.")
	var r ossRange
	switch {
	case strings.HasPrefix(v, "line-range="):
		v = v[len("line-range="):]
	case strings.HasPrefix(v, "split-range="):
		v, r.split = v[len("split-range="):], true
	default:
		return r, bad
	}
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		return r, bad
	}
	num := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0 && s[0] != '+'
	}
	switch {
	case a == "" && b != "":
		n, ok := num(b)
		if !ok || n == 0 {
			return r, bad
		}
		r.suffix = n
	case a != "":
		if r.first, ok = num(a); !ok {
			return r, bad
		}
		r.last = -1
		if b != "" {
			if r.last, ok = num(b); !ok || r.last < r.first {
				return r, bad
			}
		}
	default:
		return r, bad
	}
	return r, nil
}

// applyOSSRange restricts in to the range, using the object's stored
// select meta.
func (s *server) applyOSSRange(rc *request, in *sqlselect.Input, rng string, info engine.ObjectInfo) error {
	r, err := parseOSSRange(rng)
	if err != nil {
		return err
	}
	m, ok := s.selectMeta(rc, info)
	if !ok || m.Format != in.Format {
		return ossSelectError("SelectCsvMetaUnavailable", "The Range needs the object's select meta: call CreateSelectObjectMeta first (the object has none, or it changed since).")
	}
	count := m.Rows
	if r.split {
		count = int64(len(m.Splits))
	}
	first, last := r.first, r.last
	if r.suffix > 0 {
		first, last = max(count-r.suffix, 0), count-1
	} else if last < 0 {
		last = count - 1
	}
	if r.split {
		in.ScanRange, err = m.SplitRange(first, last)
	} else {
		in.Lines, err = m.LineRange(first, last)
	}
	var sqe *sqlselect.Error
	if errors.As(err, &sqe) {
		return ossSelectError("InvalidRange", "The Range "+rng+" is outside the object's "+strconv.FormatInt(count, 10)+" "+map[bool]string{true: "splits", false: "lines"}[r.split]+".")
	}
	return err
}
