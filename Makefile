# SPDX-License-Identifier: MIT
# Micro-hypervisor build. `make` builds build/hypervisor.elf and the ISOs;
# `make run`, `make test`, `make debug` are described in README.md.

VERSION := 0.1.0+$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
BUILD := build
CC := gcc
LD := ld
NM := nm
OBJCOPY := objcopy

KCFLAGS := -std=gnu11 -ffreestanding -nostdlib -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx -mno-sse2 \
	-mcmodel=kernel -fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing \
	-fno-common -Wall -Wextra -Werror -Wno-unused-parameter -O2 -g -I. \
	-DHV_VERSION='"$(VERSION)"' -MMD -MP
KASFLAGS := -D__ASSEMBLY__ -I. -g -MMD -MP
KLDFLAGS := -nostdlib -n -z max-page-size=0x1000 -T linker.ld --no-warn-rwx-segments -z noexecstack

KSRCS := $(wildcard boot/*.S boot/*.c init/*.c lib/*.c kernel/*.c kernel/x86/*.c kernel/*.S drivers/*.c vmm/*.c vmm/*/*.c vmm/*/*.S tdx/module/*.c tdx/module/*.S tdx/td/*.c tdx/td/*.S tdx/emu/*.c tdx/emu/vmx/*.c)
KOBJS := $(patsubst %,$(BUILD)/k/%.o,$(KSRCS))

.DELETE_ON_ERROR:

all: $(BUILD)/hypervisor.elf $(BUILD)/hypervisor.iso $(BUILD)/hypervisor-bios.iso

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# Two-pass link: the symbol table used for backtraces is placed after all
# code and read-only data, so adding it does not move any function.
$(BUILD)/hypervisor.pass1.elf: $(KOBJS) $(BUILD)/ksyms-empty.o linker.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms-empty.o

$(BUILD)/ksyms-empty.S:
	@mkdir -p $(BUILD)
	@python3 scripts/mkksyms.py /dev/null > $@

$(BUILD)/ksyms-empty.o: $(BUILD)/ksyms-empty.S
	@$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/ksyms.S: $(BUILD)/hypervisor.pass1.elf scripts/mkksyms.py
	@$(NM) -n --defined-only $< | python3 scripts/mkksyms.py - > $@

$(BUILD)/ksyms.o: $(BUILD)/ksyms.S
	@$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/hypervisor.elf: $(KOBJS) $(BUILD)/ksyms.o linker.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o
	@$(NM) -n $(BUILD)/hypervisor.pass1.elf | awk '$$2 ~ /^[Tt]$$/' > $(BUILD)/p1.syms
	@$(NM) -n $@ | awk '$$2 ~ /^[Tt]$$/' > $(BUILD)/p2.syms
	@cmp -s $(BUILD)/p1.syms $(BUILD)/p2.syms || { echo "ksyms moved code"; exit 1; }
	@grub-file --is-x86-multiboot2 $@ || { echo "$@: no multiboot2 header"; exit 1; }

# The project's test guests go into every ISO as modules (tests/guests/guests.mk).
include tests/guests/guests.mk
# Conformance guests (tests/conformance/README.md), built with `all`.
include tests/conformance/conformance.mk
all: conformance-guests
# The benchmark guest of `make bench` (tests/bench/README.md), built with `all`.
include tests/bench/bench.mk
all: bench-guest
CMDLINE ?=

$(BUILD)/hypervisor.iso: $(BUILD)/hypervisor.elf scripts/mkiso.sh $(GUEST_MODULE_FILES) $(GUEST_MODULE_LIST)
	@echo "  ISO     $@"
	@MODULE_LIST=$(GUEST_MODULE_LIST) scripts/mkiso.sh $@ hybrid "$(CMDLINE)"

$(BUILD)/hypervisor-bios.iso: $(BUILD)/hypervisor.elf scripts/mkiso.sh $(GUEST_MODULE_FILES) $(GUEST_MODULE_LIST)
	@echo "  ISO     $@"
	@MODULE_LIST=$(GUEST_MODULE_LIST) scripts/mkiso.sh $@ bios "$(CMDLINE)"

# ---------------------------------------------------------------- host tests
# Each tests/unit/test_*.c names the kernel sources it tests on a line
# "unit-srcs: a.c b.c"; they are compiled for the host with HOST_TEST.
HCFLAGS := -std=gnu11 -g -O1 -DHOST_TEST -I. -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
unit_deps = $(shell sed -n 's/.*unit-srcs:\(.*\)\*\/.*/\1/p;s/.*unit-srcs:\(.*\)$$/\1/p' $(1))

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c tests/unit/host_stubs.c $$(call unit_deps,tests/unit/%.c)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(HCFLAGS) -MM -MP -MT $@ $^ > $@.d
	@$(CC) $(HCFLAGS) -o $@ $^ -lcmocka

# Header changes rebuild the unit tests that include them.
-include $(UNIT_BINS:%=%.d)

unit: deps $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

# ---------------------------------------------------------------- fuzzing
# Each tests/fuzz/fuzz_*.c names its kernel sources on a first line
# "/* fuzz-srcs: a.c b.c */"; they are built with clang's libFuzzer, ASan and
# UBSan. `make fuzz` runs each target for FUZZ_TIME seconds; `make test` runs
# each for HV_FUZZ_SECONDS (default FUZZ_SHORT) seconds (tests/fuzz/run.sh).
FUZZ_CC := clang-14
FUZZ_TIME ?= 60
FUZZ_SHORT ?= 15
HV_FUZZ_SECONDS ?= $(FUZZ_SHORT)
export HV_FUZZ_SECONDS
FCFLAGS := -std=gnu11 -g -O1 -DHOST_TEST -I. -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
fuzz_deps = $(shell sed -n '1s/.*fuzz-srcs:\(.*\)\*\/.*/\1/p' $(1))

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/unit/host_stubs.c $$(call fuzz_deps,tests/fuzz/%.c)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FCFLAGS) -o $@ $(filter %.c,$^)

