package httpapi

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/sqlselect"
)

// ossSelectRequest is OSS's SelectRequest document (spec/oss select.md
// 2.3). Delimiters and the expression are base64.
type ossSelectRequest struct {
	XMLName            xml.Name
	Expression         string `xml:"Expression"`
	InputSerialization struct {
		CompressionType string `xml:"CompressionType"`
		CSV             struct {
			FileHeaderInfo   string `xml:"FileHeaderInfo"`
			RecordDelimiter  string `xml:"RecordDelimiter"`
			FieldDelimiter   string `xml:"FieldDelimiter"`
			QuoteCharacter   string `xml:"QuoteCharacter"`
			CommentCharacter string `xml:"CommentCharacter"`
			Range            string `xml:"Range"`
		} `xml:"CSV"`
		JSON struct {
			Type                    string `xml:"Type"`
			Range                   string `xml:"Range"`
			ParseJSONNumberAsString bool   `xml:"ParseJsonNumberAsString"`
		} `xml:"JSON"`
	} `xml:"InputSerialization"`
	OutputSerialization struct {
		CSV struct {
			RecordDelimiter string `xml:"RecordDelimiter"`
			FieldDelimiter  string `xml:"FieldDelimiter"`
		} `xml:"CSV"`
		JSON struct {
			RecordDelimiter string `xml:"RecordDelimiter"`
		} `xml:"JSON"`
		KeepAllColumns   bool  `xml:"KeepAllColumns"`
		OutputRawData    *bool `xml:"OutputRawData"`
		EnablePayloadCrc bool  `xml:"EnablePayloadCrc"`
		OutputHeader     bool  `xml:"OutputHeader"`
	} `xml:"OutputSerialization"`
	Options struct {
		SkipPartialDataRecord    bool   `xml:"SkipPartialDataRecord"`
		MaxSkippedRecordsAllowed string `xml:"MaxSkippedRecordsAllowed"`
	} `xml:"Options"`
}

// OSS frame types (spec/oss select.md 4).
const (
	ossFrameData = 8388609
	ossFrameEnd  = 8388613
)

// OSS's bounds on a JSON record: nesting and array elements.
const (
	ossMaxJSONDepth = 10
	ossMaxJSONArray = 5000
	// OSS's byte limits (select.md 6.3): a CSV row, a JSON node.
	ossMaxCSVRow   = 256 << 10
	ossMaxJSONNode = 512 << 10
)

// ossSelectJob is a parsed OSS SelectObject request.
type ossSelectJob struct {
	query *sqlselect.Query
	in    sqlselect.Input
	out   sqlselect.Output
	opts  sqlselect.RunOptions
	raw   bool   // OutputRawData: the body is the plain result
	crc   bool   // EnablePayloadCrc
	rng   string // Range: line-range=... or split-range=...; "" none
}

// ossSelectError is an OSS select request error (a code of select.md 9).
func ossSelectError(code, msg string) *Error {
	return &Error{Code: code, Status: http.StatusBadRequest, Message: msg}
}

// b64 decodes a base64 option of at most max bytes; "" stays "".
func b64(s string, max int, code, name string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) > max {
		return "", ossSelectError(code, "The "+name+" is not base64 or is longer than "+strconv.Itoa(max)+" characters.")
	}
	return string(b), nil
}

