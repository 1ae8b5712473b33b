package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi/internal/imgproc"
)

// OSS image processing: GetObject with x-oss-process=image/... (or
// style/<name>, a stored style's chain) answers the processed image, and
// ProcessObject (POST ?x-oss-process, body
// "x-oss-process=<chain>|sys/saveas,o_<key>,b_<bucket>") stores it as an
// object (httpapi/internal/imgproc does the pixels). Video and document
// processing stay 501. The whole source is read into memory (at most
// imgproc.MaxSourceSize, as OSS's 20 MB), and at most imageWorkers
// images are processed at once.

// imageWorkers bounds the images processed at once: each may hold a
// decoded image of up to 200 MB.
const imageWorkers = 2

var imageSlots = make(chan struct{}, imageWorkers)

// imageChain resolves a process string (image/... or style/<name>) of the
// request's bucket into a chain; other processing is NotImplemented.
func (s *server) imageChain(rc *request, process string) (*imgproc.Pipeline, error) {
	if name, ok := strings.CutPrefix(process, "style/"); ok {
		styles, err := s.styles(rc)
		if err != nil {
			return nil, err
		}
		i := styleIndex(styles, name)
		if i < 0 {
			return nil, errorf("NoSuchStyle", "")
		}
		process = styles.List[i].Content
	}
	p, err := imgproc.Parse(process)
	if err != nil {
		return nil, imageError(err)
	}
	return p, nil
}

// imageError is an imgproc refusal as an OSS error.
func imageError(err error) error {
	var ie *imgproc.Error
	if !errors.As(err, &ie) {
		return err
	}
	status := http.StatusBadRequest
	if ie.NotImplemented {
		status = http.StatusNotImplemented
	}
	return &Error{Code: ie.Code, Status: status, Message: ie.Message, ec: ie.EC, verbatim: true}
}

// processImage reads the object the request names (its version, with its
// customer key) and applies p to it.
func (s *server) processImage(rc *request, p *imgproc.Pipeline) (imgproc.Result, engine.ObjectInfo, error) {
	vid, err := rc.versionID()
	if err != nil {
		return imgproc.Result{}, engine.ObjectInfo{}, err
	}
	opts := engine.GetOptions{VersionID: vid}
	if opts.CustomerKey, err = rc.readKey(false); err != nil {
		return imgproc.Result{}, engine.ObjectInfo{}, err
	}
	// A request waiting for a worker holds nothing of the store.
	select {
	case imageSlots <- struct{}{}:
		defer func() { <-imageSlots }()
	case <-rc.ctx.Done():
		return imgproc.Result{}, engine.ObjectInfo{}, context.Cause(rc.ctx)
	}
	obj, err := s.eng.GetObject(rc.ctx, rc.op.Bucket, rc.op.Key, opts)
	if derr := s.decideJudged(rc, err); derr != nil {
		return imgproc.Result{}, engine.ObjectInfo{}, derr // an archived object's refusal tells of it (a link's: its target)
	}
	if err != nil {
		return imgproc.Result{}, engine.ObjectInfo{}, rc.versionError(err, vid)
	}
	defer obj.Close()
	if err := s.recheckObject(rc, &obj.Info); err != nil {
		// Overwritten since authorization (a request may wait for a
		// worker in between): decided again, as a GET is.
		return imgproc.Result{}, engine.ObjectInfo{}, err
	}
	if err := s.canReadTarget(rc, &obj.Info); err != nil {
		return imgproc.Result{}, obj.Info, err
	}
	if obj.Info.Size > imgproc.MaxSourceSize {
		return imgproc.Result{}, obj.Info, errorf("ImageTooLarge", "The image is %d bytes: at most %d are processed.", obj.Info.Size, imgproc.MaxSourceSize)
	}
	src, err := io.ReadAll(io.LimitReader(obj, imgproc.MaxSourceSize+1))
	if err != nil {
		return imgproc.Result{}, obj.Info, err
	}
	p.Load = func(key string) ([]byte, error) { return s.readWatermark(rc, key) }
	res, err := p.Apply(src)
	return res, obj.Info, imageError(err)
}

