package runc

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// logEntry is one line of --log-format json, as runc writes it (logrus's
// JSON formatter: level, msg, time).
type logEntry struct {
	Level string `json:"level"`
	Msg   string `json:"msg"`
	Time  string `json:"time"`
}

// logError appends err to the --log file, if there is one. A shim reads
// the last line to learn why a verb failed.
func (g *Globals) logError(err error) error {
	if g.Log == "" {
		return nil
	}
	f, ferr := os.OpenFile(g.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if ferr != nil {
		return fmt.Errorf("--log: %w", ferr)
	}
	defer f.Close()
	now := time.Now().Format(time.RFC3339Nano)
	var line []byte
	if g.LogFormat == "json" {
		line, _ = json.Marshal(logEntry{Level: "error", Msg: err.Error(), Time: now})
	} else {
		line = fmt.Appendf(nil, "time=%q level=error msg=%q", now, err.Error())
	}
	_, werr := f.Write(append(line, '\n'))
	return werr
}
