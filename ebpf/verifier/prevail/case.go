package prevail

// Reading the YAML: each document is decoded into a yaml.Node tree and
// checked field by field against test-schema.yaml, so that a document with
// an unknown key or a wrong shape is an error naming its file and line,
// and the line of every code block is kept for errors in the code.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Case is one test case.
type Case struct {
	File     string // base name of the YAML file
	Line     int    // line of the "test-case:" key
	Name     string
	Options  []string // "!allow_division_by_zero", "termination", "big_endian", ...
	Pre      []string // constraints on the initial state
	Blocks   []Block  // the code, in order
	Post     []string // constraints PREVAIL computes at the end; "_|_" for bottom
	Messages []string // what PREVAIL reports; none when the program is accepted

	Observe []Observation
	// ExpectedException is set in the few cases that test PREVAIL's own
	// input checking; their Observe may be malformed on purpose.
	ExpectedException string
}

// Block is one labelled block of code.
type Block struct {
	Label string   // without the angle brackets: "start", "out"
	Lines []string // one instruction a line, as written
	Line  int      // file line of Lines[0]
}

// Observation asks whether a concrete observation is consistent with (or
// entailed by) the abstract state at a label ("exit", "entry" or a pc).
type Observation struct {
	At          string
	Point       string // "pre" or "post" ("" = post)
	Mode        string // "consistent" or "entailed"
	Constraints []string
}

// Code is the blocks as a name -> text map and the order of the names, as
// PREVAIL's runner keeps them.
func (c *Case) Code() (map[string]string, []string) {
	m := map[string]string{}
	var order []string
	for _, b := range c.Blocks {
		m[b.Label] = strings.Join(b.Lines, "\n")
		order = append(order, b.Label)
	}
	return m, order
}

func (c *Case) String() string { return fmt.Sprintf("%s:%d %q", c.File, c.Line, c.Name) }

// ReadDir reads every *.yaml file of dir (test-data), in name order.
func ReadDir(dir string) ([]Case, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []Case
	for _, n := range names {
		cs, err := ReadFile(n)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

// ReadFile reads the cases of one YAML file.
func ReadFile(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(filepath.Base(path), data)
}

// Parse reads the cases of a YAML file's contents; name is used in errors
// and Case.File.
func Parse(name string, data []byte) ([]Case, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var cases []Case
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return cases, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" {
			continue // a document of comments only
		}
		c, err := parseCase(name, doc.Content[0])
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
}

// nodeError is an error at a node of file name.
func nodeError(name string, n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", name, n.Line, fmt.Sprintf(format, args...))
}

func parseCase(name string, n *yaml.Node) (Case, error) {
	c := Case{File: name, Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return c, nodeError(name, n, "a test case must be a mapping")
	}
	seen := map[string]bool{}
	var observe *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "test-case":
			c.Name, err = scalar(name, v)
			c.Line = k.Line
		case "expected-exception":
			c.ExpectedException, err = scalar(name, v)
		case "options":
			c.Options, err = stringList(name, v)
		case "pre":
			c.Pre, err = stringList(name, v)
		case "post":
			c.Post, err = stringList(name, v)
		case "messages":
			c.Messages, err = stringList(name, v)
		case "code":
			c.Blocks, err = blocks(name, v)
		case "observe":
			observe = v
		default:
			err = nodeError(name, k, "unknown key %q", k.Value)
		}
		if err != nil {
			return c, err
		}
	}
	for _, req := range []string{"test-case", "pre", "code", "post"} {
		if !seen[req] {
			return c, nodeError(name, n, "test case %q has no %q", c.Name, req)
		}
	}
	if observe != nil {
		obs, err := observations(name, observe)
		if err != nil && c.ExpectedException == "" {
			return c, err
		}
		c.Observe = obs
	}
	return c, nil
}

func scalar(name string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", nodeError(name, n, "expected a string")
	}
	return n.Value, nil
}

// stringList reads a sequence of strings (a null is an empty sequence).
func stringList(name string, n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, nodeError(name, n, "expected a list of strings")
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		s, err := scalar(name, e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// blocks reads the code mapping: "<label>: |" and the block's lines.
func blocks(name string, n *yaml.Node) ([]Block, error) {
	if n.Kind != yaml.MappingNode {
		return nil, nodeError(name, n, "code must map labels to blocks")
	}
	var out []Block
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		label := k.Value
		if len(label) < 3 || label[0] != '<' || label[len(label)-1] != '>' {
			return nil, nodeError(name, k, "code label %q is not of the form <name>", label)
		}
		text, err := scalar(name, v)
		if err != nil {
			return nil, err
		}
		line := v.Line
		if v.Style == yaml.LiteralStyle || v.Style == yaml.FoldedStyle {
			line++ // the text starts on the line after "|"
		}
		out = append(out, Block{Label: label[1 : len(label)-1], Lines: splitLines(text), Line: line})
	}
	if len(out) == 0 { // the schema wants <start> first; the runner does not (loop.yaml has <init>)
		return nil, nodeError(name, n, "code has no block")
	}
	return out, nil
}

// splitLines splits a block's text into lines, as std::getline does: a
// final newline does not start another line.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func observations(name string, n *yaml.Node) ([]Observation, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, nodeError(name, n, "observe must be a list")
	}
	var out []Observation
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return nil, nodeError(name, item, "an observe item must be a mapping")
		}
		var o Observation
		var err error
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			switch k.Value {
			case "at":
				o.At, err = scalar(name, v)
			case "point":
				o.Point, err = scalar(name, v)
			case "mode":
				o.Mode, err = scalar(name, v)
			case "constraints":
				o.Constraints, err = stringList(name, v)
			default:
				err = nodeError(name, k, "unknown observe key %q", k.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		if o.At == "" || o.Constraints == nil {
			return nil, nodeError(name, item, "an observe item needs 'at' and 'constraints'")
		}
		out = append(out, o)
	}
	return out, nil
}
