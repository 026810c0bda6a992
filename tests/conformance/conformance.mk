# SPDX-License-Identifier: MIT
# Conformance guests (tests/conformance/README.md): multiboot1 ELF32 images
# that run on bare metal, in QEMU TCG and under hv.
#
#   make -f tests/conformance/conformance.mk [BUILD=dir]      standalone
#   include tests/conformance/conformance.mk                  from a Makefile
#
# Run make from the repository root. Output in $(BUILD)/conformance/:
#   <name>.elf      each guest (tests/conformance/<name>.c)
#   env-cpus<N>     environment modules "NR_CPUS=<N>" for N in CONF_ENV_CPUS
# Defines CONFORMANCE_GUESTS (the names), CONFORMANCE_FILES (all outputs)
# and the target conformance-guests. guests.list says how each guest is run.

CONF_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
conf_saved_goal := $(.DEFAULT_GOAL)
conf_is_main := $(filter 1,$(words $(MAKEFILE_LIST)))

BUILD ?= build
CONF_CC ?= gcc
CONF_LD ?= ld
CONF_OBJCOPY ?= objcopy
CONF_OUT := $(BUILD)/conformance
CONF_ENV_CPUS := 1 2 3 4

CONF_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-pic -fno-pie -mno-red-zone \
	-mcmodel=small -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-common -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Wno-unused-parameter -O2 -g -I$(CONF_DIR)/lib -MMD -MP
CONF_LDFLAGS := -m elf_x86_64 -nostdlib -static --build-id=none -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments -T $(CONF_DIR)/lib/conf.ld

CONFORMANCE_GUESTS := $(sort $(basename $(notdir $(wildcard $(CONF_DIR)/*.c))))
CONF_LIB_SRCS := $(wildcard $(CONF_DIR)/lib/*.c $(CONF_DIR)/lib/*.S)
CONF_LIB_OBJS := $(patsubst $(CONF_DIR)/lib/%,$(CONF_OUT)/lib/%.o,$(CONF_LIB_SRCS))
CONF_ENVS := $(CONF_ENV_CPUS:%=$(CONF_OUT)/env-cpus%)
CONFORMANCE_FILES := $(CONFORMANCE_GUESTS:%=$(CONF_OUT)/%.elf) $(CONF_ENVS)

conformance-guests: $(CONFORMANCE_FILES)

$(CONF_OUT)/lib/%.c.o: $(CONF_DIR)/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CONF_CC) $(CONF_CFLAGS) -c $< -o $@

$(CONF_OUT)/lib/%.S.o: $(CONF_DIR)/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	@$(CONF_CC) $(CONF_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(CONF_OUT)/%.o: $(CONF_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CONF_CC) $(CONF_CFLAGS) -c $< -o $@

# link as ELF64 at 2 MiB, then ELF32 for multiboot1 loaders (QEMU -kernel)
$(CONF_OUT)/%.elf: $(CONF_OUT)/%.o $(CONF_LIB_OBJS) $(CONF_DIR)/lib/conf.ld
	@echo "  LD      $@"
	@$(CONF_LD) $(CONF_LDFLAGS) -o $(CONF_OUT)/$*.elf64 $(CONF_LIB_OBJS) $<
	@$(CONF_OBJCOPY) -O elf32-i386 $(CONF_OUT)/$*.elf64 $@

$(CONF_OUT)/env-cpus%:
	@mkdir -p $(dir $@)
	@printf 'NR_CPUS=%s\n' $* > $@

.PHONY: conformance-guests
.SECONDARY: $(CONF_LIB_OBJS) $(CONFORMANCE_GUESTS:%=$(CONF_OUT)/%.o)
-include $(wildcard $(CONF_OUT)/*.d $(CONF_OUT)/lib/*.d)

ifeq ($(conf_saved_goal),)
ifeq ($(conf_is_main),1)
.DEFAULT_GOAL := conformance-guests
else
.DEFAULT_GOAL :=
endif
else
.DEFAULT_GOAL := $(conf_saved_goal)
endif