// readWatermark reads a watermark's image: an object of the request's
// bucket (OSS: the same bucket) the principal may read (else a private
// object could be read through a public one's watermark), at most
// imgproc.MaxSourceSize. The read is decided before the open (a missing
// key is told only to whoever may read it) and again on the object
// opened (canReadObject, and its target for a link): one written over
// the key in between is never drawn under a decision made for another.
// An archived object's refusal is decided alike on the object it judged.
func (s *server) readWatermark(rc *request, key string) ([]byte, error) {
	if err := s.canRead(rc, rc.op.Bucket, key, ""); err != nil {
		return nil, err
	}
	obj, err := s.eng.GetObject(rc.ctx, rc.op.Bucket, key, engine.GetOptions{})
	if derr := s.decideJudgedAt(rc, key, err); derr != nil {
		return nil, derr // archived: told only to who may read it (a link: its target)
	}
	if errors.Is(err, engine.ErrNoSuchKey) || errors.Is(err, engine.ErrInvalidKey) {
		return nil, imgproc.ErrNoWatermark
	}
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	if err := s.canReadObject(rc, key, &obj.Info); err != nil {
		return nil, err
	}
	if err := s.canReadTarget(rc, &obj.Info); err != nil {
		return nil, err
	}
	if obj.Info.Size > imgproc.MaxSourceSize {
		return nil, errorf("WatermarkError", "The watermark image is larger than %d bytes.", imgproc.MaxSourceSize)
	}
	var b bytes.Buffer
	b.Grow(int(obj.Info.Size))
	// The size checked above is the record's; the read is held to it.
	if _, err := b.ReadFrom(io.LimitReader(obj, imgproc.MaxSourceSize+1)); err != nil {
		return nil, err
	}
	if b.Len() > imgproc.MaxSourceSize {
		return nil, errorf("WatermarkError", "The watermark image is larger than %d bytes.", imgproc.MaxSourceSize)
	}
	return b.Bytes(), nil
}

// getObjectWithProcess serves GetObject with x-oss-process.
func (s *server) getObjectWithProcess(rc *request) error {
	process := rc.q.Get("x-oss-process")
	if !strings.HasPrefix(process, "image/") && !strings.HasPrefix(process, "style/") {
		return s.refuseProcess(rc)
	}
	p, err := s.imageChain(rc, process)
	if err != nil {
		return err
	}
	res, info, err := s.processImage(rc, p)
	if err != nil {
		return err
	}
	h := rc.w.Header()
	h.Set("Content-Type", res.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(res.Body)))
	h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	rc.w.WriteHeader(http.StatusOK)
	s.writeImage(rc, res.Body)
	return nil
}

// writeImage writes a processed image after its headers; a client that
// went away meanwhile is not the server's error.
func (s *server) writeImage(rc *request, body []byte) {
	if _, err := rc.w.Write(body); err != nil {
		s.logClientGone(rc, err)
	}
}

// processObjectResult is ProcessObject's JSON answer.
type processObjectResult struct {
	Bucket   string `json:"bucket"`
	FileSize int    `json:"fileSize"`
	Object   string `json:"object"`
	Status   string `json:"status"`
}

