# SPDX-License-Identifier: MIT
# Test guests for the vmx backend (contract: docs/guest-abi.md).
#
#   make -f tests/guests/guests.mk [BUILD=dir] [all-guests]   standalone
#   include tests/guests/guests.mk                            from a Makefile
#
# Run make from the repository root. The includer may set BUILD (default
# "build"); everything goes to $(BUILD)/guests/. The default goal is
# all-guests only when this file is the makefile make was given.
#
# Defines:
#   GUEST_NAMES         the guests; a guest's name is its multiboot2 module name
#   GUEST_MODULE_FILES  their images: $(BUILD)/guests/<name>.bin (flat, real
#                       mode) or $(BUILD)/guests/<name>.elf (ELF64, or ELF32
#                       multiboot1)
#   GUEST_ARGS_<name>   the key=value words of a guest's module string (may be empty)
#   GUEST_MODULE_LIST   $(BUILD)/guests/modules.list (generated), see below
#   all-guests          target building all of the above
#
# modules.list: one line per module, fields separated by one space:
#   <path> <name> [key=value...]
# <path> is the image, relative to the directory make runs in; the rest of
# the line after the first space is the module string, so scripts/mkiso.sh's
# argument for a line is "<path>:<name> [key=value...]", e.g.
#   while read -r file str; do set -- "$@" "$file:$str"; done < modules.list
# No comments and no blank lines. Example:
#   build/guests/hello16.bin hello16 mode=real load=0x8000
#   build/guests/hello64.elf hello64
#   build/guests/mb1hello.elf mb1hello greeting=hi
# (Every name is also the file's base name without extension and every flat
# image key is the loader's default, so the bare paths $(GUEST_MODULE_FILES)
# are valid mkiso.sh arguments as well; only mb1hello then misses its
# command line, "greeting=hi": it then prints cmdline ''.)

GUESTS_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
guests_saved_goal := $(.DEFAULT_GOAL)

BUILD ?= build
GUEST_CC ?= gcc
GUEST_LD ?= ld
GUEST_OBJCOPY ?= objcopy
GUEST_ASFLAGS := -nostdlib -nostdinc -ffreestanding -I$(GUESTS_DIR) -Wall -Werror \
	-Wa,--fatal-warnings -MMD -MP
GUEST_LDFLAGS := -nostdlib -static --fatal-warnings --build-id=none -z noexecstack \
	--no-warn-rwx-segments

GUESTS_FLAT16 := hello16 triplefault
GUESTS_ELF64 := hello64 exerciser bench wildwrite vmxinguest badmsr irqtest echo
# event semantics (tests/e2e/test_events.py)
GUESTS_ELF64 += evdebug evnmi
# hostile guests of tests/e2e/test_hostile.py (iso.inc is shared by isoA/isoB/isoscan)
GUESTS_HOSTILE := memlimit memlimitw hvphys hvphys4g apicpage ioapicpage selfipi vmxinsns \
	msrs crbits cpuidstorm progress uartflood cliloop tprloop isoA isoB isoscan
GUESTS_ELF64 += $(GUESTS_HOSTILE)
GUESTS_MB1 := mb1hello
# trust domains (backend=tdx): ELF64, lib.S built with GUEST_TD (I/O through TDCALL)
GUESTS_TD := tdhello tdfatal tdspin
GUEST_NAMES := $(GUESTS_FLAT16) $(GUESTS_ELF64) $(GUESTS_MB1) $(GUESTS_TD)

GUEST_ARGS_hello16 := mode=real load=0x8000
GUEST_ARGS_triplefault := mode=real load=0x8000
# multiboot1: the words after the name are the kernel's command line
GUEST_ARGS_mb1hello := greeting=hi

GUEST_OUT := $(BUILD)/guests
guest_file = $(if $(filter $(1),$(GUESTS_FLAT16)),$(GUEST_OUT)/$(1).bin,$(GUEST_OUT)/$(1).elf)
GUEST_MODULE_FILES := $(foreach g,$(GUEST_NAMES),$(call guest_file,$(g)))
GUEST_MODULE_LIST := $(GUEST_OUT)/modules.list

