package fake

import (
	"fmt"

	"github.com/osslite/osslite/httpapi"
)

// WithRTMP starts an RTMP listener on a loopback port for OSS LiveChannel
// pushes (httpapi.ListenRTMP); RTMPAddr returns its address. Close stops
// it, finalising pushes in progress.
func WithRTMP() Option { return func(c *config) { c.rtmp = true } }

func (s *Server) startRTMP() error {
	l, err := httpapi.ListenRTMP(s.api, "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("fake: %w", err)
	}
	s.rtmp = l
	return nil
}

// RTMPAddr returns the host:port of the RTMP listener WithRTMP started, or
// "" without WithRTMP. Push to rtmp://<addr>/<bucket>/live/<channel>
// (path style, as the Aliyun SDKs sign push URLs for IP endpoints), or
// name the bucket in the host (rtmp://<bucket>.127.0.0.1:port/live/...)
// and dial addr.
func (s *Server) RTMPAddr() string {
	if s.rtmp == nil {
		return ""
	}
	return s.rtmp.Addr().String()
}
