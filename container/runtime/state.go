package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// DefaultRoot is where container state lives unless --root says otherwise.
const DefaultRoot = "/run/deepsys-container"

// Files of a container's state directory <root>/<id>.
const (
	stateFile = "state.json"
	fifoName  = "exec.fifo"
)

// record is what state.json holds: the OCI state's fixed fields plus what
// the runtime needs to recognise its process later.
type record struct {
	ID      string            `json:"id"`
	Pid     int               `json:"pid"`
	Bundle  string            `json:"bundle"`
	Created time.Time         `json:"created"`
	Start   uint64            `json:"startTime"` // /proc/<pid>/stat field 22
	Annot   map[string]string `json:"annotations,omitempty"`
	Hooks   *specs.Hooks      `json:"hooks,omitempty"` // for poststart and poststop
	Cgroup  string            `json:"cgroupsPath,omitempty"`
	// SharedRoot is the rootfs bind of a container without a mount
	// namespace, for delete to detach (nomntns.go).
	SharedRoot sharedRoot `json:"sharedRoot,omitzero"`
	// Config is the config.json create read: exec works from it, so that
	// a bundle edited afterwards does not change the container
	// (runtime.md "Lifecycle" step 2; runc keeps its config too).
	Config *specs.Spec `json:"config,omitempty"`
	// Resources are linux.resources as created, with updates merged
	// (update.go).
	Resources *specs.LinuxResources `json:"resources,omitempty"`
}

var validID = regexp.MustCompile(`^[A-Za-z0-9_+\-.]+$`)

// checkID refuses ids that would escape the root directory.
func checkID(id string) error {
	if !validID.MatchString(id) || id == "." || id == ".." {
		return fmt.Errorf("container id %q: use letters, digits and _+-. only", id)
	}
	return nil
}

func stateDir(root, id string) string { return filepath.Join(root, id) }

func (r *record) save(dir string) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, stateFile))
}

func loadRecord(root, id string) (*record, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(stateDir(root, id), stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("container %q does not exist", id)
	} else if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("container %q: %s: %w", id, stateFile, err)
	}
	return &r, nil
}

// State returns the OCI state of container id (runtime.md "State").
func State(root, id string) (*specs.State, error) {
	r, err := loadRecord(root, id)
	if err != nil {
		return nil, err
	}
	return r.state(root), nil
}

func (r *record) state(root string) *specs.State {
	st := &specs.State{Version: specs.Version, ID: r.ID, Bundle: r.Bundle, Annotations: r.Annot}
	st.Status = r.status(root)
	if st.Status != specs.StateStopped {
		st.Pid = r.Pid
	}
	return st
}

// status: stopped when the process is gone, a zombie or another process
// with the same pid; paused while its cgroup is frozen (pause.go); created
// while exec.fifo exists; otherwise running.
func (r *record) status(root string) specs.ContainerState {
	if !r.alive() {
		return specs.StateStopped
	}
	if r.frozen() {
		return stateFrozen
	}
	if _, err := os.Stat(filepath.Join(stateDir(root, r.ID), fifoName)); err == nil {
		return specs.StateCreated
	}
	return specs.StateRunning
}

func (r *record) alive() bool {
	st, start, err := procStat(r.Pid)
	return err == nil && st != 'Z' && st != 'X' && start == r.Start
}

// procStat returns the state letter and start time of pid from
// /proc/<pid>/stat (proc(5)); the command name may hold spaces and
// parentheses, so fields are counted from the last ')'.
func procStat(pid int) (byte, uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: no ')'", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	return f[0][0], start, err
}

// List returns the states of every container under root, by id.
func List(root string) ([]*specs.State, error) {
	ents, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []*specs.State
	for _, e := range ents {
		if st, err := State(root, e.Name()); err == nil {
			out = append(out, st)
		}
	}
	return out, nil
}

// signalRecord sends sig to the container's process if it is still alive.
func (r *record) signal(sig unix.Signal) error {
	if !r.alive() {
		return fmt.Errorf("container %q is not running", r.ID)
	}
	return unix.Kill(r.Pid, sig)
}
