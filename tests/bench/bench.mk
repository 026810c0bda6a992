# SPDX-License-Identifier: MIT
# The benchmark guest of `make bench` (tests/bench/README.md): tests/bench/perf.c
# linked with the conformance runtime into $(BUILD)/bench/perf.elf (multiboot1
# ELF32, like a conformance guest, but not one: the conformance runners only
# look at tests/conformance/*.c). Include after tests/conformance/conformance.mk.

BENCH_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BENCH_OUT := $(BUILD)/bench
BENCH_GUEST := $(BENCH_OUT)/perf.elf

bench-guest: $(BENCH_GUEST)

$(BENCH_OUT)/perf.o: $(BENCH_DIR)/perf.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CONF_CC) $(CONF_CFLAGS) -c $< -o $@

$(BENCH_GUEST): $(BENCH_OUT)/perf.o $(CONF_LIB_OBJS) $(CONF_DIR)/lib/conf.ld
	@echo "  LD      $@"
	@$(CONF_LD) $(CONF_LDFLAGS) -o $(BENCH_OUT)/perf.elf64 $(CONF_LIB_OBJS) $<
	@$(CONF_OBJCOPY) -O elf32-i386 $(BENCH_OUT)/perf.elf64 $@

.PHONY: bench-guest
-include $(BENCH_OUT)/perf.d
