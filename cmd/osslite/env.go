package main

import (
	"flag"
	"fmt"
	"strings"
)

// envPrefix starts the environment variable of every flag: flag -access-key
// is OSSLITE_ACCESS_KEY. Variables outside this prefix, AWS_ACCESS_KEY_ID
// and AWS_SECRET_ACCESS_KEY in particular, are never read: a server must not
// pick up the credentials of whoever happens to start it.
const envPrefix = "OSSLITE_"

// commandFlags are flags that ask for an action rather than configure the
// server; they have no variable. (OSSLITE_VERSION in particular is a
// likely name for an image's version label, and must not stop the server.)
var commandFlags = map[string]bool{"version": true}

// envName returns the environment variable of flag name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// documentEnv appends its variable to the usage text of every flag in fs.
// Call it after the last flag is defined.
func documentEnv(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if !commandFlags[f.Name] {
			f.Usage += " [$" + envName(f.Name) + "]"
		}
	})
}

// applyEnv gives every flag in fs that the command line did not set the
// value of its variable (see envName), if that variable is set; the command
// line wins. Command flags (-version) have none. A repeatable flag (a listFlag) takes a comma-separated list.
// It works for any flag defined on fs, including ones added later.
func applyEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || set[f.Name] || commandFlags[f.Name] {
			return
		}
		v, ok := lookup(envName(f.Name))
		if !ok {
			return
		}
		values := []string{v}
		if _, list := f.Value.(*listFlag); list {
			values = splitList(v)
		}
		for _, v := range values {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, serr)
				return
			}
		}
	})
	return err
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
