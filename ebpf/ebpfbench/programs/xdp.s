# XDP-style parse: Ethernet, IPv4 and the UDP destination port, the IPv4
# header checksum verified over its 10 words, and a verdict: XDP_DROP (1)
# for a malformed, expired or spoofed (10.0.0.0/8) packet, XDP_TX (3) for
# DNS (UDP port 53), XDP_PASS (2) for the rest.
	mov %r0, 2                  # XDP_PASS
	jlt %r2, 38, done           # Ethernet (14) + IPv4 (20) + UDP ports (4)
	ldxh %r3, [%r1+12]          # EtherType, network byte order
	be16 %r3
	jne %r3, 0x0800, done       # not IPv4: pass
	mov %r0, 1                  # XDP_DROP unless every check passes
	ldxb %r3, [%r1+14]
	jne %r3, 0x45, done         # version 4, 20-byte header only
	ldxb %r3, [%r1+22]          # TTL
	jle %r3, 1, done
	mov %r4, 0                  # one's-complement sum of the header's words
	mov %r5, 14                 # (byte-order independent, RFC 1071)
csum:
	mov %r3, %r1
	add %r3, %r5
	ldxh %r3, [%r3+0]
	add %r4, %r3
	add %r5, 2
	jlt %r5, 34, csum
	mov %r3, %r4                # fold the carries, twice
	rsh %r3, 16
	and %r4, 0xffff
	add %r4, %r3
	mov %r3, %r4
	rsh %r3, 16
	add %r4, %r3
	and %r4, 0xffff
	jne %r4, 0xffff, done       # bad checksum
	ldxw %r3, [%r1+26]          # source address
	be32 %r3
	rsh %r3, 24
	jeq %r3, 10, done           # 10.0.0.0/8 from outside: spoofed
	mov %r0, 2
	ldxb %r3, [%r1+23]          # protocol
	jne %r3, 17, done           # not UDP: pass
	ldxh %r3, [%r1+36]          # UDP destination port
	be16 %r3
	jne %r3, 53, done
	mov %r0, 3                  # DNS: XDP_TX
done:
	exit
