package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildInfo is what -version prints and the start-up banner shows.
type buildInfo struct {
	Version  string // module version, "(devel)" for a source build
	Revision string // VCS revision, "" when unknown
	Time     string // VCS commit time, "" when unknown
	Modified bool   // the work tree had uncommitted changes
	Go       string // Go version the binary was built with
}

// readBuildInfo reads the module version and VCS stamp from the binary
// (runtime/debug.ReadBuildInfo).
func readBuildInfo() buildInfo {
	b := buildInfo{Version: "(devel)", Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := info.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// short is the version with an abbreviated revision, for the banner.
func (b buildInfo) short() string {
	s := b.Version
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += " (" + rev
		if b.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s
}

// String is the -version output.
func (b buildInfo) String() string {
	s := fmt.Sprintf("osslite %s\n  go:       %s\n", b.Version, b.Go)
	if b.Revision != "" {
		s += fmt.Sprintf("  revision: %s\n", b.Revision)
	}
	if b.Time != "" {
		s += fmt.Sprintf("  time:     %s\n", b.Time)
	}
	if b.Modified {
		s += "  modified: true\n"
	}
	return s
}