// parseOSSSelect decodes a SelectRequest for csv/select (jsonIn false) or
// json/select.
func parseOSSSelect(data []byte, jsonIn bool) (*ossSelectJob, error) {
	var req ossSelectRequest
	if xml.Unmarshal(data, &req) != nil || req.XMLName.Local != "SelectRequest" {
		return nil, errorf("MalformedXML", "")
	}
	sqlText, err := base64.StdEncoding.DecodeString(req.Expression)
	if err != nil || len(sqlText) == 0 {
		return nil, ossSelectError("InvalidSqlParameter", "The SQL expression is empty or not base64.")
	}
	job := &ossSelectJob{crc: req.OutputSerialization.EnablePayloadCrc}
	if r := req.OutputSerialization.OutputRawData; r != nil && *r {
		job.raw = true
		if job.crc {
			return nil, ossSelectError("InvalidOSSSelectParameters", "EnablePayloadCrc cannot be combined with OutputRawData.")
		}
	}
	is := req.InputSerialization
	switch strings.ToUpper(is.CompressionType) {
	case "", "NONE":
	case "GZIP":
		job.in.Compression = sqlselect.CompressionGZIP
	default:
		return nil, ossSelectError("UnsupportedCompressionFormat", "CompressionType must be None or GZIP.")
	}
	os := req.OutputSerialization
	if jsonIn {
		if job.rng = is.JSON.Range; job.rng != "" && !strings.EqualFold(is.JSON.Type, "LINES") {
			return nil, ossSelectError("InvalidRange", "A Range needs JSON Type LINES.")
		}
		job.in.JSON.NumbersAsText = is.JSON.ParseJSONNumberAsString
		job.in.Format = sqlselect.FormatJSON
		switch strings.ToUpper(is.JSON.Type) {
		case "", "DOCUMENT":
		case "LINES":
			job.in.JSON.Type = sqlselect.JSONLines
		default:
			return nil, ossSelectError("InvalidJsonType", "Type must be DOCUMENT or LINES.")
		}
		job.out.Format = sqlselect.OutputJSON
		if job.out.JSON.RecordDelimiter, err = b64(os.JSON.RecordDelimiter, 2, "InvalidOutputRecordDelimiter", "output RecordDelimiter"); err != nil {
			return nil, err
		}
	} else {
		c := is.CSV
		job.rng = c.Range
		job.in.Format = sqlselect.FormatCSV
		switch strings.ToUpper(c.FileHeaderInfo) {
		case "", "NONE":
		case "USE":
			job.in.CSV.FileHeaderInfo = sqlselect.HeaderUse
		case "IGNORE":
			job.in.CSV.FileHeaderInfo = sqlselect.HeaderIgnore
		default:
			return nil, ossSelectError("InvalidFileHeaderInfo", "FileHeaderInfo must be None, Ignore or Use.")
		}
		for _, f := range []struct {
			dst       *string
			src       string
			max       int
			code, elt string
		}{
			{&job.in.CSV.RecordDelimiter, c.RecordDelimiter, 2, "InvalidInputRecordDelimiter", "input RecordDelimiter"},
			{&job.in.CSV.FieldDelimiter, c.FieldDelimiter, 1, "InvalidInputFieldDelimiter", "input FieldDelimiter"},
			{&job.in.CSV.QuoteCharacter, c.QuoteCharacter, 1, "InvalidInputQuote", "QuoteCharacter"},
			{&job.in.CSV.Comments, c.CommentCharacter, 1, "InvalidCommentCharacter", "CommentCharacter"},
			{&job.out.CSV.RecordDelimiter, os.CSV.RecordDelimiter, 2, "InvalidOutputRecordDelimiter", "output RecordDelimiter"},
			{&job.out.CSV.FieldDelimiter, os.CSV.FieldDelimiter, 1, "InvalidOutputFieldDelimiter", "output FieldDelimiter"},
		} {
			if *f.dst, err = b64(f.src, f.max, f.code, f.elt); err != nil {
				return nil, err
			}
		}
		job.out.Format = sqlselect.OutputCSV
		job.out.CSV.KeepAllColumns = os.KeepAllColumns
		job.out.CSV.OutputHeader = os.OutputHeader
	}
	// OSS bounds every JSON record (select.md 6.3).
	job.opts.MaxNodeDepth, job.opts.MaxNodeArray = ossMaxJSONDepth, ossMaxJSONArray
	job.opts.MaxRecordSize = ossMaxCSVRow
	if jsonIn {
		job.opts.MaxRecordSize, job.opts.MaxDocumentSize = ossMaxJSONNode, ossMaxJSONNode
	}
	job.opts.SkipPartialDataRecord = req.Options.SkipPartialDataRecord
	if m := strings.TrimSpace(req.Options.MaxSkippedRecordsAllowed); m != "" {
		n, err := strconv.ParseInt(m, 10, 64)
		if err != nil || n < 0 {
			return nil, ossSelectError("InvalidMaxSkippedRecordsAllowed", "MaxSkippedRecordsAllowed must be an integer.")
		}
		job.opts.MaxSkippedRecordsAllowed = n
	}
	if job.query, err = sqlselect.ParseWith(string(sqlText), sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS}); err != nil {
		return nil, err
	}
	return job, nil
}

