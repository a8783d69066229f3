package virtio

import (
	"encoding/binary"
	"fmt"
)

// Descriptor flags (spec 2.7.5).
const (
	DescFNext     = 1 // the chain continues at Next
	DescFWrite    = 2 // the buffer is device-writable (else device-readable)
	DescFIndirect = 4 // the buffer is a table of descriptors (spec 2.7.5.3)
)

// descSize is the size of struct virtq_desc: addr le64, len le32,
// flags le16, next le16 (spec 2.7.5).
const descSize = 16

// MaxIndirect bounds the entries of one indirect table. The spec lets an
// indirect table be any multiple of 16 bytes; a guest asking us to walk
// 2^28 of them is refused instead (Linux never builds more than the queue
// size, and MaxQueueSize is the largest queue there is).
const MaxIndirect = MaxQueueSize

// Desc is one descriptor as read from a table.
type Desc struct {
	Addr  uint64
	Len   uint32
	Flags uint16
	Next  uint16
}

// readDesc reads entry i of the descriptor table at table.
func readDesc(mem GuestMemory, table uint64, i uint16) (Desc, error) {
	b, err := mem.Slice(table+uint64(i)*descSize, descSize)
	if err != nil {
		return Desc{}, err
	}
	return Desc{
		Addr:  binary.LittleEndian.Uint64(b[0:]),
		Len:   binary.LittleEndian.Uint32(b[8:]),
		Flags: binary.LittleEndian.Uint16(b[12:]),
		Next:  binary.LittleEndian.Uint16(b[14:]),
	}, nil
}

// ChainError is a malformed descriptor chain: which queue, which head and
// which descriptor, and what was wrong with it.
type ChainError struct {
	Queue    int    // queue index
	Head     uint16 // head of the chain on the available ring
	Indirect bool   // the bad descriptor is in an indirect table
	Index    uint16 // its index in the table it lives in
	Reason   string
	Err      error // an underlying AddressError, if any
}

func (e *ChainError) Error() string {
	where := "descriptor table"
	if e.Indirect {
		where = "indirect table"
	}
	s := fmt.Sprintf("virtqueue %d: chain at head %d: %s entry %d: %s", e.Queue, e.Head, where, e.Index, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ChainError) Unwrap() error { return e.Err }
