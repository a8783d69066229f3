// Package runc is the container system's runc-compatible command line: the
// verbs and flags that containerd-style tools (containerd's runc shim,
// go-runc, runtime-tools) call a runtime with, mapped onto
// container/runtime.
//
// The interface is runc's (runc(8), and the OCI runtime spec's
// runtime.md "Operations" for the five it standardises):
//
//  1. Global flags come before or after the verb: --root (the state
//     directory of the containers), --log and --log-format text|json
//     (errors are appended to the log file, one line each, as runc does so
//     a shim can read why a verb failed), --debug, --systemd-cgroup.
//  2. The verbs: create, start, run, state, kill, delete, list, pause,
//     resume, ps, update, events, features, exec, spec — one file each, named
//     after the verb. state reports runc's "paused" while the cgroup is
//     frozen; ps lists the pids of the container's cgroup (json) or
//     filters ps(1)'s table to them; update writes new limits (flags or a
//     linux.resources JSON) to the live cgroup and keeps them in the
//     state; events prints runc's stats and oom event objects;
//     features prints runtime-spec's features.md document. run forwards
//     signals to the container's process; run --detach returns once the
//     container has started.
//  3. A verb that ran a process (run) returns ExitStatus, so the command
//     exits with the container's status; a bad flag or argument is a
//     UsageError (exit 2).
//
// Two binaries expose it: `deepsys container <verb>` (Attach on the
// container system's command) and the standalone cmd/deepsys-runc (Main),
// which tools can be pointed at as their runtime binary; deepsys itself
// dispatches to Main when it is invoked through a link named runc or
// deepsys-runc.
package runc
