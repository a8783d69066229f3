package prevail

// Env is the environment PREVAIL's YAML runner gives every case
// (src/test/ebpf_yaml.cpp: ctx_descriptor{64, 0, 4, -1} and its one
// test_map_descriptor).
var Env = struct {
	CtxSize       int // bytes of the context
	CtxData       int // offset of the packet start pointer in the context
	CtxDataEnd    int // offset of the packet end pointer
	CtxMeta       int // offset of the metadata pointer, -1: none
	MapKeySize    int
	MapValueSize  int
	MapMaxEntries int
	StackSize     int // PREVAIL's stack offsets run 0..StackSize; r10 is at StackSize
}{64, 0, 4, -1, 4, 4, 4, 512}
