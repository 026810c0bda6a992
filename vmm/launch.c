/* SPDX-License-Identifier: MIT */
/* VM launch: module lookup, image parsing, backend choice, load and start. */
#include "vmm/launch.h"
#include "vmm/launch_internal.h"
#include "vmm/loader/bzimage.h"
#include "vmm/loader/fail.h"
#include "vmm/loader/image.h"
#include "vmm/loader/load.h"
#include "vmm/platform/board.h"
#include "vmm/platform/firmware.h"
#include "vmm/vm.h"
#include "kernel/bootinfo.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/mb2.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "lib/printf.h"
#include "lib/shell_parse.h"
#include "lib/string.h"

const struct boot_module *launch_find_module(const char *name)
{
    const struct boot_info *bi = boot_info_get();
    char n[64];

    for (unsigned i = 0; i < bi->nmodules; i++) {
        mb2_module_name(&bi->modules[i], n, sizeof(n));
        if (!strcmp(n, name))
            return &bi->modules[i];
    }
    return NULL;
}

static const struct vm_ops *find_backend(const char *name, const char **err)
{
    static char msg[192]; /* launches come from the console CPU only */
    const struct vm_ops *ops;
    const char *why = "";

    if (!name || !strcmp(name, "vmx"))
        ops = &vmx_vm_ops;
    else if (!strcmp(name, "tdx"))
        ops = &tdx_vm_ops;
    else {
        *err = "unknown backend (vmx or tdx)";
        return NULL;
    }
    if (ops->available(&why)) {
        /* One line that names the backend, then the backend's own reason. */
        ksnprintf(msg, sizeof(msg), "the %s backend is unavailable: %s", ops->name, why);
        *err = msg;
        return NULL;
    }
    return ops;
}

const char *launch_module_args(const struct boot_module *m)
{
    const char *sp = m ? strchr(m->string, ' ') : NULL;

    return sp ? sp + 1 : "";
}

/* The modules named by initrd=, for a multiboot1 kernel. */
static int find_modules(const struct launch_req *r, struct guest_module *mods, const char **err)
{
    for (unsigned i = 0; i < r->ninitrd; i++) {
        const struct boot_module *m = launch_find_module(r->initrd[i]);
        if (!m)
            return loader_fail(err, "no such initrd image (see 'guests')", -ENOENT);
        mods[i] = (struct guest_module){phys_to_virt(m->start), m->end - m->start, m->string};
    }
    return 0;
}

static int load_and_start(struct vm *vm, const struct boot_module *m, const struct image_plan *p,
                          const struct guest_boot *b, const char **err)
{
    struct vcpu_start st;
    int e = 0;

    if (vm->board == &board_pc)
        e = pc_firmware_install(vm, err);
    if (!e)
        e = guest_load(vm, phys_to_virt(m->start), m->end - m->start, p, b, &st, err);
    if (e) {
        vm_abandon(vm, *err);
        return e;
    }
    e = vm_start(vm, &st);
    if (e)
        *err = vm->reason;
    return e;
}

/*
 * Every guest gets the PC (docs/guest-abi.md) but for platform=none and
 * trust domains, whose devices are their GHCI calls.
 */
static const struct board *pick_board(const struct launch_req *r, const struct vm_ops *ops)
{
    return r->bare || ops == &tdx_vm_ops ? &board_bare : &board_pc;
}

