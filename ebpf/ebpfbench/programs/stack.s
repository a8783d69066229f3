# Stack-heavy loop: 1000 iterations that keep a counter and two
# accumulators in r10-relative slots: 3 loads, 3 ALU, 3 stores, 1 jump.
	stdw [%r10-8], 1000
	stdw [%r10-16], 0
	stdw [%r10-24], 1
loop:
	ldxdw %r3, [%r10-8]
	ldxdw %r0, [%r10-16]
	ldxdw %r4, [%r10-24]
	add %r0, %r3
	mul %r4, 5
	sub %r3, 1
	stxdw [%r10-16], %r0
	stxdw [%r10-24], %r4
	stxdw [%r10-8], %r3
	jne %r3, 0, loop
	xor %r0, %r4
	exit