// ossSelectWire returns err as OSS writes it: sqlselect errors under
// their OSS code.
func ossSelectWire(err error, jsonIn bool) error {
	var sqe *sqlselect.Error
	if errors.As(err, &sqe) {
		code := sqe.OSSCode
		if jsonIn && errors.Is(err, sqlselect.ErrOverMaxRecordSize) {
			code = "JsonNodeExceedsMaxSize" // the same limit, named for JSON
		}
		return &Error{Code: code, Status: sqe.StatusCode, Message: sqe.Message, Err: err}
	}
	return err
}

// refuseProcess answers the image and document processing of OSS
// (GetObject with x-oss-process, ProcessObject), which osslite does not
// do: 501 once the object is found.
func (s *server) refuseProcess(rc *request) error {
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	if _, err := s.eng.HeadObjectVersion(rc.ctx, rc.op.Bucket, rc.op.Key, vid); err != nil {
		return rc.versionError(err, vid)
	}
	return errorf("NotImplemented", "Object processing (x-oss-process: image, video and document styles, sys/saveas) is not implemented.")
}

// selectObjectOSS serves OSS SelectObject (x-oss-process=csv/select or
// json/select): the result as data frames and an end frame (status 206),
// or, with OutputRawData, as the plain body.
func (s *server) selectObjectOSS(rc *request) error {
	var jsonIn bool
	switch p := rc.q.Get("x-oss-process"); p {
	case "csv/select":
	case "json/select":
		jsonIn = true
	default:
		return s.refuseProcess(rc)
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	job, err := parseOSSSelect(data, jsonIn)
	if err != nil {
		return ossSelectWire(err, jsonIn)
	}
	obj, err := s.eng.GetObject(rc.ctx, rc.op.Bucket, rc.op.Key, engine.GetOptions{})
	if derr := s.decideJudged(rc, err); derr != nil {
		return derr // an archived object's refusal tells of it (a link's: its target)
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
	src := sqlselect.Source{Reader: obj}
	if job.rng != "" {
		if err := s.applyOSSRange(rc, &job.in, job.rng, obj.Info); err != nil {
			return err
		}
		src = sqlselect.Source{ReaderAt: obj, Size: obj.Info.Size}
	}
	fw := &ossFrameWriter{rc: rc, raw: job.raw, crc: job.crc,
		dupKey: job.out.Format == sqlselect.OutputJSON && hasDuplicate(job.query.OutputNames())}
	job.opts.Clock = s.clock.Now
	job.opts.MaxWorkPerByte = max(s.cfg.SelectMaxWorkPerByte, 0)
	job.opts.Progress = func(st sqlselect.Stats) {
		fw.offset = st.BytesScanned
		_ = fw.flush.tick(fw.rc.w) // a failed write surfaces on the next frame
		// A long scan without results sends Continuous frames so the
		// client sees progress (not with payload CRCs: aliyun-oss-go-sdk
		// folds their payload into the next data frame's CRC).
		if !fw.raw && !fw.crc && fw.offset-fw.lastFrame >= continuousEvery {
			var p [8]byte
			binary.BigEndian.PutUint64(p[:], uint64(fw.offset))
			fw.frame(ossFrameContinuous, p[:])
		}
	}
	st, err := job.query.Run(rc.ctx, src, job.in, job.out, fw, &job.opts)
	if err != nil && !fw.started {
		return ossSelectWire(err, jsonIn)
	}
	if job.raw {
		if err != nil {
			// The body is plain data: cutting it short is all that is left.
			rc.aborted = true
			panic(http.ErrAbortHandler)
		}
		fw.start()
		return nil
	}
	status, msg := http.StatusPartialContent, ""
	if err != nil {
		e, _ := toError(ossSelectWire(err, jsonIn))
		status, msg = e.Status, e.Code+"."+e.Message
		rc.errCode = e.Code
	}
	payload := make([]byte, 20, 20+len(msg))
	binary.BigEndian.PutUint64(payload[0:], uint64(st.BytesScanned))
	binary.BigEndian.PutUint64(payload[8:], uint64(st.BytesScanned))
	binary.BigEndian.PutUint32(payload[16:], uint32(status))
	payload = append(payload, msg...)
	return fw.frame(ossFrameEnd, payload)
}

// ossFrameWriter writes each Write (whole records) as a data frame, or
// as is for raw output, starting the response with the first.
type ossFrameWriter struct {
	rc      *request
	raw     bool
	crc     bool
	started bool
	flush   streamFlush
	offset  int64 // scan position, from the Progress callback
	status  int   // response status; 0 is SelectObject's 206
	// dupKey: the JSON output repeats a member name (select s.key,
	// s.key), announced by x-oss-select-output-json-dup-key: true.
	dupKey bool
	// lastFrame is the scan position of the last frame written.
	lastFrame int64
}

// hasDuplicate reports whether a name occurs twice (OSS matches JSON keys
// case-sensitively).
func hasDuplicate(names []string) bool {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return true
		}
		seen[n] = true
	}
	return false
}