GUEST_FLAT16_OBJS := $(GUESTS_FLAT16:%=$(GUEST_OUT)/%.o)
GUEST_ELF64_OBJS := $(GUESTS_ELF64:%=$(GUEST_OUT)/%.o)
GUEST_MB1_OBJS := $(GUESTS_MB1:%=$(GUEST_OUT)/%.o)
GUEST_TD_OBJS := $(GUESTS_TD:%=$(GUEST_OUT)/%.o)

.DELETE_ON_ERROR:

all-guests: $(GUEST_MODULE_FILES) $(GUEST_MODULE_LIST)

$(GUEST_FLAT16_OBJS): $(GUEST_OUT)/%.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(@D)
	@echo "  AS16    $<"
	@$(GUEST_CC) -m32 $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_ELF64_OBJS): $(GUEST_OUT)/%.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(@D)
	@echo "  AS64    $<"
	@$(GUEST_CC) -m64 $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_TD_OBJS): $(GUEST_OUT)/%.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(@D)
	@echo "  AS64TD  $<"
	@$(GUEST_CC) -m64 -DGUEST_TD $(GUEST_ASFLAGS) -c $< -o $@

# GUEST_PROT32: lib.S as 32-bit protected-mode code
$(GUEST_MB1_OBJS): $(GUEST_OUT)/%.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(@D)
	@echo "  AS32    $<"
	@$(GUEST_CC) -m32 -DGUEST_PROT32 $(GUEST_ASFLAGS) -c $< -o $@

# flat: link at 0x8000 as ELF32, then strip to the raw bytes
$(GUESTS_FLAT16:%=$(GUEST_OUT)/%.16.elf): $(GUEST_OUT)/%.16.elf: $(GUEST_OUT)/%.o $(GUESTS_DIR)/flat16.ld
	@echo "  LD      $@"
	@$(GUEST_LD) -m elf_i386 $(GUEST_LDFLAGS) -T $(GUESTS_DIR)/flat16.ld -o $@ $<

$(GUESTS_FLAT16:%=$(GUEST_OUT)/%.bin): $(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.16.elf
	@echo "  OBJCOPY $@"
	@$(GUEST_OBJCOPY) -O binary $< $@

$(GUESTS_ELF64:%=$(GUEST_OUT)/%.elf) $(GUESTS_TD:%=$(GUEST_OUT)/%.elf): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUESTS_DIR)/guest64.ld
	@echo "  LD      $@"
	@$(GUEST_LD) -m elf_x86_64 $(GUEST_LDFLAGS) -z max-page-size=0x1000 -T $(GUESTS_DIR)/guest64.ld -o $@ $<

# multiboot1 ELF32: max-page-size keeps the header (first in the segment, at
# file offset 0x1000) inside the file's first 8 KiB
$(GUESTS_MB1:%=$(GUEST_OUT)/%.elf): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUESTS_DIR)/guest32.ld
	@echo "  LD      $@"
	@$(GUEST_LD) -m elf_i386 $(GUEST_LDFLAGS) -z max-page-size=0x1000 -T $(GUESTS_DIR)/guest32.ld -o $@ $<

$(GUEST_MODULE_LIST): $(GUESTS_DIR)/guests.mk
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	@printf '%s\n' $(foreach g,$(GUEST_NAMES),'$(strip $(call guest_file,$(g)) $(g) $(GUEST_ARGS_$(g)))') > $@

.PHONY: all-guests

-include $(GUEST_FLAT16_OBJS:.o=.d) $(GUEST_ELF64_OBJS:.o=.d) $(GUEST_MB1_OBJS:.o=.d) \
	$(GUEST_TD_OBJS:.o=.d)

ifeq ($(notdir $(firstword $(MAKEFILE_LIST))),guests.mk)
.DEFAULT_GOAL := all-guests
else
.DEFAULT_GOAL := $(guests_saved_goal)
endif
