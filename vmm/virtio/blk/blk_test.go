package blk

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

const sectors = 64 // size of the test image: 32 KiB

// disk is a device on a temp image whose sector i is filled with byte i,
// behind the mmio transport, initialised by the test driver.
type disk struct {
	path string
	dev  *Device
	drv  *virtiotest.Driver
	q    *virtiotest.Queue
	irqs int
}

func newDisk(t testing.TB, opts Options) *disk {
	t.Helper()
	img := make([]byte, sectors*SectorSize)
	for i := range img {
		img[i] = byte(i / SectorSize)
	}
	d := &disk{path: filepath.Join(t.TempDir(), "disk.img")}
	if err := os.WriteFile(d.path, img, 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if d.dev, err = Open(d.path, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.dev.Close() })
	mem := virtio.NewByteMemory(0, 4<<20)
	d.drv = virtiotest.New(virtio.NewMMIO(d.dev, mem, func() { d.irqs++ }), mem)
	if _, err := d.drv.Init(d.dev.Features()); err != nil {
		t.Fatal(err)
	}
	if d.q, err = d.drv.SetupQueue(0, 32); err != nil {
		t.Fatal(err)
	}
	if err := d.drv.Start(); err != nil {
		t.Fatal(err)
	}
	return d
}

func header(typ uint32, sector uint64) []byte {
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	return h
}

// do submits one request as Linux lays it out (header, data, status in
// three descriptors) and returns the status byte and the used length.
func (d *disk) do(t testing.TB, typ uint32, sector uint64, data []byte, dataWritable bool) (byte, uint32) {
	t.Helper()
	status := d.drv.Alloc(1, 1)
	d.drv.Bytes(status, 1)[0] = 0xff
	bufs := []virtiotest.Buf{{Addr: d.drv.Put(header(typ, sector)), Len: 16}}
	if len(data) > 0 {
		bufs = append(bufs, virtiotest.Buf{Addr: d.drv.Put(data), Len: uint32(len(data)), Write: dataWritable})
	}
	bufs = append(bufs, virtiotest.Buf{Addr: status, Len: 1, Write: true})
	head := d.q.Add(bufs)
	if err := d.drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	used, err := d.q.Collect()
	if err != nil || len(used) != 1 || used[0].ID != uint32(head) {
		t.Fatalf("used %+v, %v", used, err)
	}
	if len(data) > 0 && dataWritable {
		copy(data, d.drv.Bytes(bufs[1].Addr, uint64(len(data))))
	}
	return d.drv.Bytes(status, 1)[0], used[0].Len
}

