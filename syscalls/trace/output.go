package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/deepsys/deepsys/syscalls/decode"
)

// printer writes strace's lines (or JSON objects) in the order events
// happened. A syscall's line is written whole at its exit; when another
// thread has to print first, the entries still open are written first as
// `name(args <unfinished ...>` and their exits later as
// `<... name resumed>) = ret` (strace.c: printleader's "unfinished" rule).
// The resumed half prints the arguments from the first one that changed at
// exit (resumedArgs); the unfinished half, written before the exit, has
// them all as they were at entry.
type printer struct {
	t       *tracer
	w       *bufio.Writer
	pending []entry // entries not yet written, oldest first
}

// entry is a call whose entry has been seen and not written.
type entry struct {
	th   *thread
	call *decode.Call
}

// alignColumn is where strace puts the "= " of a result.
const alignColumn = 40

func newPrinter(t *tracer) *printer {
	return &printer{t: t, w: bufio.NewWriterSize(t.opts.Output, 64<<10)}
}

// quiet says no per-event line is printed (-c, or JSON which prints
// syscalls only).
func (p *printer) quiet() bool { return p.t.opts.Summary || p.t.opts.JSON }

func (p *printer) entered(th *thread, c *decode.Call) {
	if !p.quiet() {
		p.pending = append(p.pending, entry{th, c})
	}
}

// pendingDone forgets th's open entry (th detached, exited, replaced).
func (p *printer) pendingDone(th *thread) {
	for i, q := range p.pending {
		if q.th == th {
			p.pending = append(p.pending[:i], p.pending[i+1:]...)
			return
		}
	}
}

// settle writes the open entries that must precede th's next line and
// reports whether th's own entry is still unwritten, so that its line can
// be written whole: it can if th's entry is the newest.
func (p *printer) settle(th *thread) bool {
	n := len(p.pending)
	whole := n > 0 && p.pending[n-1].th == th
	for _, q := range p.pending {
		if q.th != th || !whole {
			p.writeUnfinished(q)
		}
	}
	p.pending = p.pending[:0]
	return whole
}

func (p *printer) writeUnfinished(q entry) {
	q.th.entryArgs = q.call.ArgsString()
	p.writeLine(p.prefix(q.th) + q.call.Name + "(" + q.th.entryArgs + " <unfinished ...>")
	q.th.unfinished = true
}

// resumedArgs is what the resumed half of an interleaved call prints: the
// arguments from the first one that decoded differently at exit (an
// out-argument: a read's buffer, a stat structure), or nothing.
func resumedArgs(entry, exit string) string {
	cut := 0
	for i := 0; i < len(entry) && i < len(exit) && entry[i] == exit[i]; i++ {
		if entry[i] == ' ' && i > 0 && entry[i-1] == ',' {
			cut = i + 1
		}
	}
	if entry == exit {
		return ""
	}
	return exit[cut:]
}

// syscall writes th's finished (or never-finishing) call c, d after
// entry.
func (p *printer) syscall(th *thread, c *decode.Call, d time.Duration) {
	if p.t.opts.JSON {
		p.writeJSON(th, c, d)
		return
	}
	if p.t.opts.Summary {
		return
	}
	var s string
	if p.settle(th) || !th.unfinished {
		s = p.prefix(th) + c.Name + "(" + c.ArgsString() + ")"
	} else {
		s = p.prefix(th) + "<... " + c.Name + " resumed>" + resumedArgs(th.entryArgs, c.ArgsString()) + ")"
	}
	s = alignResult(s) + c.RetString()
	if p.t.opts.Timing && c.Exited {
		s += fmt.Sprintf(" <%.6f>", d.Seconds())
	}
	p.writeLine(s)
}

// alignResult pads s to strace's result column and appends "= ".
func alignResult(s string) string {
	if len(s) < alignColumn {
		return s + strings.Repeat(" ", alignColumn-len(s)) + "= "
	}
	return s + " = "
}

// line writes a line about th that is not a syscall (signals, exits).
func (p *printer) line(th *thread, s string) {
	if p.quiet() {
		return
	}
	p.settle(nil)
	p.writeLine(p.prefix(th) + s)
}

// prefix is strace -f's: "PID   " with -o FILE, "[pid  N] " on a
// terminal when more than one thread is traced.
func (p *printer) prefix(th *thread) string {
	switch {
	case p.t.opts.ToFile && p.t.opts.Follow:
		return fmt.Sprintf("%-5d ", th.tid)
	case !p.t.opts.ToFile && len(p.t.threads) > 1:
		return fmt.Sprintf("[pid %5d] ", th.tid)
	}
	return ""
}

func (p *printer) writeLine(s string) {
	p.w.WriteString(s)
	p.w.WriteByte('\n')
	if p.t.opts.LineBuffered {
		p.w.Flush()
	}
}

// jsonCall is --json's object: one a syscall.
type jsonCall struct {
	Pid      int     `json:"pid"`
	Name     string  `json:"name"`
	Args     string  `json:"args"`
	Ret      *int64  `json:"ret"` // null: the call never returned
	Errno    string  `json:"errno,omitempty"`
	Duration float64 `json:"duration"` // seconds
}

func (p *printer) writeJSON(th *thread, c *decode.Call, d time.Duration) {
	o := jsonCall{Pid: th.tid, Name: c.Name, Args: c.ArgsString(), Duration: d.Seconds()}
	if c.Exited {
		o.Ret = &c.Ret
		if e := c.Errno(); e != 0 {
			o.Errno = errnoName(e)
		}
	}
	b, err := json.Marshal(o)
	if err != nil {
		panic("BUG: jsonCall does not marshal: " + err.Error())
	}
	p.writeLine(string(b))
}

// finish writes the summary table (with -c) and flushes.
func (p *printer) finish() error {
	if p.t.opts.Summary {
		if err := p.t.sum.WriteTable(p.w); err != nil {
			return err
		}
	}
	return p.w.Flush()
}
