// Package image turns an OCI image layout into overlay snapshots and mounts
// a container's root filesystem from them.
//
// An OCI image is a graph of content-addressed blobs (image-spec
// image-layout.md): index.json names manifests by tag, a manifest lists a
// config and the layers, and each layer is a tar (often gzip'd) holding the
// files that layer adds, changes or deletes. OverlayFS (kernel
// Documentation/filesystems/overlayfs.rst) stacks directories: lower layers
// read-only, one upper layer for writes, and it hides a lower file when the
// upper has a whiteout (a 0/0 character device) and a whole lower directory
// when the upper's directory carries the trusted.overlay.opaque=y xattr.
// The job is to translate one format into the other:
//
//  1. layout.go: read oci-layout and index.json, pick the manifest whose
//     org.opencontainers.image.ref.name is the ref (descending one nested
//     index to this machine's platform), then the manifest and config.
//  2. blob.go: every blob is read from blobs/<alg>/<hex> and its size and
//     digest are checked before it is used (image-spec descriptor.md).
//  3. snapshot.go: each layer gets its own directory laid out like
//     containerd's overlay snapshotter, DIR/snapshots/N/fs (and N/work), N
//     counting up in layer order; the uncompressed stream is hashed and
//     checked against the config's rootfs.diff_ids.
//  4. layer.go: the tar is applied into the empty fs directory entry by
//     entry; names.go and beneath.go refuse hostile archives (names that
//     climb out with ../, writes through symlinks, hard links out of the
//     layer, device files when not allowed, huge sizes, bad headers), and
//     every error names the entry.
//  5. whiteout.go: .wh.NAME (image-spec layer.md "Whiteouts") becomes an
//     overlay whiteout, mknod NAME c 0 0; .wh..wh..opq sets
//     trusted.overlay.opaque=y on its directory.
//  6. overlay.go: mount(2) of type overlay with lowerdir = the snapshots
//     top-down, and an upperdir/workdir when the rootfs is writable.
//
// layout_writer.go builds small layouts for tests.
//
// What we do not do yet: share layers between images (containerd keys
// snapshots by chain ID in a bolt database; here every unpack makes new
// directories) and zstd layers. xattr.go keeps user.* and
// security.capability from PAX records and refuses the ones overlayfs
// reads. Options.UserXattr and Overlay.UserXattr give the rootless format
// (user.overlay.opaque, the userxattr mount option).
//
// Why writes never follow symlinks: a layer may legally hold a symlink to
// "/" or "../..", and a later entry "link/etc/passwd" would then write on
// the host. Rather than resolve such paths inside the layer (containerd's
// fs.RootPath), every parent directory is opened with openat2(2)
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS and the entry is created with *at
// calls relative to it, so an archive that writes through a symlink is
// refused with an error naming the entry. Real image builders never emit
// such entries.
package image
