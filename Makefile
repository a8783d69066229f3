# The entry points of deepsys. THE two commands are `make tour` and
# `make test`; both install what they need through scripts/setup-deps.
SHELL   := /bin/bash
GO      ?= go
BIN     := bin/deepsys
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo devel)

# Under CI a missing capability or corpus fails a test instead of skipping it
# (internal/testenv): a skip must never turn a red run green.
ifneq ($(strip $(CI)),)
export DEEPSYS_REQUIRE_ALL := 1
endif

.PHONY: setup build tour test bench lint fuzz ebpf-testdata runtime-tools

setup:
	scripts/setup-deps

# deepsys-runc is built static (no cgo: no dynamic loader, no libc) and
# without symbol tables: it and each container's init start faster and
# touch 1.8 MB less memory (docs/container.md "Measured").
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/deepsys
	CGO_ENABLED=0 $(GO) build -ldflags "-s -w -X main.version=$(VERSION)" -o bin/deepsys-runc ./cmd/deepsys-runc

tour: setup build
	$(BIN) tour

test: setup
	$(GO) test -count=1 -timeout 25m ./...

bench: setup build
	$(BIN) bench --markdown docs/BENCHMARKS.md
	@echo "wrote docs/BENCHMARKS.md"

lint:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# Run every fuzz target for FUZZTIME each (make fuzz FUZZTIME=1m).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Rebuild the eBPF test programs (ebpf/testdata/*.c -> *.o, and the loader's own
# objects and llvm-objdump reference in ebpf/loader/testdata) with Debian's
# clang-19; the tests use the committed objects and never need clang.
# -fdebug-compilation-dir keeps the checkout's path out of the DWARF.
EBPF_CLANG  ?= clang-19
EBPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -fdebug-compilation-dir=.
ebpf-testdata:
	@command -v $(EBPF_CLANG) >/dev/null && command -v llvm-objdump-19 >/dev/null || scripts/setup-deps scripts/debian-packages-ebpf-testdata.txt
	cd ebpf/testdata && for f in *.c; do $(EBPF_CLANG) $(EBPF_CFLAGS) -c $$f -o $${f%.c}.o || exit 1; done
	cd ebpf/loader/testdata && $(EBPF_CLANG) $(EBPF_CFLAGS) -c extern.c -o extern.o && $(EBPF_CLANG) -target bpf -mcpu=v3 -c nofunc.s -o nofunc.o
	cd ebpf/loader/testdata && $(EBPF_CLANG) $(EBPF_CFLAGS) -target bpfeb -c ../../testdata/tc.c -o tc_bpfeb.o
	cd ebpf/testdata && llvm-objdump-19 -d --mcpu=v3 calls.o > ../loader/testdata/calls.objdump

# The runtime-tools validation suite against Debian's runc and deepsys-runc,
# file by file (container/conformance; the suite is built once into the
# user cache directory).
runtime-tools: setup
	$(GO) test -count=1 -timeout 15m -run '^TestRuntimeTools$$' -v ./container/conformance
