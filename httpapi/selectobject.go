package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/sqlselect"
)

// selectRequest is the SelectObjectContentRequest document. Pointers tell
// an absent element from an empty one.
type selectRequest struct {
	XMLName         xml.Name
	Expression      *string `xml:"Expression"`
	ExpressionType  *string `xml:"ExpressionType"`
	RequestProgress struct {
		Enabled bool `xml:"Enabled"`
	} `xml:"RequestProgress"`
	InputSerialization *struct {
		CompressionType string `xml:"CompressionType"`
		CSV             *struct {
			FileHeaderInfo             string  `xml:"FileHeaderInfo"`
			Comments                   *string `xml:"Comments"`
			QuoteEscapeCharacter       string  `xml:"QuoteEscapeCharacter"`
			RecordDelimiter            string  `xml:"RecordDelimiter"`
			FieldDelimiter             string  `xml:"FieldDelimiter"`
			QuoteCharacter             string  `xml:"QuoteCharacter"`
			AllowQuotedRecordDelimiter bool    `xml:"AllowQuotedRecordDelimiter"`
		} `xml:"CSV"`
		JSON *struct {
			Type string `xml:"Type"`
		} `xml:"JSON"`
		Parquet *struct{} `xml:"Parquet"`
	} `xml:"InputSerialization"`
	OutputSerialization *struct {
		CSV *struct {
			QuoteFields          string `xml:"QuoteFields"`
			QuoteEscapeCharacter string `xml:"QuoteEscapeCharacter"`
			RecordDelimiter      string `xml:"RecordDelimiter"`
			FieldDelimiter       string `xml:"FieldDelimiter"`
			QuoteCharacter       string `xml:"QuoteCharacter"`
		} `xml:"CSV"`
		JSON *struct {
			RecordDelimiter string `xml:"RecordDelimiter"`
		} `xml:"JSON"`
	} `xml:"OutputSerialization"`
	ScanRange *struct {
		Start *int64 `xml:"Start"`
		End   *int64 `xml:"End"`
	} `xml:"ScanRange"`
}

// selectJob is a parsed SelectObjectContent request.
type selectJob struct {
	query    *sqlselect.Query
	in       sqlselect.Input
	out      sqlselect.Output
	progress bool
}

// parseSelect decodes and validates a SelectObjectContentRequest. Its
// errors are sqlselect sentinels (toError maps them by their own code).
func parseSelect(data []byte) (*selectJob, error) {
	if len(data) == 0 {
		return nil, sqlselect.ErrEmptyRequestBody
	}
	var req selectRequest
	if xml.Unmarshal(data, &req) != nil || req.XMLName.Local != "SelectObjectContentRequest" {
		return nil, sqlselect.ErrMalformedXML
	}
	if req.Expression == nil || req.ExpressionType == nil || req.InputSerialization == nil || req.OutputSerialization == nil {
		return nil, sqlselect.ErrMissingRequiredParameter
	}
	if !strings.EqualFold(*req.ExpressionType, "SQL") {
		return nil, sqlselect.ErrInvalidExpressionType
	}
	job := &selectJob{progress: req.RequestProgress.Enabled}
	is := req.InputSerialization
	switch strings.ToUpper(is.CompressionType) {
	case "", "NONE":
	case "GZIP":
		job.in.Compression = sqlselect.CompressionGZIP
	case "BZIP2":
		job.in.Compression = sqlselect.CompressionBZIP2
	case "ZSTD":
		job.in.Compression = sqlselect.CompressionZSTD
	default:
		return nil, sqlselect.ErrInvalidCompressionFormat
	}
	formats := 0
	if is.CSV != nil {
		formats++
		c := is.CSV
		job.in.Format = sqlselect.FormatCSV
		switch strings.ToUpper(c.FileHeaderInfo) {
		case "", "NONE":
		case "USE":
			job.in.CSV.FileHeaderInfo = sqlselect.HeaderUse
		case "IGNORE":
			job.in.CSV.FileHeaderInfo = sqlselect.HeaderIgnore
		default:
			return nil, sqlselect.ErrInvalidFileHeaderInfo
		}
		job.in.CSV.Comments = "#" // S3's documented default
		if c.Comments != nil {
			job.in.CSV.Comments = *c.Comments
		}
		job.in.CSV.QuoteEscapeCharacter = c.QuoteEscapeCharacter
		job.in.CSV.RecordDelimiter = c.RecordDelimiter
		job.in.CSV.FieldDelimiter = c.FieldDelimiter
		job.in.CSV.QuoteCharacter = c.QuoteCharacter
		job.in.CSV.AllowQuotedRecordDelimiter = c.AllowQuotedRecordDelimiter
	}
	if is.JSON != nil {
		formats++
		job.in.Format = sqlselect.FormatJSON
		switch strings.ToUpper(is.JSON.Type) {
		case "", "DOCUMENT":
			job.in.JSON.Type = sqlselect.JSONDocument
		case "LINES":
			job.in.JSON.Type = sqlselect.JSONLines
		default:
			return nil, sqlselect.ErrInvalidJSONType
		}
	}
	if is.Parquet != nil {
		formats++
		job.in.Format = sqlselect.FormatParquet
	}
	switch {
	case formats == 0:
		return nil, sqlselect.ErrMissingRequiredParameter
	case formats > 1:
		return nil, sqlselect.ErrObjectSerializationConflict
	}
	os := req.OutputSerialization
	switch {
	case os.CSV != nil && os.JSON != nil:
		return nil, sqlselect.ErrObjectSerializationConflict
	case os.CSV != nil:
		c := os.CSV
		job.out.Format = sqlselect.OutputCSV
		switch strings.ToUpper(c.QuoteFields) {
		case "", "ASNEEDED":
		case "ALWAYS":
			job.out.CSV.QuoteFields = sqlselect.QuoteAlways
		default:
			return nil, sqlselect.ErrInvalidQuoteFields
		}
		job.out.CSV.QuoteEscapeCharacter = c.QuoteEscapeCharacter
		job.out.CSV.RecordDelimiter = c.RecordDelimiter
		job.out.CSV.FieldDelimiter = c.FieldDelimiter
		job.out.CSV.QuoteCharacter = c.QuoteCharacter
	case os.JSON != nil:
		job.out.Format = sqlselect.OutputJSON
		job.out.JSON.RecordDelimiter = os.JSON.RecordDelimiter
	default:
		return nil, sqlselect.ErrMissingRequiredParameter
	}
	if sr := req.ScanRange; sr != nil {
		if sr.Start == nil && sr.End == nil {
			// "This parameter is optional, but when specified, it must
			// not be empty" (SelectObjectContent, ScanRange).
			return nil, sqlselect.ErrInvalidScanRange
		}
		r := &sqlselect.ScanRange{}
		if sr.Start != nil {
			r.Start, r.HasStart = *sr.Start, true
		}
		if sr.End != nil {
			r.End, r.HasEnd = *sr.End, true
		}
		job.in.ScanRange = r
	}
	q, err := sqlselect.Parse(*req.Expression)
	if err != nil {
		return nil, err
	}
	job.query = q
	return job, nil
}

