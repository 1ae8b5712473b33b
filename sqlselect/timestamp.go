package sqlselect

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTimestamp parses the timestamp text form of the S3 Select data-type
// reference (the W3C date-time note): 2010T, 2010-05T, 2010-05-15 or
// 2010-05-15T, 2010-05-15T03:04Z, 2010-05-15T03:04:05+07:00,
// 2010-05-15T03:04:05.006Z. Times carry an offset, dates do not (UTC).
func parseTimestamp(s string) (value, error) {
	bad := func() (value, error) {
		return value{}, errorf(ErrValueParseFailure, "%q is not a timestamp", s)
	}
	num := func(p string, n int) (int, bool) {
		if len(p) != n {
			return 0, false
		}
		v := 0
		for i := 0; i < n; i++ {
			c := p[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if len(s) < 5 {
		return bad()
	}
	year, ok := num(s[:4], 4)
	if !ok {
		return bad()
	}
	rest := s[4:]
	month, day := 1, 1
	prec := precYear
	if rest == "T" {
		return tsV(time.Date(year, 1, 1, 0, 0, 0, 0, unknownOffset), precYear, 0), nil
	}
	if rest[0] != '-' || len(rest) < 3 {
		return bad()
	}
	if month, ok = num(rest[1:3], 2); !ok || month < 1 || month > 12 {
		return bad()
	}
	rest = rest[3:]
	prec = precMonth
	if rest == "T" {
		return tsV(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, unknownOffset), precMonth, 0), nil
	}
	if len(rest) < 3 || rest[0] != '-' {
		return bad()
	}
	if day, ok = num(rest[1:3], 2); !ok || day < 1 || day > daysIn(year, month) {
		return bad()
	}
	rest = rest[3:]
	prec = precDay
	if rest == "" || rest == "T" {
		return tsV(time.Date(year, time.Month(month), day, 0, 0, 0, 0, unknownOffset), prec, 0), nil
	}
	if rest[0] != 'T' || len(rest) < 6 || rest[3] != ':' {
		return bad()
	}
	hour, ok1 := num(rest[1:3], 2)
	minute, ok2 := num(rest[4:6], 2)
	if !ok1 || !ok2 || hour > 23 || minute > 59 {
		return bad()
	}
	rest = rest[6:]
	prec = precMinute
	sec, nsec := 0, 0
	var frac uint8
	if len(rest) > 0 && rest[0] == ':' {
		if sec, ok = num(safeSlice(rest, 1, 3), 2); !ok || sec > 59 {
			return bad()
		}
		rest = rest[3:]
		prec = precSecond
		if len(rest) > 0 && rest[0] == '.' {
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			digits := rest[1:j]
			if len(digits) == 0 {
				return bad()
			}
			if len(digits) > 9 {
				// S3 takes any number of fraction digits; a value holds
				// nanoseconds, so the rest are dropped.
				digits = digits[:9]
			}
			n, _ := strconv.Atoi(digits + strings.Repeat("0", 9-len(digits)))
			nsec = n
			frac = uint8(len(digits))
			prec = precFraction
			rest = rest[j:]
		}
	}
	var loc *time.Location
	switch {
	case rest == "Z":
		loc = time.UTC
	case rest == "-00:00":
		loc = unknownOffset
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(rest[1:3], 2)
		om, ok2 := num(rest[4:6], 2)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return bad()
		}
		off := oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
		loc = fixedZone(off)
	default:
		return bad()
	}
	return tsV(time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc), prec, frac), nil
}

func safeSlice(s string, i, j int) string {
	if j > len(s) {
		return ""
	}
	return s[i:j]
}

func fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", off)
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// appendTimestamp renders a timestamp at its own precision.
func appendTimestamp(dst []byte, v value) []byte {
	t := *v.t
	dst = appendPadded(dst, t.Year(), 4)
	if v.prec == precYear {
		return append(dst, 'T')
	}
	dst = append(dst, '-')
	dst = appendPadded(dst, int(t.Month()), 2)
	if v.prec == precMonth {
		return append(dst, 'T')
	}
	dst = append(dst, '-')
	dst = appendPadded(dst, t.Day(), 2)
	if v.prec == precDay {
		return append(dst, 'T')
	}
	dst = append(dst, 'T')
	dst = appendPadded(dst, t.Hour(), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, t.Minute(), 2)
	if v.prec >= precSecond {
		dst = append(dst, ':')
		dst = appendPadded(dst, t.Second(), 2)
	}
	if v.prec == precFraction && v.frac > 0 {
		dst = append(dst, '.')
		ns := fmt.Sprintf("%09d", t.Nanosecond())
		dst = append(dst, ns[:v.frac]...)
	}
	return appendOffset(dst, t, true)
}

