package prevail

// Messages: what PREVAIL reports, each "label: text". A label is a pc
// ("3"), an edge ("3:5", for notes about one branch of a jump), a pc inside
// a called function after the call stack ("0/9", "0/11:12"), or "exit".
// Messages without a label ("too many call stack frames") concern the
// whole program.

import (
	"regexp"
	"strconv"
	"strings"
)

// Message is one expected message.
type Message struct {
	Raw   string
	Label string // "3", "3:5", "0/9", "exit", or "" when the message names none
	PC    int    // the instruction (for "0/9", 9), or -1
	To    int    // the target of an edge label, or -1
	Text  string // what follows the label
}

var messageLabel = regexp.MustCompile(`^((?:\d+/)*(\d+)(?::(\d+))?|exit|entry)(?: \([a-z]+\))?: (.*)$`)

// ParseMessage splits a message into its label and text.
func ParseMessage(s string) Message {
	m := Message{Raw: s, PC: -1, To: -1, Text: s}
	sub := messageLabel.FindStringSubmatch(s)
	if sub == nil {
		return m
	}
	m.Label, m.Text = sub[1], sub[4]
	if sub[2] != "" {
		m.PC, _ = strconv.Atoi(sub[2])
	}
	if sub[3] != "" {
		m.To, _ = strconv.Atoi(sub[3])
	}
	return m
}

// Unreachable reports whether m is PREVAIL's note that a branch or an
// assume can never be taken ("Code becomes unreachable (assume r1 < 5)"):
// a fact about precision, not a safety error.
func (m Message) Unreachable() bool { return strings.HasPrefix(m.Text, "Code becomes unreachable") }

// ParsedMessages is c.Messages parsed.
func (c *Case) ParsedMessages() []Message {
	out := make([]Message, 0, len(c.Messages))
	for _, s := range c.Messages {
		out = append(out, ParseMessage(s))
	}
	return out
}

// ExpectAccept is the corpus README's verdict: PREVAIL accepts the program
// when it reports nothing. (The cases with an ExpectedException test
// PREVAIL's reading of the YAML, not a program: skip them.)
func (c *Case) ExpectAccept() bool { return len(c.Messages) == 0 }

// ExpectSafe is the verdict a Linux-like verifier should match: no message
// but the unreachable-code notes, which PREVAIL gives for branches its
// domain proves dead (Linux prunes those branches silently).
func (c *Case) ExpectSafe() bool {
	for _, m := range c.ParsedMessages() {
		if !m.Unreachable() {
			return false
		}
	}
	return true
}
