/*
 * exitloop: the C peer of `deepsys vmm bench`. The smallest KVM exit loop:
 * it creates a VM with one memory slot and one vCPU, loads the state file
 * the bench wrote (struct kvm_regs, struct kvm_sregs, then guest RAM from
 * address 0; <linux/kvm.h>), runs KVM_RUN until the guest writes the debug
 * exit port, ignores every other PIO and MMIO exit as a null device does,
 * and prints the nanoseconds per exit of the timed loop.
 *
 * usage: exitloop STATE N pio|mmio|ioeventfd PORT
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

static void die(const char *what) {
	perror(what);
	exit(1);
}

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* set_cpuid gives the vCPU everything KVM supports (long mode included). */
static void set_cpuid(int kvm, int vcpu) {
	int n = 256;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
	if (!c)
		die("calloc");
	c->nent = n;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0)
		die("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		die("KVM_SET_CPUID2");
	free(c);
}

/* load reads the state file: regs, sregs, RAM. */
static void *load(const char *path, struct kvm_regs *r, struct kvm_sregs *s, size_t *ram) {
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	size_t head = sizeof(*r) + sizeof(*s);
	if ((size_t)st.st_size <= head)
		fprintf(stderr, "%s: %lld bytes, want more than %zu\n", path, (long long)st.st_size, head), exit(1);
	*ram = st.st_size - head;
	void *mem = mmap(NULL, *ram, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap RAM");
	if (read(fd, r, sizeof(*r)) != sizeof(*r) || read(fd, s, sizeof(*s)) != sizeof(*s) ||
	    read(fd, mem, *ram) != (ssize_t)*ram)
		die("read state");
	close(fd);
	return mem;
}

int main(int argc, char **argv) {
	if (argc != 5)
		fprintf(stderr, "usage: exitloop STATE N pio|mmio|ioeventfd PORT\n"), exit(2);
	long n = atol(argv[2]);
	const char *mode = argv[3];
	int port = atoi(argv[4]);
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	size_t ram;
	void *mem = load(argv[1], &regs, &sregs, &ram);

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL); /* Intel only; harmless elsewhere */
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = ram, .userspace_addr = (uint64_t)(uintptr_t)mem};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	if (strcmp(mode, "ioeventfd") == 0) {
		int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		struct kvm_ioeventfd io = {.addr = port, .len = 1, .fd = efd, .flags = KVM_IOEVENTFD_FLAG_PIO};
		if (efd < 0 || ioctl(vm, KVM_IOEVENTFD, &io) < 0)
			die("KVM_IOEVENTFD");
	}
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int runsz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	set_cpuid(kvm, vcpu);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	long exits = 0;
	int64_t start = now_ns();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		exits++;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == DEBUG_EXIT_PORT)
			break;
		if (run->exit_reason == KVM_EXIT_IO || run->exit_reason == KVM_EXIT_MMIO)
			continue; /* a null device: writes dropped, reads see zeros */
		fprintf(stderr, "exit reason %u after %ld exits\n", run->exit_reason, exits);
		return 1;
	}
	int64_t ns = now_ns() - start;
	printf("%.1f %ld\n", (double)ns / n, exits);
	return 0;
}
