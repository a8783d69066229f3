// Package prevail reads the YAML test corpus of the PREVAIL eBPF verifier
// (github.com/vbpf/prevail, test-data/*.yaml; PLDI'19 "Simple and Precise
// Static Analysis of Untrusted Linux Kernel Extensions") into programs and
// initial states that this project's verifier (issue 04) can run, and
// expected verdicts to compare it with. The corpus is at
// ../shared/corpora/prevail-test-data; tests reach it through
// internal/testenv.Corpus.
//
// # The format
//
// Each file holds YAML documents separated by "---", one test case each
// (test-schema.yaml):
//
//	test-case: add immediate to singleton number
//	options: ["!allow_division_by_zero"]           # optional
//	pre: ["r1.type=number", "r1.svalue=5", "r1.uvalue=5"]
//	code:
//	  <start>: |
//	    r1 += 3
//	  <out>: |
//	    exit
//	post: ["r1.type=number", "r1.svalue=8", "r1.uvalue=8"]
//	messages: ["0: Invalid type (r3.type == number)"]   # optional
//
// pre is the abstract state the analysis starts from, and only that: the
// YAML runner turns PREVAIL's usual entry constraints off
// (setup_constraints), so r1 is not a context and r10 not the frame pointer
// unless pre says so, and a register pre does not mention is
// uninitialised. post is the state PREVAIL computes at the end; messages
// are what it reports, each at a label: "3: ..." at instruction 3,
// "3:5: ..." on the edge from 3 to 5, "0/9: ..." at 9 in a function called
// from 0, "exit: ..." at the end.
//
// # Code
//
// The code blocks run in the order written, each falling through into the
// next; a block's name is a label for its first line ("goto <out>"), and
// every line is one instruction, so instruction i (lddw too counts one) is
// the pc of the messages. Lines use PREVAIL's variant of the kernel/LLVM
// syntax that asm.AssembleLLVM reads; Translate rewrites what differs
// (code.go): "r1 s8= r2" is r1 = (s8)r2; "lock *(u64 *)(r1 + 0) += r2
// fetch", "x=" and "cx=" are the fetching atomics; "r1 = map_fd 1",
// "map_val(1) + 4", "map_by_idx(0)", "mva(map_by_idx(0)) + 4" are lddw
// with a pseudo source. "assume r1 < 5" is not an eBPF instruction: it
// keeps only the states where the condition holds. It is encoded as the
// conditional jump "if r1 < 5 goto +0", and Program.Assume marks its pc:
// the verifier must treat it as a refinement by the condition, with no
// other edge.
//
// The runner does not ask for an exit (must_have_exit is off): most cases
// end after their last line, and the post state is the state there. So a
// verifier runs them as straight-line fragments, and only 108 of the
// translated programs pass ebpf.Validate as they are (TestCorpus lists
// why the others do not: no exit, an assume or jump at the very end,
// callx, map loads a loader would resolve).
//
// # Constraints
//
// pre, post and observe entries are PREVAIL constraints (constraint.go),
// parsed into Constraint values: a register, stack-range or global
// variable ("r1.svalue", "s[504...511].type", "packet_size") with a type
// set, an interval, a value, an equality to another variable or a bound on
// a difference. PreStateOf gathers a case's pre into a PreState, per
// register and stack range, the form a verifier's initial state needs;
// PostStateOf gathers post the same way (with "_|_" and loop counters), the
// facts a verifier as precise as PREVAIL would prove at the end.
//
// # The environment
//
// The YAML runner (prevail src/test/ebpf_yaml.cpp) runs every case with a
// 64-byte context whose packet pointers are at offsets 0 (data) and 4
// (data_end), no data_meta, and one map: key and value 4 bytes, 4 entries.
// Helper prototypes are Linux's. Env holds these numbers.
package prevail
