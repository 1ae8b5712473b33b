package sqlselect

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// errStop ends a streaming scan early (LIMIT reached).
var errStop = errors.New("sqlselect: stop")

// jsonStreamer applies a FROM path to JSON DOCUMENT input token by token,
// so a document holding a huge array (FROM S3Object[*].items[*]) is read
// one element at a time: members the path does not take are skipped
// without being built, and only each selected record is materialised.
type jsonStreamer struct {
	dec  *json.Decoder
	oss  bool
	emit func(value) error
	raw  json.RawMessage
	// numText keeps numbers as their text (JSONInput.NumbersAsText).
	numText bool
}

func newJSONStreamer(r io.Reader, oss bool, emit func(value) error) *jsonStreamer {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return &jsonStreamer{dec: dec, oss: oss, emit: emit}
}

func jsonErr(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return wrapErr(ErrJSONParsingError, err)
}

// run processes every top-level value.
func (s *jsonStreamer) run(steps []Step) error {
	for {
		tok, err := s.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return jsonErr(err)
		}
		n, err := s.expand(tok, steps)
		if err != nil {
			return err
		}
		if n == 0 {
			// Nothing matched: one MISSING record, as for the
			// non-streaming path.
			if err := s.emit(missingV); err != nil {
				return err
			}
		}
	}
}

// expand applies steps to the value whose first token is tok and returns
// the number of records emitted.
func (s *jsonStreamer) expand(tok json.Token, steps []Step) (int, error) {
	if len(steps) == 0 {
		v, err := s.build(tok, 0)
		if err != nil {
			return 0, err
		}
		return 1, s.emit(v)
	}
	st := steps[0]
	delim, ok := tok.(json.Delim)
	if !ok {
		return 0, nil // a scalar has no members
	}
	count := 0
	switch delim {
	case '{':
		matched := false
		for s.dec.More() {
			kt, err := s.dec.Token()
			if err != nil {
				return count, jsonErr(err)
			}
			key, _ := kt.(string)
			take := false
			switch st.Kind {
			case StepName:
				take = !matched && (key == st.Name || !st.Quoted && !s.oss && strings.EqualFold(key, st.Name))
				matched = matched || take
			case StepWildcard, StepObjWildcard:
				take = true
			}
			n, err := s.wildMember(take, st.Kind != StepName, steps)
			count += n
			if err != nil {
				return count, err
			}
		}
	case '[':
		for i := 0; s.dec.More(); i++ {
			take := st.Kind == StepWildcard || st.Kind == StepIndex && st.Index == i
			n, err := s.wildMember(take, st.Kind == StepWildcard, steps)
			count += n
			if err != nil {
				return count, err
			}
		}
	default:
		return count, errorf(ErrJSONParsingError, "unexpected %v", delim)
	}
	if _, err := s.dec.Token(); err != nil { // closing delimiter
		return count, jsonErr(err)
	}
	return count, nil
}

// leaf reads the next value whole and emits it as a record: the fast path
// for the elements of the array a path ends in.
func (s *jsonStreamer) leaf() error {
	s.raw = s.raw[:0]
	if err := s.dec.Decode(&s.raw); err != nil {
		return jsonErr(err)
	}
	p := jparser{b: s.raw, eof: true, numText: s.numText}
	v, err := p.value()
	if err != nil {
		return err
	}
	return s.emit(v)
}

// skip consumes the rest of a value whose first token is tok.
func (s *jsonStreamer) skip(tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := s.dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// build materialises the value whose first token is tok.
func (s *jsonStreamer) build(tok json.Token, depth int) (value, error) {
	if depth > maxJSONDepth {
		return value{}, errorf(ErrJSONParsingError, "nested too deeply")
	}
	switch t := tok.(type) {
	case nil:
		return nullV, nil
	case bool:
		return boolV(t), nil
	case string:
		return stringV(t), nil
	case json.Number:
		p := jparser{b: []byte(t), eof: true, numText: s.numText}
		return p.number()
	case json.Delim:
		switch t {
		case '{':
			o := &object{}
			for s.dec.More() {
				kt, err := s.dec.Token()
				if err != nil {
					return value{}, jsonErr(err)
				}
				vt, err := s.dec.Token()
				if err != nil {
					return value{}, jsonErr(err)
				}
				v, err := s.build(vt, depth+1)
				if err != nil {
					return value{}, err
				}
				key, _ := kt.(string)
				o.names = append(o.names, key)
				o.vals = append(o.vals, v)
			}
			if _, err := s.dec.Token(); err != nil {
				return value{}, jsonErr(err)
			}
			return value{k: kStruct, st: o}, nil
		case '[':
			o := &object{}
			for s.dec.More() {
				vt, err := s.dec.Token()
				if err != nil {
					return value{}, jsonErr(err)
				}
				v, err := s.build(vt, depth+1)
				if err != nil {
					return value{}, err
				}
				o.vals = append(o.vals, v)
			}
			if _, err := s.dec.Token(); err != nil {
				return value{}, jsonErr(err)
			}
			return value{k: kList, st: o}, nil
		}
	}
	return value{}, errorf(ErrJSONParsingError, "unexpected token %v", tok)
}

// member handles the next member (or element) of the object (or array)
// being expanded: taken by the last step, it is a record; taken by an
// earlier one, it is expanded by the rest of the path; otherwise it is
// skipped. It returns the number of records it produced.
// wildMember is member for an element a wildcard takes: "wildcards
// always emit at least one record", so an element the rest of the path
// selects nothing of is a MISSING record.
func (s *jsonStreamer) wildMember(take, wildcard bool, steps []Step) (int, error) {
	n, err := s.member(take, steps)
	if err == nil && take && wildcard && n == 0 {
		return 1, s.emit(missingV)
	}
	return n, err
}

func (s *jsonStreamer) member(take bool, steps []Step) (int, error) {
	if take && len(steps) == 1 {
		if err := s.leaf(); err != nil {
			return 0, err
		}
		return 1, nil
	}
	vt, err := s.dec.Token()
	if err != nil {
		return 0, jsonErr(err)
	}
	if !take {
		return 0, s.skip(vt)
	}
	return s.expand(vt, steps[1:])
}
