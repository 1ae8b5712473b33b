package httpapi

import (
	"encoding/xml"
	"net/http"

	"github.com/osslite/osslite/engine"
)

// OSS GetBucketStat (GET /?stat): the bucket's storage and object counts
// (current versions), in total and per storage class, with its uploads in
// progress and live channels. OSS computes them in the background and
// answers figures up to an hour old; osslite answers the engine's counts
// (Engine.BucketUsage), which every write keeps in the same atomic step as
// itself: exact, and one record to read whatever the bucket's size.

// ossMinBilledSize is the smallest size OSS bills an object of the
// infrequent-access and archive classes for: their *Storage figures
// count each such object as at least this, *RealStorage as it is.
const ossMinBilledSize = engine.SmallObjectSize

// ossBucketStat is the BucketStat document.
type ossBucketStat struct {
	XMLName                     xml.Name
	Storage                     int64
	ObjectCount                 int64
	MultipartUploadCount        int64
	LiveChannelCount            int64
	MultipartPartCount          int64
	MultipartPartStorage        int64
	DeleteMarkerCount           int64
	LastModifiedTime            int64
	StandardStorage             int64
	StandardObjectCount         int64
	InfrequentAccessStorage     int64
	InfrequentAccessRealStorage int64
	InfrequentAccessObjectCount int64
	ArchiveStorage              int64
	ArchiveRealStorage          int64
	ArchiveObjectCount          int64
	ColdArchiveStorage          int64
	ColdArchiveRealStorage      int64
	ColdArchiveObjectCount      int64
	DeepColdArchiveStorage      int64
	DeepColdArchiveRealStorage  int64
	DeepColdArchiveObjectCount  int64
	// Storage and the per-class figures count current versions, as the
	// object counts do. The per-class part figures of newer OSS answers
	// (StandardMultipartPartCount, ...) are left out rather than answered
	// 0: the counts keep parts by bucket, not by class.
}

// add counts the objects of stored class c.
func (st *ossBucketStat) add(c string, u engine.ClassUsage) {
	// IA and archive objects smaller than the minimum are billed as it.
	billed := u.Bytes + u.SmallObjects*ossMinBilledSize - u.SmallBytes
	st.ObjectCount += u.Objects
	switch c {
	case "IA", "STANDARD_IA", "ONEZONE_IA":
		st.InfrequentAccessObjectCount += u.Objects
		st.InfrequentAccessRealStorage += u.Bytes
		st.InfrequentAccessStorage += billed
	case "Archive", "GLACIER", "GLACIER_IR":
		st.ArchiveObjectCount += u.Objects
		st.ArchiveRealStorage += u.Bytes
		st.ArchiveStorage += billed
	case "ColdArchive", "DEEP_ARCHIVE":
		st.ColdArchiveObjectCount += u.Objects
		st.ColdArchiveRealStorage += u.Bytes
		st.ColdArchiveStorage += billed
	case "DeepColdArchive":
		st.DeepColdArchiveObjectCount += u.Objects
		st.DeepColdArchiveRealStorage += u.Bytes
		st.DeepColdArchiveStorage += billed
	default:
		st.StandardObjectCount += u.Objects
		st.StandardStorage += u.Bytes
		billed = u.Bytes
	}
	st.Storage += billed
}

func (s *server) getBucketStat(rc *request) error {
	u, err := s.eng.BucketUsage(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	st := &ossBucketStat{LastModifiedTime: s.clock.Now().Unix(), MultipartUploadCount: u.Uploads, LiveChannelCount: u.LiveChannels,
		MultipartPartCount: u.Parts, MultipartPartStorage: u.PartBytes, DeleteMarkerCount: u.DeleteMarkers}
	for c, cu := range u.Classes {
		st.add(c, cu)
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "BucketStat", st)
}

// regionInfoXML is one region of DescribeRegions.
type regionInfoXML struct {
	Region             string `xml:"Region"`
	InternetEndpoint   string `xml:"InternetEndpoint"`
	InternalEndpoint   string `xml:"InternalEndpoint"`
	AccelerateEndpoint string `xml:"AccelerateEndpoint"`
}

// regionInfoListXML is DescribeRegions' result.
type regionInfoListXML struct {
	XMLName xml.Name
	Regions []regionInfoXML `xml:"RegionInfo"`
}

// describeRegions is OSS's DescribeRegions (GET /?regions[=<region>]):
// the regions this server holds buckets in (its own region first), each
// with this server's address as every endpoint, so clients keep talking
// to it. A region filter that names none of them lists nothing.
func (s *server) describeRegions(rc *request) error {
	want := rc.q.Get("regions")
	// The engine's region counts, not a pass over every bucket: any user
	// may ask, and may make buckets in as many regions as S3 names allow.
	bucketRegions, err := s.eng.BucketRegions(rc.ctx)
	if err != nil {
		return err
	}
	regions := []string{ossLocation(s.cfg.Region)}
	seen := map[string]bool{regions[0]: true}
	for _, br := range bucketRegions {
		if r := ossLocation(s.regionOf(engine.BucketInfo{Region: br})); !seen[r] {
			seen[r] = true
			regions = append(regions, r)
		}
	}
	res := &regionInfoListXML{Regions: []regionInfoXML{}}
	for _, r := range regions {
		if want == "" || want == r {
			res.Regions = append(res.Regions, regionInfoXML{Region: r, InternetEndpoint: rc.r.Host, InternalEndpoint: rc.r.Host, AccelerateEndpoint: rc.r.Host})
		}
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "RegionInfoList", res)
}
