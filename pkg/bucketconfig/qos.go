package bucketconfig

import "fmt"

// QoS is OSS's throttling of a bucket (?qosInfo), and the shape of an
// account's limits (GetUserQoSInfo): bandwidths in Gbit/s and requests a
// second, each NoLimit (-1) for none, 0 for nothing allowed. "Intranet"
// is Aliyun's internal network (the classic network and VPCs),
// "Extranet" the internet and transfer acceleration; "Total" is both.
// A field a document leaves out is NoLimit.
type QoS struct {
	TotalUpload      int64 `json:"totalUpload"`
	IntranetUpload   int64 `json:"intranetUpload"`
	ExtranetUpload   int64 `json:"extranetUpload"`
	TotalDownload    int64 `json:"totalDownload"`
	IntranetDownload int64 `json:"intranetDownload"`
	ExtranetDownload int64 `json:"extranetDownload"`
	TotalQPS         int64 `json:"totalQps"`
	IntranetQPS      int64 `json:"intranetQps"`
	ExtranetQPS      int64 `json:"extranetQps"`
}

// NoLimit is a QoS value that limits nothing.
const NoLimit = -1

// MaxQoSValue bounds every QoS value (Gbit/s or requests a second): far
// above any account's limits, and small enough that the rates derived
// from it cannot overflow.
const MaxQoSValue = 1 << 30

// UnlimitedQoS returns a QoS that limits nothing.
func UnlimitedQoS() *QoS {
	return &QoS{NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit}
}

// Kind implements Config.
func (*QoS) Kind() Kind { return KindQoS }

// qosField is one QoS value with its OSS element name.
type qosField struct {
	name string
	v    int64
}

// groups lists the values as OSS groups them: each group's total first.
func (c *QoS) groups() [3][3]qosField {
	return [3][3]qosField{
		{{"TotalUploadBandwidth", c.TotalUpload}, {"IntranetUploadBandwidth", c.IntranetUpload}, {"ExtranetUploadBandwidth", c.ExtranetUpload}},
		{{"TotalDownloadBandwidth", c.TotalDownload}, {"IntranetDownloadBandwidth", c.IntranetDownload}, {"ExtranetDownloadBandwidth", c.ExtranetDownload}},
		{{"TotalQps", c.TotalQPS}, {"IntranetQps", c.IntranetQPS}, {"ExtranetQps", c.ExtranetQPS}},
	}
}

// Validate implements Config: every value is NoLimit or 0 to
// MaxQoSValue, and neither network's value is above its group's total,
// as OSS requires ("the bandwidth of a subitem cannot exceed the total").
func (c *QoS) Validate() error {
	for _, g := range c.groups() {
		for _, f := range g {
			if f.v < NoLimit || f.v > MaxQoSValue {
				return fmt.Errorf("%w: %s is %d: it must be -1 (no limit) or 0 to %d", ErrInvalid, f.name, f.v, MaxQoSValue)
			}
		}
		total := g[0]
		for _, f := range g[1:] {
			if total.v != NoLimit && f.v > total.v {
				return fmt.Errorf("%w: %s (%d) is above %s (%d)", ErrInvalid, f.name, f.v, total.name, total.v)
			}
		}
	}
	return nil
}

// Within reports which value of c, if any, is above limit's (an
// account's): a value of limit other than NoLimit bounds c's, and c's
// NoLimit is then limit's value, which is within it.
func (c *QoS) Within(limit *QoS) error {
	lg := limit.groups()
	for i, g := range c.groups() {
		for j, f := range g {
			if l := lg[i][j].v; l != NoLimit && f.v > l {
				return fmt.Errorf("%w: %s (%d) is above the account's %d", ErrInvalid, f.name, f.v, l)
			}
		}
	}
	return nil
}

// Extranet returns the limits that hold for a request from the internet
// (every request osslite serves: it has no internal network): the upload
// and download bandwidths in bytes a second and the requests a second,
// each NoLimit or the lower of the group's total and its extranet value.
func (c *QoS) Extranet() (upload, download, qps int64) {
	lower := func(a, b int64) int64 {
		switch {
		case a == NoLimit:
			return b
		case b == NoLimit:
			return a
		}
		return min(a, b)
	}
	bytes := func(gbits int64) int64 {
		if gbits == NoLimit {
			return NoLimit
		}
		return gbits * 1e9 / 8
	}
	return bytes(lower(c.TotalUpload, c.ExtranetUpload)), bytes(lower(c.TotalDownload, c.ExtranetDownload)),
		lower(c.TotalQPS, c.ExtranetQPS)
}
