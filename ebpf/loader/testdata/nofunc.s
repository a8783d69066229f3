# nofunc: hand-written assembly without function symbols: the loader takes
# the whole section as one program named after it.
	.section	xdp,"ax",@progbits
	r0 = 2
	if r1 == 0 goto +1
	r0 = 1
	exit
	.section	license,"aw",@progbits
	.asciz	"GPL"
