/* SPDX-License-Identifier: MIT */
/*
 * ELF headers and constants the guest loader needs. Layouts and values are
 * from the System V gABI (2013 draft), chapter 4 "ELF Header" (figures 4-3,
 * 4-4, 4-5) and chapter 5 "Program Header" (figures 5-1, 5-2); EM_386 and
 * EM_X86_64 are its e_machine values for the i386 and x86-64 psABIs.
 * Headers in an image may be unaligned: copy them out with memcpy.
 */
#ifndef VMM_LOADER_ELF_H
#define VMM_LOADER_ELF_H

#include "lib/compiler.h"

/* e_ident[] indices and values, gABI 4 "ELF Identification" */
#define EI_NIDENT 16
#define EI_MAG0 0
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFMAG "\177ELF"
#define SELFMAG 4
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

/* e_type, e_machine: gABI 4 "ELF Header" */
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62

/* p_type: gABI 5 "Program Header", figure 5-2 */
#define PT_LOAD 1

struct elf32_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

/* Note the different field order: p_flags moved up in ELF64 for alignment. */
struct elf32_phdr {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "gABI Elf32_Ehdr is 52 bytes");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "gABI Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf32_phdr) == 32, "gABI Elf32_Phdr is 32 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "gABI Elf64_Phdr is 56 bytes");

#endif