// selectRefusedClasses are the storage classes S3 Select does not query,
// restored or not: "You cannot query objects in the GLACIER, DEEP_ARCHIVE,
// or REDUCED_REDUNDANCY storage classes" (SelectObjectContent), answered
// 400 UnsupportedStorageClass (the SELECT Object Content error list).
// Archived INTELLIGENT_TIERING tiers keep GetObject's InvalidObjectState:
// the error's text names only storage classes.
var selectRefusedClasses = map[string]bool{"GLACIER": true, "DEEP_ARCHIVE": true, "REDUCED_REDUNDANCY": true}

// selectObjectContent serves SelectObjectContent: the query's output as an
// AWS event stream of Records, Progress (when asked for), Stats and End
// events. Errors before the first event are ordinary error responses;
// later ones are an error event.
func (s *server) selectObjectContent(rc *request) error {
	if _, ok := rc.r.Header["Range"]; ok {
		// "you cannot specify the range of bytes of an object to return"
		// (SelectObjectContent, GetObject support): a ScanRange does that.
		return sqlselect.ErrUnsupportedRangeHeader
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	job, err := parseSelect(data)
	if err != nil {
		return err
	}
	ckey, err := rc.readKey(false) // SSE-C objects are selected with their key
	if err != nil {
		return err
	}
	obj, err := s.eng.GetObject(rc.ctx, rc.op.Bucket, rc.op.Key, engine.GetOptions{CustomerKey: ckey})
	// The refusal of an archived object names its class: the object
	// judged (through a link, its target) is decided first.
	if derr := s.decideJudged(rc, err); derr != nil {
		return derr
	}
	var archived *engine.ArchivedError
	if errors.As(err, &archived) && selectRefusedClasses[archived.StorageClass] {
		return sqlselect.ErrUnsupportedStorageClass
	}
	if err != nil {
		return err
	}
	defer obj.Close()
	if err := s.recheckObject(rc, &obj.Info); err != nil {
		return err // overwritten since authorization: decided again, as a GET is
	}
	if err := s.canReadTarget(rc, &obj.Info); err != nil {
		return err
	}
	if selectRefusedClasses[obj.Info.StorageClass] {
		return sqlselect.ErrUnsupportedStorageClass
	}
	src := sqlselect.Source{Reader: obj}
	if job.in.Format == sqlselect.FormatParquet || job.in.ScanRange != nil {
		src = sqlselect.Source{ReaderAt: obj, Size: obj.Info.Size}
	}
	es := &eventStream{w: rc.w, enc: eventstream.NewEncoder()}
	opts := &sqlselect.RunOptions{Clock: s.clock.Now, MaxWorkPerByte: max(s.cfg.SelectMaxWorkPerByte, 0)}
	opts.Progress = func(st sqlselect.Stats) {
		es.scanned = st.BytesScanned
		// A failed write surfaces on the next Records event.
		_ = es.flush.tick(es.w)
		switch {
		case job.progress:
			_ = es.event("Progress", "text/xml", statsXML("Progress", st))
		case es.scanned-es.lastEvent >= continuousEvery:
			// A long scan without results keeps the connection alive.
			_ = es.event("Cont", "", nil)
		}
	}
	st, err := job.query.Run(rc.ctx, src, job.in, job.out, recordsWriter{es}, opts)
	rc.selected.scanned, rc.selected.returned = st.BytesScanned, st.BytesReturned
	if err != nil {
		if !es.started {
			return err
		}
		e, _ := toError(err)
		rc.errCode = e.Code
		return es.encode(eventstream.Message{Headers: eventstream.Headers{
			{Name: ":message-type", Value: eventstream.StringValue("error")},
			{Name: ":error-code", Value: eventstream.StringValue(e.Code)},
			{Name: ":error-message", Value: eventstream.StringValue(e.Message)},
		}})
	}
	if err := es.event("Stats", "text/xml", statsXML(`Stats xmlns=""`, st)); err != nil {
		return err
	}
	return es.event("End", "", nil)
}

// statsXML renders a Stats or Progress event payload.
//
// The Stats message's payload is <Stats xmlns=""> with no XML
// declaration, as S3 sends it (aws-sdk-rust's recorded
// select-object-content.json); Progress keeps the declaration, which no
// recording contradicts.
func statsXML(open string, st sqlselect.Stats) []byte {
	root, _, _ := strings.Cut(open, " ")
	var b strings.Builder
	if root == "Progress" {
		b.WriteString(xml.Header)
	}
	b.WriteString("<" + open + ">")
	for _, f := range []struct {
		name string
		n    int64
	}{{"BytesScanned", st.BytesScanned}, {"BytesProcessed", st.BytesProcessed}, {"BytesReturned", st.BytesReturned}} {
		b.WriteString("<" + f.name + ">" + strconv.FormatInt(f.n, 10) + "</" + f.name + ">")
	}
	b.WriteString("</" + root + ">")
	return []byte(b.String())
}

// eventStream writes AWS event-stream messages to a response, starting it
// (status 200) with the first one; flush sends them on.
type eventStream struct {
	w       *responseWriter
	enc     *eventstream.Encoder
	flush   streamFlush
	started bool
	// scanned is the query's scan position; lastEvent is where it was
	// when the last event was written.
	scanned, lastEvent int64
}

// event writes one `:message-type event` message.
func (es *eventStream) event(typ, contentType string, payload []byte) error {
	h := eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("event")},
		{Name: ":event-type", Value: eventstream.StringValue(typ)},
	}
	if contentType != "" {
		h = append(h, eventstream.Header{Name: ":content-type", Value: eventstream.StringValue(contentType)})
	}
	return es.encode(eventstream.Message{Headers: h, Payload: payload})
}

