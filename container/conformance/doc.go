// Package conformance runs the OCI runtime validation suite of
// opencontainers/runtime-tools against a runtime and a reference runtime in
// the same run, and compares them file by file.
//
// The suite is a set of Go programs, one per test file
// (validation/<name>/<name>.go), each of which drives a runtime through its
// runc-style command line (create, start, state, kill, delete; the RUNTIME
// environment variable names the program) on a bundle unpacked from the
// module's rootfs-amd64.tar.gz, with runtimetest copied in as the
// container's process to check the container from inside. Each program
// prints TAP (Test Anything Protocol version 13) on stdout.
//
// How the suite is obtained and run:
//
//  1. Build asks `go mod download -json` for the module at Version (through
//     GOPROXY: the proxy serves only the tagged v0.9.0, which predates Go
//     modules), copies it into a build directory, writes the pinned go.mod
//     and go.sum embedded here (runtime-spec v1.0.2 and selinux v1.2.2: the
//     newest versions break its build; every other module pinned too, so a
//     later release cannot change what is built), and builds runtimetest
//     (static, CGO_ENABLED=0: it runs inside the container's rootfs) and
//     every validation program with one `go build -o DIR/`.
//  2. The programs, runtimetest and the rootfs tarball are cached under the
//     user cache directory, keyed by version and the pins' hash; the cache
//     is filled by renaming a finished directory into place, so a run that
//     dies half-way leaves no half cache.
//  3. RunFile runs one program with RUNTIME set, in the suite directory (the
//     programs find rootfs-amd64.tar.gz and runtimetest in their working
//     directory), in its own process group, killed with its children when
//     its timeout passes: a hang is a failure, not a stuck run.
//  4. ParseTAP counts test points (ok, not ok, skip, todo), the plan, a
//     "Bail out!", and YAML diagnostics that follow no test point: the
//     lifecycle programs (hooks, poststart, prestart_fail, ...) report their
//     failure that way, with plan 1..0 and exit status 0.
//  5. A file passes (FileResult.Passed) when the program exits 0 within its
//     timeout, prints a plan, no test point is "not ok", no bail out, and no
//     diagnostic stands outside a test point. Skips are not failures: the
//     suite skips what a config does not set.
//
// The pids-limit check: validation/util/linux_resources_pids.go tests
// lpd.Limit == config.Linux.Resources.Pids.Limit. In later runtime-spec
// releases (v1.3.0) LinuxPids.Limit is an *int64, so built against one
// that line compares two pointers and "pids limit is set correctly" fails
// for every runtime. With runtime-spec pinned to v1.0.2 (Limit int64) it
// compares the values and the check is meaningful: one more reason for the
// pin (docs/container.md).
package conformance
