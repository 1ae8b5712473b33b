package sqlselect

import "strings"

// dialectRules is what differs between the dialects as data, so the parser
// and writers look a rule up instead of asking which dialect they are in.
type dialectRules struct {
	// reserved are the words that cannot be unquoted names or aliases.
	reserved map[string]bool
	// jsonPlain marks the bytes JSON output copies into a string as they
	// are; every other byte is escaped.
	jsonPlain *[256]bool
	// unrangedLines is how JSON LINES input is read when the query has
	// no scan or line range: S3 values separated by whitespace, each may
	// span lines, as S3 answered aws-sdk-net's SelectObjectContentTests
	// (pretty-printed objects separated by "} {", JsonType LINES); OSS
	// the same with at most one comma between values, as OSS reads the
	// Aliyun SDKs' pretty-printed LINES samples. With a range both read
	// one value per line: ranges start at a newline.
	unrangedLines jsonLayout
}

var dialectTable = [...]dialectRules{
	DialectS3:  {reserved: reserved, jsonPlain: &jsonPlain, unrangedLines: layoutDocument},
	DialectOSS: {reserved: ossReserved, jsonPlain: &ossJSONPlain, unrangedLines: layoutStream},
}

// rules returns the rules of d; an unknown dialect gets S3's.
func (d Dialect) rules() *dialectRules {
	if int(d) < len(dialectTable) {
		return &dialectTable[d]
	}
	return &dialectTable[DialectS3]
}

// ossReserved are the OSS dialect's reserved words: only those the grammar
// reads where a name could also stand (clause words, operators, literals,
// CASE and CAST, and what follows FROM's table or a projection), so that
// ordinary column names such as Year, Date, Value, Count or Key work
// unquoted, as they do in OSS. Function names, CAST types and date parts
// are recognised by position instead: a name followed by "(" is a call,
// the word after CAST(x AS is a type, the first argument of EXTRACT,
// DATE_ADD and DATE_DIFF a date part.
var ossReserved = map[string]bool{}

// jsonPlain is what S3's JSON writer leaves unescaped: printable ASCII
// except '"' and '\'. OSS's writer also escapes '/' as "\/".
var jsonPlain, ossJSONPlain [256]bool

func init() {
	for _, w := range strings.Fields(`ALL AND AS BETWEEN CASE CAST CROSS DISTINCT ELSE END
	ESCAPE EXCEPT FALSE FOR FROM GROUP HAVING IN INNER INTERSECT IS JOIN LEFT LIKE LIMIT
	MISSING NOT NULL OR ORDER SELECT THEN TRUE UNION WHEN WHERE`) {
		ossReserved[w] = true
	}
	for c := 0x20; c < 0x80; c++ {
		jsonPlain[c] = c != '"' && c != '\\'
		ossJSONPlain[c] = jsonPlain[c] && c != '/'
	}
}
