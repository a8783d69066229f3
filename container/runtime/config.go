package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// ConfigName is the bundle file the runtime reads (runtime-spec bundle.md).
const ConfigName = "config.json"

// LoadBundle reads and validates <bundle>/config.json. The root path is
// made absolute against the bundle directory.
func LoadBundle(bundle string) (*specs.Spec, error) {
	data, err := os.ReadFile(filepath.Join(bundle, ConfigName))
	if err != nil {
		return nil, err
	}
	s, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(bundle, ConfigName), err)
	}
	if !filepath.IsAbs(s.Root.Path) {
		s.Root.Path = filepath.Join(bundle, s.Root.Path)
	}
	if fi, err := os.Stat(s.Root.Path); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("root.path: %q is not a directory", s.Root.Path)
	}
	return s, nil
}

// ParseConfig decodes a config.json strictly (an unknown field is an error
// naming it) and checks what the runtime relies on.
func ParseConfig(data []byte) (*specs.Spec, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s specs.Spec
	if err := dec.Decode(&s); err != nil {
		return nil, describeJSONError(data, err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("malformed JSON: trailing data after the object at offset %d", dec.InputOffset())
	}
	if err := validate(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// describeJSONError adds the line and column to the decoder's errors.
func describeJSONError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		return fmt.Errorf("field %s: %w", te.Field, err)
	}
	if off < 1 || off > int64(len(data)) {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	i := off - 1 // the offending byte; the decoder's offset is past it
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	col := i - int64(bytes.LastIndexByte(data[:i], '\n'))
	return fmt.Errorf("malformed JSON at line %d column %d: %w", line, col, err)
}

// validate checks the fields the runtime needs, naming the first bad one.
func validate(s *specs.Spec) error {
	if s.Version == "" {
		return errors.New("ociVersion: missing")
	}
	if s.Root == nil || s.Root.Path == "" {
		return errors.New("root.path: missing")
	}
	if s.Process == nil {
		return errors.New("process: missing")
	}
	if len(s.Process.Args) == 0 {
		return errors.New("process.args: empty")
	}
	if s.Process.Cwd == "" || !filepath.IsAbs(s.Process.Cwd) {
		return fmt.Errorf("process.cwd: %q is not an absolute path", s.Process.Cwd)
	}
	if s.Linux == nil {
		return errors.New("linux: missing")
	}
	if err := validateNamespaces(s.Linux.Namespaces); err != nil {
		return err
	}
	if err := validateUserNS(s.Linux); err != nil {
		return err
	}
	return validateTimeOffsets(s.Linux)
}

// validateNamespaces rejects unknown and repeated types, and user and
// time namespaces given by path (setns.go). Without a mount namespace the
// container is set up in the runtime's (nomntns.go).
func validateNamespaces(nss []specs.LinuxNamespace) error {
	seen := map[specs.LinuxNamespaceType]bool{}
	for i, ns := range nss {
		if _, ok := cloneFlag[ns.Type]; !ok {
			return fmt.Errorf("linux.namespaces[%d].type: unknown namespace type %q", i, ns.Type)
		}
		if seen[ns.Type] {
			return fmt.Errorf("linux.namespaces[%d].type: %q given twice", i, ns.Type)
		}
		seen[ns.Type] = true
		if why, ok := notJoinable[ns.Type]; ok && ns.Path != "" {
			return fmt.Errorf("linux.namespaces[%d].path: cannot join a %s namespace: %s", i, ns.Type, why)
		}
	}
	return nil
}