func (es *eventStream) encode(m eventstream.Message) error {
	es.lastEvent = es.scanned
	if !es.started {
		es.started = true
		es.w.Header().Set("Content-Type", "application/octet-stream")
		es.w.WriteHeader(http.StatusOK)
	}
	if err := es.enc.Encode(es.w, m); err != nil {
		return err
	}
	return es.flush.wrote(es.w)
}

// flushEvery is how long the events or frames of a select response may
// wait in the response's buffers before they are flushed.
const flushEvery = 50 * time.Millisecond

// streamFlush flushes a streamed select response at most every
// flushEvery, when a message is written or the scan reports progress, so
// a select that ends sooner goes out in one write when the handler
// returns (net/http flushes it then, and flushes any full buffer on its
// own). Flushing each message instead sends a small result in several
// segments, and a client that closes its connection as soon as the
// response starts (aws-sdk-go-v2's transport does, when the answer comes
// before it has finished sending the request: smithy-go closes the
// request body, and net/http's check that the body is spent then fails)
// loses the segments still on the way: "use of closed network
// connection" on about 1 in 25 selects on loopback.
type streamFlush struct {
	last    time.Time // the last flush, or when the stream started
	pending bool      // written since then
}

// wrote notes a message written to w and flushes if one is due.
func (f *streamFlush) wrote(w http.ResponseWriter) error {
	f.pending = true
	return f.tick(w)
}

// tick flushes w if a written message has waited flushEvery.
func (f *streamFlush) tick(w http.ResponseWriter) error {
	if !f.pending {
		return nil
	}
	now := time.Now()
	if f.last.IsZero() {
		f.last = now
		return nil
	}
	if now.Sub(f.last) < flushEvery {
		return nil
	}
	f.last, f.pending = now, false
	return http.NewResponseController(w).Flush()
}

// recordsWriter wraps each Write (whole records) in a Records event.
type recordsWriter struct{ es *eventStream }

func (r recordsWriter) Write(p []byte) (int, error) {
	if err := r.es.event("Records", "application/octet-stream", p); err != nil {
		return 0, err
	}
	return len(p), nil
}
