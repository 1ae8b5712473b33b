package sqlselect

import (
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tQIdent // "double quoted"
	tString // 'single quoted'
	tInt
	tDecimal // 1.5
	tFloat   // 1e5, 1.5e-3
	tTimestamp
	tOp
)

type token struct {
	kind tokKind
	text string // identifier, unescaped string or literal text, operator
	up   string // upper-cased text for identifiers
	pos  int
}

func (t token) is(up string) bool { return t.kind == tIdent && t.up == up }
func (t token) op(s string) bool  { return t.kind == tOp && t.text == s }

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tString:
		return "'" + t.text + "'"
	case tQIdent:
		return `"` + t.text + `"`
	}
	return t.text
}

// lex splits the SQL text into tokens.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == ';' && strings.TrimLeft(s[i+1:], " \t\n\r\f") == "":
			// One semicolon may end the statement, as PartiQL's grammar
			// allows (ceph's s3-tests end every query with one).
			i = len(s)
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			w := s[i:j]
			toks = append(toks, token{kind: tIdent, text: w, up: strings.ToUpper(w), pos: i})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j, k := i, tInt
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == '.' {
				k = tDecimal
				j++
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k = tFloat
				j++
				if j < len(s) && (s[j] == '+' || s[j] == '-') {
					j++
				}
				d := j
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				if d == j {
					return nil, errorAt(ErrLexerInvalidLiteral, i, "%q", s[i:j])
				}
			}
			if j < len(s) && isIdentStart(s[j]) {
				return nil, errorAt(ErrLexerInvalidLiteral, i, "%q", s[i:j+1])
			}
			toks = append(toks, token{kind: k, text: s[i:j], pos: i})
			i = j
		case c == '\'' || c == '"' || c == '`':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, errorAt(ErrLexerInvalidLiteral, i, "unterminated %c", c)
				}
				if s[j] == c {
					if c != '`' && j+1 < len(s) && s[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			k := tString
			switch c {
			case '"':
				k = tQIdent
			case '`':
				k = tTimestamp
			}
			toks = append(toks, token{kind: k, text: b.String(), pos: i})
			i = j + 1
		default:
			op := ""
			if i+1 < len(s) {
				switch s[i : i+2] {
				case "<>", "!=", "<=", ">=", "||":
					op = s[i : i+2]
				}
			}
			if op == "" {
				switch c {
				case '(', ')', '[', ']', ',', '.', '*', '+', '-', '/', '%', '=', '<', '>':
					op = s[i : i+1]
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(s[i:])
				return nil, errorAt(ErrLexerInvalidChar, i, "%q", r)
			}
			toks = append(toks, token{kind: tOp, text: op, pos: i})
			i += len(op)
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(s)})
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

// reserved are the keywords that cannot be unquoted names in the S3
// dialect: exactly AWS's "Reserved keywords" list for S3 Select (the
// SQL-92 set and PartiQL's additions, SYMBOL among them). Function names
// the list leaves out (DATE_ADD, DATE_DIFF, TO_STRING, TO_TIMESTAMP,
// UTCNOW) stay ordinary names: a name followed by "(" is a call. OSS
// reserves far fewer (ossReserved in dialect.go).
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ABSOLUTE ACTION ADD ALL ALLOCATE ALTER AND ANY ARE AS ASC
	ASSERTION AT AUTHORIZATION AVG BAG BEGIN BETWEEN BIT BIT_LENGTH BLOB BOOL BOOLEAN BOTH BY
	CASCADE CASCADED CASE CAST CATALOG CHAR CHARACTER CHARACTER_LENGTH CHAR_LENGTH CHECK CLOB
	CLOSE COALESCE COLLATE COLLATION COLUMN COMMIT CONNECT CONNECTION CONSTRAINT CONSTRAINTS
	CONTINUE CONVERT CORRESPONDING COUNT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME
	CURRENT_TIMESTAMP CURRENT_USER CURSOR DATE DAY DEALLOCATE DEC DECIMAL DECLARE DEFAULT
	DEFERRABLE DEFERRED DELETE DESC DESCRIBE DESCRIPTOR DIAGNOSTICS DISCONNECT DISTINCT DOMAIN
	DOUBLE DROP ELSE END END-EXEC ESCAPE EXCEPT EXCEPTION EXEC EXECUTE EXISTS EXTERNAL EXTRACT
	FALSE FETCH FIRST FLOAT FOR FOREIGN FOUND FROM FULL GET GLOBAL GO GOTO GRANT GROUP HAVING
	HOUR IDENTITY IMMEDIATE IN INDICATOR INITIALLY INNER INPUT INSENSITIVE INSERT INT INTEGER
	INTERSECT INTERVAL INTO IS ISOLATION JOIN KEY LANGUAGE LAST LEADING LEFT LEVEL LIKE LIMIT
	LIST LOCAL LOWER MATCH MAX MIN MINUTE MISSING MODULE MONTH NAMES NATIONAL NATURAL NCHAR
	NEXT NO NOT NULL NULLIF NUMERIC OCTET_LENGTH OF ON ONLY OPEN OPTION OR ORDER OUTER OUTPUT
	OVERLAPS PAD PARTIAL PIVOT POSITION PRECISION PREPARE PRESERVE PRIMARY PRIOR PRIVILEGES
	PROCEDURE PUBLIC READ REAL REFERENCES RELATIVE RESTRICT REVOKE RIGHT ROLLBACK ROWS SCHEMA
	SCROLL SECOND SECTION SELECT SESSION SESSION_USER SET SEXP SIZE SMALLINT SOME SPACE SQL
	SQLCODE SQLERROR SQLSTATE STRING STRUCT SUBSTRING SUM SYMBOL SYSTEM_USER TABLE TEMPORARY THEN TIME
	TIMESTAMP TIMEZONE_HOUR TIMEZONE_MINUTE TO TRAILING TRANSACTION TRANSLATE TRANSLATION TRIM
	TRUE TUPLE UNION UNIQUE UNKNOWN UNPIVOT UPDATE UPPER USAGE USER USING VALUE VALUES VARCHAR
	VARYING VIEW WHEN WHENEVER WHERE WITH WORK WRITE YEAR ZONE`) {
		reserved[w] = true
	}
}
