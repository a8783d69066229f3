package seccomp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// policyJSON is Policy with the syscalls left raw, so that each entry is
// decoded on its own and an error can name it.
type policyJSON struct {
	Policy
	Syscalls []json.RawMessage `json:"syscalls,omitempty"`
}

// ruleJSON is Rule with the arguments left raw for the same reason.
type ruleJSON struct {
	Rule
	Args []json.RawMessage `json:"args,omitempty"`
}

// ParsePolicy decodes an OCI or Docker seccomp profile strictly: unknown
// fields, trailing data and wrongly typed values are errors that name the
// entry (`syscalls[3].args[0]: ...`), and then the policy is checked (Check)
// for unknown actions, operators, architectures and argument indexes.
// Unknown syscall names are not a parse error: see Compile.
func ParsePolicy(data []byte) (*Policy, error) {
	var pj policyJSON
	if err := decodeStrict(data, &pj); err != nil {
		return nil, fmt.Errorf("seccomp policy: %w", err)
	}
	p := pj.Policy
	p.Syscalls = make([]Rule, len(pj.Syscalls))
	for i, raw := range pj.Syscalls {
		r, err := parseRule(raw)
		if err != nil {
			return nil, fmt.Errorf("seccomp policy: syscalls[%d]%w", i, err)
		}
		p.Syscalls[i] = r
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// parseRule decodes one entry of "syscalls"; its errors start with the
// path inside the entry (".args[1]: ...", or ": ..." for the entry itself).
func parseRule(raw json.RawMessage) (Rule, error) {
	var rj ruleJSON
	if err := decodeStrict(raw, &rj); err != nil {
		return Rule{}, fmt.Errorf(": %w", err)
	}
	r := rj.Rule
	r.Args = make([]Arg, len(rj.Args))
	for j, a := range rj.Args {
		if err := decodeStrict(a, &r.Args[j]); err != nil {
			return Rule{}, fmt.Errorf(".args[%d]: %w", j, err)
		}
	}
	if len(r.Args) == 0 {
		r.Args = nil
	}
	return r, nil
}

// decodeStrict decodes one JSON value into v, rejecting unknown fields and
// anything after the value.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}