// unknownOffset is the offset of a timestamp that has none: a date
// without a time (2017T), or one written -00:00. It is UTC for every
// computation and written -00:00 once a time part shows, as S3 writes
// DATE_ADD(hour, 1, `2017T`): 2017-01-01T01:00-00:00.
var unknownOffset = time.FixedZone("-00:00", 0)

func appendOffset(dst []byte, t time.Time, zulu bool) []byte {
	if t.Location() == unknownOffset {
		return append(dst, "-00:00"...)
	}
	_, off := t.Zone()
	if off == 0 && zulu {
		return append(dst, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	dst = append(dst, sign)
	dst = appendPadded(dst, off/3600, 2)
	dst = append(dst, ':')
	return appendPadded(dst, off%3600/60, 2)
}

func appendPadded(dst []byte, n, width int) []byte {
	if n < 0 {
		// A year before 1 BCE (year 0): the sign, then the padded
		// digits (-0001, as ISO 8601's expanded years), not 00-1.
		dst = append(dst, '-')
		n = -n
	}
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// dateParts, in the order of precision. "timezone_hour" and
// "timezone_minute" only exist for EXTRACT.
var datePartNames = map[string]bool{
	"year": true, "month": true, "day": true, "hour": true, "minute": true, "second": true,
	"timezone_hour": true, "timezone_minute": true,
}

func partPrec(part string) uint8 {
	switch part {
	case "year":
		return precYear
	case "month":
		return precMonth
	case "day":
		return precDay
	case "hour", "minute":
		return precMinute
	}
	return precSecond
}

// dateAdd implements DATE_ADD(part, qty, ts).
func dateAdd(part string, qty int64, ts value) (value, error) {
	t := *ts.t
	n := int(qty)
	switch part {
	case "year":
		t = addMonths(t, 12*n)
	case "month":
		t = addMonths(t, n)
	case "day":
		t = t.AddDate(0, 0, n)
	case "hour":
		t = t.Add(time.Duration(qty) * time.Hour)
	case "minute":
		t = t.Add(time.Duration(qty) * time.Minute)
	case "second":
		t = t.Add(time.Duration(qty) * time.Second)
	default:
		return value{}, errorf(ErrParseExpectedDatePart, "DATE_ADD does not take %s", part)
	}
	prec := max(ts.prec, partPrec(part))
	return tsV(t, prec, ts.frac), nil
}

// addMonths adds months, clamping the day to the end of the target month
// (2010-01-31 + 1 month = 2010-02-28).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	total := int(m) - 1 + n
	y += total / 12
	if total%12 < 0 {
		y--
	}
	nm := (total%12+12)%12 + 1
	if dd := daysIn(y, nm); d > dd {
		d = dd
	}
	return time.Date(y, time.Month(nm), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// dateDiff implements DATE_DIFF(part, a, b): whole units from a to b.
func dateDiff(part string, a, b value) (value, error) {
	ta, tb := *a.t, *b.t
	switch part {
	case "year", "month":
		ua, ub := ta.UTC(), tb.UTC()
		months := (ub.Year()-ua.Year())*12 + int(ub.Month()) - int(ua.Month())
		// Not a whole month yet when the rest of b is before the rest of a.
		ra := time.Date(2000, 1, ua.Day(), ua.Hour(), ua.Minute(), ua.Second(), ua.Nanosecond(), time.UTC)
		rb := time.Date(2000, 1, ub.Day(), ub.Hour(), ub.Minute(), ub.Second(), ub.Nanosecond(), time.UTC)
		if months > 0 && rb.Before(ra) {
			months--
		} else if months < 0 && rb.After(ra) {
			months++
		}
		if part == "year" {
			return intV(int64(months / 12)), nil
		}
		return intV(int64(months)), nil
	case "day":
		return intV(int64(tb.Sub(ta) / (24 * time.Hour))), nil
	case "hour":
		return intV(int64(tb.Sub(ta) / time.Hour)), nil
	case "minute":
		return intV(int64(tb.Sub(ta) / time.Minute)), nil
	case "second":
		return intV(int64(tb.Sub(ta) / time.Second)), nil
	}
	return value{}, errorf(ErrParseExpectedDatePart, "DATE_DIFF does not take %s", part)
}

// extract implements EXTRACT(part FROM ts).
func extract(part string, ts value) (value, error) {
	t := *ts.t
	switch part {
	case "year":
		return intV(int64(t.Year())), nil
	case "month":
		return intV(int64(t.Month())), nil
	case "day":
		return intV(int64(t.Day())), nil
	case "hour":
		return intV(int64(t.Hour())), nil
	case "minute":
		return intV(int64(t.Minute())), nil
	case "second":
		return intV(int64(t.Second())), nil
	case "timezone_hour":
		_, off := t.Zone()
		return intV(int64(off / 3600)), nil
	case "timezone_minute":
		_, off := t.Zone()
		return intV(int64(off % 3600 / 60)), nil
	}
	return value{}, errorf(ErrParseExpectedDatePart, "EXTRACT does not take %s", part)
}

// formatTimestamp implements TO_STRING(ts, pattern) with the documented
// pattern letters (a Java DateTimeFormatter subset) and ” quoting.
func formatTimestamp(v value, pattern string) (string, error) {
	t := *v.t
	var b []byte
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			j := i + 1
			if j < len(pattern) && pattern[j] == '\'' {
				b = append(b, '\'')
				i += 2
				continue
			}
			for {
				if j >= len(pattern) {
					return "", errorf(ErrEvaluatorUnterminatedTimestampFormatPatternToken, "%q", pattern)
				}
				if pattern[j] == '\'' {
					if j+1 < len(pattern) && pattern[j+1] == '\'' {
						b = append(b, '\'')
						j += 2
						continue
					}
					break
				}
				b = append(b, pattern[j])
				j++
			}
			i = j + 1
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b = append(b, c)
			i++
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		i += n
		switch c {
		case 'y':
			y := t.Year()
			if n == 2 {
				b = appendPadded(b, y%100, 2)
			} else {
				b = appendPadded(b, y, n)
			}
		case 'M':
			switch {
			case n <= 2:
				b = appendPadded(b, int(t.Month()), n)
			case n == 3:
				b = append(b, t.Month().String()[:3]...)
			case n == 4:
				b = append(b, t.Month().String()...)
			default:
				b = append(b, t.Month().String()[0])
			}
		case 'd':
			b = appendPadded(b, t.Day(), n)
		case 'a':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b = appendPadded(b, h, n)
		case 'H':
			b = appendPadded(b, t.Hour(), n)
		case 'm':
			b = appendPadded(b, t.Minute(), n)
		case 's':
			b = appendPadded(b, t.Second(), n)
		case 'S':
			ns := fmt.Sprintf("%09d", t.Nanosecond())
			for k := 0; k < n; k++ {
				if k < 9 {
					b = append(b, ns[k])
				} else {
					b = append(b, '0')
				}
			}
		case 'n':
			b = appendPadded(b, t.Nanosecond(), n)
		case 'X', 'x':
			_, off := t.Zone()
			if c == 'X' && off == 0 {
				b = append(b, 'Z')
				break
			}
			sign := byte('+')
			if off < 0 {
				sign = '-'
				off = -off
			}
			b = append(b, sign)
			b = appendPadded(b, off/3600, 2)
			switch {
			case n == 1:
				if off%3600 != 0 {
					b = appendPadded(b, off%3600/60, 2)
				}
			case n == 2 || n == 4:
				b = appendPadded(b, off%3600/60, 2)
			default:
				b = append(b, ':')
				b = appendPadded(b, off%3600/60, 2)
			}
		default:
			return "", errorf(ErrEvaluatorInvalidTimestampFormatPatternSymbol, "%q in %q", c, pattern)
		}
	}
	return string(b), nil
}

// ossLayout is one of OSS's timestamp formats: its documented name and a
// Go layout. undotted formats have three digits of milliseconds right
// after the seconds; Go layouts need a dot there, which parse puts in.
type ossLayout struct {
	name     string
	layout   string
	prec     uint8
	undotted bool
}

// parse reads s in the format l.
func (l ossLayout) parse(s string) (value, bool) {
	if l.undotted {
		if len(s) < 4 {
			return value{}, false
		}
		s = strings.TrimSuffix(s[:len(s)-3], " ") + "." + s[len(s)-3:] // HH MM SS mss: the space is the dot
	}
	t, err := time.Parse(l.layout, s)
	if err != nil {
		return value{}, false
	}
	prec, frac := l.prec, uint8(0)
	// time.Parse accepts a fraction after the seconds even when the
	// layout has none.
	if prec == precFraction || prec == precSecond && t.Nanosecond() != 0 {
		prec, frac = precFraction, 3
	}
	return tsV(t, prec, frac), true
}

// ossTimestampLayouts are the formats OSS recognises when a string is cast
// to a timestamp without a format (OSS SelectObject, "Timestamp formats"),
// in the documented order.
var ossTimestampLayouts = []ossLayout{
	{"YYYYMMDD", "20060102", precDay, false},
	{"YYYY/MM/DD", "2006/01/02", precDay, false},
	{"DD/MM/YYYY/", "02/01/2006/", precDay, false}, // sic
	{"YYYY-MM-DD", "2006-01-02", precDay, false},
	{"DD-MM-YY", "02-01-06", precDay, false},
	{"DD.MM.YY", "02.01.06", precDay, false},
	{"HH:MM:SS.mss", "15:04:05.000", precFraction, false},
	{"HH:MM:SS", "15:04:05", precSecond, false},
	{"HH MM SS mss", "15 04 05.000", precFraction, true},
	{"HH.MM.SS.mss", "15.04.05.000", precFraction, false},
	{"HHMM", "1504", precMinute, false},
	{"HHMMSSmss", "150405.000", precFraction, true},
	{"YYYYMMDD HH:MM:SS.mss", "20060102 15:04:05.000", precFraction, false},
	{"YYYY/MM/DD HH:MM:SS.mss", "2006/01/02 15:04:05.000", precFraction, false},
	{"DD/MM/YYYY HH:MM:SS.mss", "02/01/2006 15:04:05.000", precFraction, false},
	{"YYYYMMDD HH:MM:SS", "20060102 15:04:05", precSecond, false},
	{"YYYY/MM/DD HH:MM:SS", "2006/01/02 15:04:05", precSecond, false},
	{"DD/MM/YYYY HH:MM:SS", "02/01/2006 15:04:05", precSecond, false},
	{"YYYY-MM-DD HH:MM:SS.mss", "2006-01-02 15:04:05.000", precFraction, false},
	{"DD-MM-YYYY HH:MM:SS.mss", "02-01-2006 15:04:05.000", precFraction, false},
	{"YYYY-MM-DD HH:MM:SS", "2006-01-02 15:04:05", precSecond, false},
	{"YYYYMMDDTHH:MM:SS", "20060102T15:04:05", precSecond, false},
	{"YYYYMMDDTHH:MM:SS.mss", "20060102T15:04:05.000", precFraction, false},
	{"DD-MM-YYYYTHH:MM:SS.mss", "02-01-2006T15:04:05.000", precFraction, false},
	{"DD-MM-YYYYTHH:MM:SS", "02-01-2006T15:04:05", precSecond, false},
	{"YYYYMMDDTHHMM", "20060102T1504", precMinute, false},
	{"YYYYMMDDTHHMMSS", "20060102T150405", precSecond, false},
	{"YYYYMMDDTHHMMSSMSS", "20060102T150405.000", precFraction, true},
	{"ISO8601-0", "2006-01-02T15:04-07:00", precMinute, false},
	{"ISO8601-1", "2006-01-02T15:04:05-07:00", precSecond, false},
	{"CommonLog", "02/Jan/2006:15:04:05 -0700", precSecond, false},
	{"RFC822", "Mon, 02 Jan 2006 15:04:05 MST", precSecond, false},
	{"?D/?M/YY", "2/1/06", precDay, false},
	{"?D/?M/YY ?H:?M", "2/1/06 15:4", precMinute, false},
	{"?D/?M/YY ?H:?M:?S", "2/1/06 15:4:5", precSecond, false},
}

// ossFormatLayouts are the formats CAST(x AS TIMESTAMP FORMAT 'name')
// takes, by upper-case name: the ones above and the ambiguous ones OSS
// reads only when named ("cast('20121201' as timestamp format
// 'YYYYDDMM')" is 12 January 2012).
var ossFormatLayouts = map[string]ossLayout{}

func init() {
	for _, l := range ossTimestampLayouts {
		ossFormatLayouts[strings.ToUpper(l.name)] = l
	}
	for _, l := range []ossLayout{
		{"YYYYDDMM", "20060201", precDay, false},
		{"YYYY/DD/MM", "2006/02/01", precDay, false},
		{"MM/DD/YYYY", "01/02/2006", precDay, false},
		{"YYYY-DD-MM", "2006-02-01", precDay, false},
		{"MM-DD-YYYY", "01-02-2006", precDay, false},
		{"MM.DD.YYYY", "01.02.2006", precDay, false},
	} {
		ossFormatLayouts[l.name] = l
	}
}

// parseOSSTimestamp parses the S3 text form or one of the OSS formats.
func parseOSSTimestamp(s string) (value, error) {
	if v, err := parseTimestamp(s); err == nil {
		return v, nil
	}
	for _, l := range ossTimestampLayouts {
		if v, ok := l.parse(s); ok {
			return v, nil
		}
	}
	return value{}, errorf(ErrValueParseFailure, "%q is not a timestamp", s)
}