int vm_launch(const struct launch_req *r, struct vm **out, const char **err)
{
    const struct boot_module *m = launch_find_module(r->image);
    struct guest_module mods[LAUNCH_MAX_MODULES];
    struct vm_config cfg = {0};
    struct guest_boot boot;
    struct image_plan plan;
    struct vm *vm;
    int e;

    BUG_ON(this_cpu_id() != 0); /* VM creation and placement are CPU 0's (docs/locking.md) */
    if (!m) {
        *err = "no such image (see 'guests')";
        return -ENOENT;
    }
    cfg.ops = find_backend(r->backend, err);
    if (!cfg.ops)
        return -ENODEV;
    if (bzimage_detect(phys_to_virt(m->start), m->end - m->start))
        return launch_linux(r, m, cfg.ops, out, err);
    e = find_modules(r, mods, err)
            ?: image_parse(phys_to_virt(m->start), m->end - m->start, launch_module_args(m), &plan,
                           err);
    if (e)
        return e;
    cfg.name = r->name ? r->name : r->image;
    cfg.mem_size = r->mem ? r->mem : LAUNCH_DEFAULT_MEM;
    cfg.nvcpus = r->cpus ? r->cpus : 1;
    cfg.board = pick_board(r, cfg.ops);
    cfg.strict_mem = r->strict_mem;
    cfg.cpu_model = r->cpu_model;
    vm = vm_create(&cfg, err);
    if (!vm)
        return -ENOMEM;
    boot = (struct guest_boot){r->cmdline ? r->cmdline : launch_module_args(m), mods, r->ninitrd};
    e = load_and_start(vm, m, &plan, &boot, err);
    if (e)
        return e;
    pr_info("vm %s: started (%s, %u vCPUs, %lu MiB, %s image, %s platform, id %u)", vm->name,
            vm->ops->name, vm->nvcpus, vm->mem_size >> 20, image_kind_name(plan.kind),
            vm->board->name, vm->id);
    *out = vm;
    return 0;
}

/* One parser for `launch` words and run= keys: the same keys, the same bounds. */
int launch_parse_key(struct launch_req *r, const char *word, const char **err)
{
    const char *v;
    uint64_t n;

    if ((v = arg_value(word, "name")) && *v && strlen(v) < VM_NAME_MAX && !strchr(v, ' '))
        r->name = v;
    else if ((v = arg_value(word, "backend")))
        r->backend = v;
    else if ((v = arg_value(word, "mem")) && !parse_size(v, &n) && n >= MiB(1) && n <= GiB(1))
        r->mem = n;
    else if ((v = arg_value(word, "cpus")) && !parse_u64(v, &n) && n >= 1 && n <= VM_MAX_VCPUS)
        r->cpus = (unsigned)n;
    else if ((v = arg_value(word, "cmdline")))
        r->cmdline = v;
    else if ((v = arg_value(word, "initrd")) && *v && r->ninitrd < LAUNCH_MAX_MODULES)
        r->initrd[r->ninitrd++] = v;
    else if ((v = arg_value(word, "platform")) && (!strcmp(v, "pc") || !strcmp(v, "none")))
        r->bare = !strcmp(v, "none");
    else if ((v = arg_value(word, "strict-mem")) && (!strcmp(v, "on") || !strcmp(v, "off")))
        r->strict_mem = !strcmp(v, "on");
    else if ((v = arg_value(word, "cpuid"))) /* ':' separates features inside run= too */
        return cpu_model_parse(v, &r->cpu_model, err);
    else
        return loader_fail(
            err,
            strchr(word, '=')
                ? "bad value (mem=1M..1G, cpus=1..8, name=<1-31 chars>, platform=pc|none, "
                  "strict-mem=on|off, at most 4 initrd=)"
                : "expected key=value",
            -EINVAL);
    return 0;
}

/* What a launch without mem= gets: Linux kernels need more than the small test images. */
uint64_t launch_default_mem(const struct launch_req *r)
{
    const struct boot_module *m = launch_find_module(r->image);

    if (m && bzimage_detect(phys_to_virt(m->start), m->end - m->start))
        return LAUNCH_LINUX_DEFAULT_MEM;
    return LAUNCH_DEFAULT_MEM;
}

int launch_precheck(const struct launch_req *r, const char **err)
{
    uint64_t free, total, mem = r->mem ? r->mem : launch_default_mem(r);

    page_stats(&free, &total);
    if (mem / PAGE_SIZE + 64 > free)
        return loader_fail(err, "not enough free memory (see 'mem')", -ENOMEM);
    return 0;
}

int vm_launch_spec(const char *spec, const char **err)
{
    char buf[256];
    struct launch_req r = {0};
    struct vm *vm;
    char *p, *next;

    kstrlcpy(buf, spec, sizeof(buf));
    r.image = buf;
    p = strchr(buf, ',');
    if (p)
        *p++ = 0; /* the image name ends here */
    for (; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = 0;
        if (launch_parse_key(&r, p, err))
            return -EINVAL;
    }
    return launch_precheck(&r, err) ?: vm_launch(&r, &vm, err);
}