func (d *disk) image(t testing.TB) []byte {
	b, err := os.ReadFile(d.path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConfigCapacity(t *testing.T) {
	d := newDisk(t, Options{})
	v, _ := d.drv.Read32(virtio.ConfigOffset)
	hi, _ := d.drv.Read32(virtio.ConfigOffset + 4)
	if id, _ := d.drv.Read32(virtio.RegDeviceID); id != 2 || v != sectors || hi != 0 {
		t.Fatalf("device %d, capacity %d/%d", id, v, hi)
	}
}

// TestReadWrite reads sectors 3-4, writes sectors 10-11 and reads them back
// through the device, and checks the image file itself.
func TestReadWrite(t *testing.T) {
	d := newDisk(t, Options{})
	buf := make([]byte, 2*SectorSize)
	st, n := d.do(t, TypeIn, 3, buf, true)
	if st != StatusOK || n != 2*SectorSize+1 || buf[0] != 3 || buf[SectorSize] != 4 {
		t.Fatalf("IN: status %d, len %d, data %d %d", st, n, buf[0], buf[SectorSize])
	}
	want := bytes.Repeat([]byte("virtio!\n"), 2*SectorSize/8)
	if st, n := d.do(t, TypeOut, 10, want, false); st != StatusOK || n != 1 {
		t.Fatalf("OUT: status %d, len %d", st, n)
	}
	if img := d.image(t); !bytes.Equal(img[10*SectorSize:12*SectorSize], want) || img[12*SectorSize] != 12 || img[10*SectorSize-1] != 9 {
		t.Fatal("image file does not hold exactly the written sectors")
	}
	got := make([]byte, 2*SectorSize)
	if st, _ := d.do(t, TypeIn, 10, got, true); st != StatusOK || !bytes.Equal(got, want) {
		t.Fatal("read back differs")
	}
	if st, n := d.do(t, TypeFlush, 0, nil, false); st != StatusOK || n != 1 {
		t.Fatalf("FLUSH: status %d, len %d", st, n)
	}
	if d.irqs == 0 {
		t.Fatal("no interrupt")
	}
}

// TestScatteredRequest splits header, data and status across odd-sized
// buffers in an indirect table (spec 2.6.4: no framing assumptions).
func TestScatteredRequest(t *testing.T) {
	d := newDisk(t, Options{})
	h := d.drv.Put(header(TypeIn, 7))
	data := d.drv.Alloc(SectorSize+1, 1) // one sector and the status byte
	d.q.AddIndirect([]virtiotest.Buf{
		{Addr: h, Len: 5}, {Addr: h + 5, Len: 11},
		{Addr: data, Len: 100, Write: true}, {Addr: data + 100, Len: SectorSize + 1 - 100, Write: true},
	})
	d.drv.Notify(0)
	used, _ := d.q.Collect()
	got := d.drv.Bytes(data, SectorSize+1)
	if len(used) != 1 || used[0].Len != SectorSize+1 || got[SectorSize] != StatusOK || !bytes.Equal(got[:SectorSize], bytes.Repeat([]byte{7}, SectorSize)) {
		t.Fatalf("used %+v, status %d", used, got[SectorSize])
	}
}

// TestOutOfRange: requests past the capacity or not in whole sectors are
// IOERR and the file is unchanged and not extended.
func TestOutOfRange(t *testing.T) {
	d := newDisk(t, Options{})
	before := d.image(t)
	tests := []struct {
		name   string
		typ    uint32
		sector uint64
		n      int
	}{
		{"write past the end", TypeOut, sectors - 1, 2 * SectorSize},
		{"write at the end", TypeOut, sectors, SectorSize},
		{"write at a huge sector", TypeOut, 1 << 62, SectorSize},
		{"write at a sector that overflows bytes", TypeOut, ^uint64(0) / 2, SectorSize},
		{"read past the end", TypeIn, sectors, SectorSize},
		{"partial sector write", TypeOut, 0, 100},
		{"partial sector read", TypeIn, 0, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := bytes.Repeat([]byte{0xee}, tt.n)
			st, n := d.do(t, tt.typ, tt.sector, buf, tt.typ == TypeIn)
			if st != StatusIOErr || n != 1 {
				t.Fatalf("status %d, len %d; want IOERR, 1", st, n)
			}
		})
	}
	if !bytes.Equal(d.image(t), before) {
		t.Fatal("the image changed")
	}
}

func TestReadOnly(t *testing.T) {
	d := newDisk(t, Options{ReadOnly: true})
	if d.dev.Features()&(1<<FeatureRO) == 0 {
		t.Fatal("VIRTIO_BLK_F_RO not offered")
	}
	before := d.image(t)
	if st, _ := d.do(t, TypeOut, 0, make([]byte, SectorSize), false); st != StatusIOErr {
		t.Fatalf("OUT on a read-only disk: status %d", st)
	}
	buf := make([]byte, SectorSize)
	if st, _ := d.do(t, TypeIn, 5, buf, true); st != StatusOK || buf[0] != 5 {
		t.Fatalf("IN on a read-only disk: status %d", st)
	}
	if !bytes.Equal(d.image(t), before) {
		t.Fatal("the read-only image changed")
	}
}

func TestGetIDAndUnsupported(t *testing.T) {
	d := newDisk(t, Options{ID: "deepsys-disk-0"})
	id := make([]byte, IDBytes)
	if st, n := d.do(t, TypeGetID, 0, id, true); st != StatusOK || n != IDBytes+1 || string(bytes.TrimRight(id, "\x00")) != "deepsys-disk-0" {
		t.Fatalf("GET_ID: status %d, len %d, %q", st, n, id)
	}
	if st, _ := d.do(t, TypeGetID, 0, make([]byte, 8), true); st != StatusIOErr {
		t.Fatalf("GET_ID into 8 bytes: status %d", st)
	}
	if st, _ := d.do(t, TypeDiscard, 0, make([]byte, 16), false); st != StatusUnsupp {
		t.Fatalf("DISCARD: status %d", st)
	}
	if _, err := Open(d.path, Options{ID: "an id that is much too long"}); err == nil {
		t.Fatal("a 27-byte id accepted")
	}
}

// TestMalformedRequests: a short header is IOERR; a chain with no
// writable byte is returned with length 0; neither stops the device.
func TestMalformedRequests(t *testing.T) {
	d := newDisk(t, Options{})
	status := d.drv.Alloc(1, 1)
	d.q.Add([]virtiotest.Buf{{Addr: d.drv.Put(header(TypeIn, 0)), Len: 8}, {Addr: status, Len: 1, Write: true}})
	d.q.Add([]virtiotest.Buf{{Addr: d.drv.Put(header(TypeIn, 0)), Len: 16}})
	if err := d.drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	used, _ := d.q.Collect()
	if len(used) != 2 || used[0].Len != 1 || d.drv.Bytes(status, 1)[0] != StatusIOErr || used[1].Len != 0 {
		t.Fatalf("used %+v, status %d", used, d.drv.Bytes(status, 1)[0])
	}
	buf := make([]byte, SectorSize)
	if st, _ := d.do(t, TypeIn, 1, buf, true); st != StatusOK || buf[0] != 1 {
		t.Fatal("device did not keep working")
	}
}

// TestImageShrunk: if the image file shrinks under a running disk, a read
// of the vanished sectors is IOERR, not stale or zero data.
func TestImageShrunk(t *testing.T) {
	d := newDisk(t, Options{})
	if err := os.Truncate(d.path, 8*SectorSize); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.do(t, TypeIn, 20, make([]byte, SectorSize), true); st != StatusIOErr {
		t.Fatalf("read of a vanished sector: status %d", st)
	}
	buf := make([]byte, SectorSize)
	if st, _ := d.do(t, TypeIn, 7, buf, true); st != StatusOK || buf[0] != 7 {
		t.Fatalf("read of a remaining sector: status %d", st)
	}
}

// TestOpenErrors: a missing image is an error naming it.
func TestOpenErrors(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "absent.img"), Options{})
	if err == nil || !strings.Contains(err.Error(), "absent.img") {
		t.Fatalf("Open: %v", err)
	}
}
