# Tight arithmetic loop: 1000 iterations of 5 ALU operations and a
# conditional jump (the mix of ebpf/interp's BenchmarkArithLoop).
# r0 accumulates, r3 counts down, r4 is a multiplicative state.
	mov %r0, %r2                # seed with the memory length
	mov %r3, 1000
	mov %r4, 3
loop:
	add %r0, %r3
	mul %r4, 7
	xor %r0, %r4
	rsh32 %r4, 3
	sub %r3, 1
	jne %r3, 0, loop
	exit
