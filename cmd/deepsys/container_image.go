package main

import (
	"fmt"

	"github.com/deepsys/deepsys/container/image"
	"github.com/spf13/cobra"
)

func init() { containerVerbs = append(containerVerbs, newContainerImageCmd) }

func newContainerImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Unpack OCI image layouts into overlay snapshots and mount a rootfs from them",
	}
	cmd.AddCommand(newImageUnpackCmd(), newImageMountCmd(), newImageUmountCmd())
	return cmd
}

func newImageUnpackCmd() *cobra.Command {
	var ref, snapshots string
	opts := image.LayerOptions()
	cmd := &cobra.Command{
		Use:   "unpack LAYOUT --ref TAG --snapshots DIR",
		Short: "Verify an image's blobs and write its layers to DIR/snapshots/N/fs; print those paths, bottom layer first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := image.Unpack(args[0], ref, snapshots, opts)
			if err != nil {
				return err
			}
			for _, s := range ss {
				fmt.Fprintln(cmd.OutOrStdout(), s.FS())
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&ref, "ref", "", "the org.opencontainers.image.ref.name of the image in index.json (default: the only one)")
	cmd.Flags().StringVar(&snapshots, "snapshots", "", "the snapshot root (containerd overlay snapshotter layout)")
	cmd.Flags().BoolVar(&opts.UserXattr, "userxattr", false, "mark opaque directories with user.overlay.opaque (rootless overlay format)")
	cmd.MarkFlagRequired("snapshots")
	return cmd
}

func newImageMountCmd() *cobra.Command {
	var target string
	var o image.Overlay
	cmd := &cobra.Command{
		Use:   "mount LAYER... --target DIR [--upper SNAPSHOT]",
		Short: "Mount an overlay of the layer trees (bottom first, as unpack prints them) at DIR; read-only without --upper",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Lowers = args
			return o.Mount(target)
		},
	}
	cmd.Flags().StringVar(&target, "target", "", "the mount point, e.g. a bundle's rootfs")
	cmd.Flags().StringVar(&o.Upper, "upper", "", "a snapshot directory whose fs and work become upperdir and workdir")
	cmd.Flags().BoolVar(&o.UserXattr, "userxattr", false, "mount with userxattr, for layers unpacked with --userxattr")
	cmd.MarkFlagRequired("target")
	return cmd
}

func newImageUmountCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "umount DIR",
		Short: "Unmount a rootfs mounted by `image mount`",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return image.Unmount(args[0])
		},
	}
}