// processObject serves ProcessObject: the chain's result stored as
// sys/saveas names it (o_ the key, b_ the bucket, both URL-safe Base64,
// padded or not; the bucket defaults to the source's and must be the
// same owner's). Without sys/saveas the result is answered, as a GET.
func (s *server) processObject(rc *request) error {
	// Processing reads the object: what denies its GetObject denies this
	// (a policy's Deny of oss:GetObject names no oss:PostProcessTask).
	if err := s.canAct(rc, rc.op.Bucket, rc.op.Key, rc.q.Get("versionId"), "GetObject", permObjectRead, ""); err != nil && !isNotFound(err) {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	body, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "x-oss-process=")
	if !ok {
		return errorf("InvalidArgument", "The body must be x-oss-process=<process>.")
	}
	// The body is a form field: ali-oss (processObjectSave) sends it
	// percent-encoded (querystring.stringify: "image%2Fresize%2Cw_15%7C
	// sys%2Fsaveas%2Co_..."), the Go and Python SDKs as is. Decoding %XX
	// leaves the latter unchanged ('+' stays '+': the process never holds
	// a space, and its Base64 may hold a '+').
	if v, err := url.PathUnescape(body); err == nil {
		body = v
	}
	chain, save, hasSave := strings.Cut(body, "|")
	if !strings.HasPrefix(chain, "image/") && !strings.HasPrefix(chain, "style/") {
		return s.refuseProcess(rc)
	}
	var dstBucket, dstKey string
	if hasSave {
		args, ok := strings.CutPrefix(save, "sys/saveas,")
		if !ok {
			return errorf("InvalidArgument", "The operation after | must be sys/saveas.")
		}
		for _, f := range strings.Split(args, ",") {
			k, v, _ := strings.Cut(f, "_")
			dec, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
			if err != nil {
				return errorf("BadRequest", "Input is not base64 decoding.")
			}
			switch k {
			case "o":
				dstKey = string(dec)
			case "b":
				dstBucket = string(dec)
			default:
				return errorf("InvalidArgument", "sys/saveas takes o and b, not %s.", k)
			}
		}
		if dstKey == "" {
			return errorf("MissingArgument", "sys/saveas needs the target object (o).")
		}
	}
	p, err := s.imageChain(rc, chain)
	if err != nil {
		return err
	}
	var saveTo engine.BucketInfo // the target bucket checked
	if hasSave {
		if saveTo, err = s.checkSaveAs(rc, dstBucket, dstKey); err != nil {
			return err
		}
	}
	res, _, err := s.processImage(rc, p)
	if err != nil {
		return err
	}
	if !hasSave {
		rc.w.Header().Set("Content-Type", res.ContentType)
		rc.w.Header().Set("Content-Length", strconv.Itoa(len(res.Body)))
		rc.w.WriteHeader(http.StatusOK)
		s.writeImage(rc, res.Body)
		return nil
	}
	target := dstBucket
	if target == "" {
		target = rc.op.Bucket
	}
	// The saved object is the writer's, under its bucket's default
	// encryption, as a PutObject of it would be.
	enc, err := s.defaultEncryptionOf(rc, target)
	if err != nil {
		return err
	}
	// The saved object's ObjectCreated:Put, in its bucket, is queued in
	// the write's batch. The request's guard covers its own bucket; the
	// write is guarded by the target checked too, so that a target
	// deleted and made again (by another account) while the image was
	// processed gets nothing (OperationAborted).
	ctx := s.eventCtxIn(rc, target, "ObjectCreated:Put")
	if target != rc.op.Bucket {
		ctx = engine.WithBucketGuard(ctx, target, saveTo.ID)
	}
	_, err = s.eng.PutObject(ctx, target, dstKey, bytes.NewReader(res.Body), int64(len(res.Body)),
		engine.PutOptions{Metadata: engine.Metadata{ContentType: res.ContentType}, Owner: rc.writerID(), Dialect: rc.d.mark, Encryption: enc})
	if err != nil {
		return err
	}
	out, err := json.Marshal(processObjectResult{Bucket: dstBucket, FileSize: len(res.Body), Object: dstKey, Status: "OK"})
	if err != nil {
		return err
	}
	rc.w.Header().Set("Content-Type", "application/json")
	rc.w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	rc.w.WriteHeader(http.StatusOK)
	_, err = rc.w.Write(out)
	return err
}

// checkSaveAs refuses a saveas target the principal may not write, or
// whose bucket ("": the source's) does not exist or is another owner's
// (OSS: the same account and region), and returns the target bucket.
func (s *server) checkSaveAs(rc *request, bucket, key string) (engine.BucketInfo, error) {
	if bucket == "" {
		bucket = rc.op.Bucket
	}
	if err := s.canWrite(rc, bucket, key); err != nil {
		return engine.BucketInfo{}, err
	}
	if err := s.refuseOverQuota(rc, bucket); err != nil {
		return engine.BucketInfo{}, err
	}
	src, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return engine.BucketInfo{}, err
	}
	dst, err := s.eng.Bucket(rc.ctx, bucket)
	if err != nil {
		return engine.BucketInfo{}, err
	}
	if dst.Owner != src.Owner {
		return engine.BucketInfo{}, errorf("AccessDenied", "The target bucket of sys/saveas is another owner's.")
	}
	return dst, nil
}
