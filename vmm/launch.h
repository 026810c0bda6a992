/* SPDX-License-Identifier: MIT */
/* Creating and starting a VM from a boot module: used by the shell and by run=. */
#ifndef VMM_LAUNCH_H
#define VMM_LAUNCH_H

#include "lib/compiler.h"
#include "vmm/cpu_model.h"

struct vm;

#define LAUNCH_DEFAULT_MEM MiB(32)
#define LAUNCH_LINUX_DEFAULT_MEM MiB(256)
#define LAUNCH_MAX_MODULES 4

struct launch_req {
    const char *image;   /* module name */
    const char *name;    /* VM name; NULL = the image name */
    const char *backend; /* "vmx" (default) or "tdx" */
    uint64_t mem;        /* 0 = default */
    unsigned cpus;       /* 0 = 1 */
    const char *cmdline; /* for multiboot1 and Linux kernels; NULL = the module's words */
    /*
     * Modules handed to the guest, in order (initrd= words): a Linux
     * kernel's initramfs (one), or a multiboot1 kernel's modules.
     */
    const char *initrd[LAUNCH_MAX_MODULES];
    unsigned ninitrd;
    bool bare;                  /* platform=none: the bare board instead of the PC */
    bool strict_mem;            /* strict-mem=on: an access outside RAM and devices stops the VM */
    struct cpu_model cpu_model; /* cpuid=: the CPU the guest is shown (vmm/cpu_model.h) */
};

/* One key=value word of `launch` or of run= into r; -EINVAL with *err a one-line reason. */
int launch_parse_key(struct launch_req *r, const char *word, const char **err);
/* The memory a launch without mem= gets for r's image (bigger for Linux kernels). */
uint64_t launch_default_mem(const struct launch_req *r);
/* Refuses up front what cannot work (not enough free memory), so nothing is allocated. */
int launch_precheck(const struct launch_req *r, const char **err);
/* Returns 0 and the running VM, or a negative error with *err a one-line reason. */
int vm_launch(const struct launch_req *r, struct vm **out, const char **err);
/* Parses "module[,key=value...]" (the run= boot option) and launches it. */
int vm_launch_spec(const char *spec, const char **err);

#endif
