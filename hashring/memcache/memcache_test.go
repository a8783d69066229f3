package memcache_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomemcache "github.com/bradfitz/gomemcache/memcache"
	"github.com/deepsys/deepsys/hashring/memcache"
	"github.com/deepsys/deepsys/internal/testenv"
)

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs a server process and waits until addr accepts connections.
func start(t *testing.T, addr string, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() { stop(cmd) })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return cmd
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not listen on %s within 10s", name, addr)
	return nil
}

func stop(cmd *exec.Cmd) {
	if cmd.ProcessState == nil {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// cluster is three memcached on loopback and a twemproxy pool in front.
type cluster struct {
	servers []string // host:port:weight
	procs   []*exec.Cmd
	proxy   string
}

func startCluster(t *testing.T) *cluster {
	memcached := testenv.RequireTool(t, "memcached")
	nutcracker := testenv.RequireTool(t, "nutcracker")
	c := &cluster{}
	for i, w := range []int{1, 1, 2} {
		port := freePort(t)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		args := []string{"-l", "127.0.0.1", "-p", fmt.Sprint(port), "-U", "0", "-m", "16", "-t", "1"}
		if os.Geteuid() == 0 {
			args = append(args, "-u", "nobody")
		}
		c.procs = append(c.procs, start(t, addr, memcached, args...))
		c.servers = append(c.servers, fmt.Sprintf("%s:%d", addr, w))
		_ = i
	}
	c.proxy = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	dir := t.TempDir()
	conf := filepath.Join(dir, "pool.yml")
	yml := fmt.Sprintf("pool_md5:\n  listen: %s\n  hash: md5\n  distribution: ketama\n  auto_eject_hosts: false\n  timeout: 1000\n  servers:\n", c.proxy)
	for _, s := range c.servers {
		yml += "   - " + s + "\n"
	}
	if err := os.WriteFile(conf, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, c.proxy, nutcracker, "-c", conf, "-s", fmt.Sprint(freePort(t)), "-a", "127.0.0.1",
		"-o", filepath.Join(dir, "nutcracker.log"), "-p", filepath.Join(dir, "nutcracker.pid"))
	return c
}

// hostport strips the weight.
func hostport(server string) string { return server[:strings.LastIndex(server, ":")] }

func TestShardsLikeTwemproxy(t *testing.T) {
	c := startCluster(t)
	sel, err := memcache.New(c.servers...)
	if err != nil {
		t.Fatal(err)
	}
	ours, proxy := gomemcache.NewFromSelector(sel), gomemcache.New(c.proxy)
	ours.Timeout, proxy.Timeout = 2*time.Second, 2*time.Second
	const n = 300
	for i := 0; i < n; i++ {
		set(t, ours, fmt.Sprintf("ours:%d", i))
		set(t, proxy, fmt.Sprintf("proxy:%d", i))
	}
	for i := 0; i < n; i++ {
		get(t, proxy, fmt.Sprintf("ours:%d", i)) // written by us, read through twemproxy
		get(t, ours, fmt.Sprintf("proxy:%d", i)) // written through twemproxy, read by us
	}
	checkPlacement(t, c, sel, n)
}

// checkPlacement asks each memcached directly: a key lives exactly on the
// server our selector picks for it.
func checkPlacement(t *testing.T, c *cluster, sel *memcache.Selector, n int) {
	t.Helper()
	per := map[string]int{}
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("proxy:%d", i)
		addr, err := sel.PickServer(key)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.servers {
			_, err := gomemcache.New(hostport(s)).Get(key)
			holds := err == nil
			if holds != (hostport(s) == addr.String()) {
				t.Fatalf("key %s: server %s holds=%v, selector picked %s", key, s, holds, addr)
			}
		}
		per[addr.String()]++
	}
	if len(per) != 3 {
		t.Fatalf("keys landed on %d servers, want 3: %v", len(per), per)
	}
}

func TestStoppingOneServerLosesOnlyItsKeys(t *testing.T) {
	c := startCluster(t)
	sel, err := memcache.New(c.servers...)
	if err != nil {
		t.Fatal(err)
	}
	client := gomemcache.NewFromSelector(sel)
	client.Timeout = 2 * time.Second
	const n = 400
	for i := 0; i < n; i++ {
		set(t, client, fmt.Sprintf("k:%d", i))
	}
	dead := hostport(c.servers[0])
	stop(c.procs[0])
	lost, want := 0, 0
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("k:%d", i)
		addr, _ := sel.PickServer(key)
		_, err := client.Get(key)
		if addr.String() == dead {
			want++
			if err == nil {
				t.Fatalf("key %s on the stopped server still readable", key)
			}
			lost++
			continue
		}
		if err != nil {
			t.Fatalf("key %s on live server %s: %v", key, addr, err)
		}
	}
	if lost != want || lost == 0 || lost > n/2 {
		t.Fatalf("lost %d keys, the stopped server owned %d of %d", lost, want, n)
	}
	t.Logf("stopped %s: lost %d of %d keys (its share), the rest intact", dead, lost, n)
}

func set(t *testing.T, c *gomemcache.Client, key string) {
	t.Helper()
	if err := c.Set(&gomemcache.Item{Key: key, Value: []byte("v=" + key)}); err != nil {
		t.Fatalf("set %s: %v", key, err)
	}
}

func get(t *testing.T, c *gomemcache.Client, key string) {
	t.Helper()
	it, err := c.Get(key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	if string(it.Value) != "v="+key {
		t.Fatalf("get %s = %q", key, it.Value)
	}
}

func TestBadServers(t *testing.T) {
	for _, spec := range [][]string{{}, {"127.0.0.1"}, {"127.0.0.1:11211:-1"}, {"127.0.0.1:11211", "127.0.0.1:11211"}, {"no such host:1"}} {
		if _, err := memcache.New(spec...); err == nil {
			t.Errorf("New(%q) succeeded, want an error", spec)
		}
	}
	var empty memcache.Selector
	if _, err := empty.PickServer("k"); !errors.Is(err, gomemcache.ErrNoServers) {
		t.Errorf("PickServer on an empty selector: %v", err)
	}
}