// continuousEvery is how much input a select scans without a frame
// before it sends a Continuous frame.
const continuousEvery = 32 << 20

func (fw *ossFrameWriter) start() {
	if fw.started {
		return
	}
	fw.started = true
	h := fw.rc.w.Header()
	status := fw.status
	if status == 0 {
		status = http.StatusPartialContent
		h.Set("x-oss-select-output-raw", strconv.FormatBool(fw.raw))
		if fw.dupKey {
			h.Set("x-oss-select-output-json-dup-key", "true")
		}
	}
	h.Set("Content-Type", "application/octet-stream")
	fw.rc.w.WriteHeader(status)
}

func (fw *ossFrameWriter) Write(p []byte) (int, error) {
	if fw.raw {
		fw.start()
		n, err := fw.rc.w.Write(p)
		if err == nil {
			err = fw.flush.wrote(fw.rc.w)
		}
		return n, err
	}
	payload := make([]byte, 8, 8+len(p))
	binary.BigEndian.PutUint64(payload, uint64(fw.offset))
	payload = append(payload, p...)
	if err := fw.frame(ossFrameData, payload); err != nil {
		return 0, err
	}
	return len(p), nil
}

// frame writes one frame: version 1 and type, payload length, header
// checksum 0, payload, payload CRC32 (0 unless EnablePayloadCrc).
func (fw *ossFrameWriter) frame(typ uint32, payload []byte) error {
	fw.start()
	fw.lastFrame = fw.offset
	var hdr [12]byte
	binary.BigEndian.PutUint32(hdr[0:], 1<<24|typ)
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(payload)))
	var sum [4]byte
	if fw.crc {
		binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(payload))
	}
	for _, b := range [][]byte{hdr[:], payload, sum[:]} {
		if _, err := fw.rc.w.Write(b); err != nil {
			return err
		}
	}
	return fw.flush.wrote(fw.rc.w)
}
