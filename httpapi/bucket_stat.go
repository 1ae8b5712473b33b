package httpapi

import (
	"encoding/xml"
	"net/http"
	"slices"

	"github.com/osslite/osslite/engine"
)

// OSS GetBucketStat (GET /?stat): the bucket's storage and object counts
// (current versions), in total and per storage class, with its uploads in
// progress and live channels. OSS computes them in the background and
// answers figures up to an hour old; osslite counts them when asked, by
// listing the bucket (a thousand keys per engine call), so the answer is
// exact and costs time in proportion to the number of objects.

// ossMinBilledSize is the smallest size OSS bills an object of the
// infrequent-access and archive classes for: their *Storage figures
// count each such object as at least this, *RealStorage as it is.
const ossMinBilledSize = 64 << 10

// ossBucketStat is the BucketStat document.
type ossBucketStat struct {
	XMLName                     xml.Name
	Storage                     int64
	ObjectCount                 int64
	MultipartUploadCount        int64
	LiveChannelCount            int64
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
	// DeleteMarkerCount and MultipartPartCount, which newer OSS answers
	// carry, are left out rather than answered 0: counting them would
	// list every version and every upload's parts.
}

// add counts one object of stored class c and size n.
func (st *ossBucketStat) add(c string, n int64) {
	billed := max(n, ossMinBilledSize)
	st.ObjectCount++
	switch c {
	case "IA", "STANDARD_IA", "ONEZONE_IA":
		st.InfrequentAccessObjectCount++
		st.InfrequentAccessRealStorage += n
		st.InfrequentAccessStorage += billed
	case "Archive", "GLACIER", "GLACIER_IR":
		st.ArchiveObjectCount++
		st.ArchiveRealStorage += n
		st.ArchiveStorage += billed
	case "ColdArchive", "DEEP_ARCHIVE":
		st.ColdArchiveObjectCount++
		st.ColdArchiveRealStorage += n
		st.ColdArchiveStorage += billed
	case "DeepColdArchive":
		st.DeepColdArchiveObjectCount++
		st.DeepColdArchiveRealStorage += n
		st.DeepColdArchiveStorage += billed
	default:
		st.StandardObjectCount++
		st.StandardStorage += n
		billed = n
	}
	st.Storage += billed
}

func (s *server) getBucketStat(rc *request) error {
	st := &ossBucketStat{LastModifiedTime: s.clock.Now().Unix()}
	opts := engine.ListOptions{MaxKeys: engine.DefaultMaxKeys, Brief: true}
	for {
		page, err := s.eng.ListObjects(rc.ctx, rc.op.Bucket, opts)
		if err != nil {
			return err
		}
		for i := range page.Objects {
			o := &page.Objects[i]
			st.add(o.StorageClass, o.Size)
		}
		if !page.IsTruncated {
			break
		}
		opts.Marker, opts.Buffer = page.NextMarker, page.Objects
	}
	uploads := engine.ListUploadsOptions{}
	for {
		page, err := s.eng.ListMultipartUploads(rc.ctx, rc.op.Bucket, uploads)
		if err != nil {
			return err
		}
		st.MultipartUploadCount += int64(len(page.Uploads))
		if !page.IsTruncated {
			break
		}
		uploads.KeyMarker, uploads.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	channels := engine.ListLiveChannelsOptions{Max: 1000}
	for {
		chans, truncated, err := s.eng.ListLiveChannels(rc.ctx, rc.op.Bucket, channels)
		if err != nil {
			return err
		}
		st.LiveChannelCount += int64(len(chans))
		if !truncated || len(chans) == 0 {
			break
		}
		channels.Marker = chans[len(chans)-1].Name
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
	all, err := s.eng.ListBuckets(rc.ctx)
	if err != nil {
		return err
	}
	regions := []string{ossLocation(s.cfg.Region)}
	for _, b := range all {
		if r := ossLocation(s.regionOf(b)); !slices.Contains(regions, r) {
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