fuzz-build: deps $(FUZZ_BINS)

fuzz: fuzz-build
	@BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_TIME)

# Rewrites the committed seed corpora in tests/fuzz/corpus/.
fuzz-seeds:
	@python3 tests/fuzz/mkseeds.py tests/fuzz/corpus

test: fuzz-build

.PHONY: fuzz-build fuzz fuzz-seeds

# ---------------------------------------------------------------- top level
deps:
	@scripts/deps.sh

test: deps
	@python3 scripts/check_floors.py
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@python3 tests/run.py

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

# Like run, with Debian's cloud kernel launched at boot (docs/linux-guest.md).
run-linux: deps
	@$(MAKE) --no-print-directory all
	@LINUX=1 scripts/run.sh

# make test plus the slow end-to-end tests (more Linux boots).
test-slow:
	@HV_SLOW_TESTS=1 $(MAKE) --no-print-directory test

# The full soak (tests/e2e/test_soak.py): SOAK_CYCLES launch/stop cycles in Bochs;
# `make test` runs a short one (HV_SOAK_CYCLES unset).
SOAK_CYCLES ?= 500
soak: deps
	@$(MAKE) --no-print-directory all
	@HV_SOAK_CYCLES=$(SOAK_CYCLES) python3 tests/run.py -k bochs-vmx-soak

# One Bochs boot: the perf guest, the old bench guest and Linux with 1 and 2 vCPUs;
# prints the table (tests/bench/README.md). DOCS=1 rewrites docs/performance.md.
bench: deps
	@$(MAKE) --no-print-directory all
	@python3 tests/bench/bench.py $(if $(DOCS),--docs)

debug: deps
	@$(MAKE) --no-print-directory all
	@scripts/debug.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

.PHONY: all unit deps test test-slow run run-linux bench debug soak format format-check clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
