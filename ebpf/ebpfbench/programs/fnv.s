# FNV-1a (64-bit) over the whole packet, one byte at a time: a hash loop
# whose every load is a packet access.
	lddw %r0, 0xcbf29ce484222325   # offset basis
	lddw %r5, 0x100000001b3        # FNV prime
	mov %r3, 0
	jge %r3, %r2, done
loop:
	mov %r4, %r1
	add %r4, %r3
	ldxb %r4, [%r4+0]
	xor %r0, %r4
	mul %r0, %r5
	add %r3, 1
	jlt %r3, %r2, loop
done:
	exit
