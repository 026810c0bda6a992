/* SPDX-License-Identifier: MIT */
/*
 * The fake machine of the host TDX tests (see tdx_host_stubs.h): the
 * emulated module's platform, and the kernel services the host-side TDX
 * code calls, over HOST_NR_LPS CPUs whose current one is host_lp (the
 * module's LP too), a page allocator over the fake memory that tracks page
 * hygiene, and recorders for everything the tests assert on.
 */
#include "tests/unit/tdx_host_stubs.h"
#include "tests/unit/host_stubs.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/lapic.h"
#include "kernel/bootinfo.h"
#include "lib/errno.h"
#include "kernel/extable.h"
#include "kernel/idt.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/x86/cpu.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_fault.h"
#include "tdx/module/tdx_init_steps.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/td/tdx_td.h"
#include "tdx/emu/vmx/tdx_emu_glue.h"
#include "vmm/vm.h"
#include "vmm/vmx/vmx.h"
#include "tdx/module/tdx_page.h"

#define NPAGES (HOST_MEM_SIZE / PAGE_SIZE)
#define FIRST_PFN (HOST_RAM_BASE / PAGE_SIZE)
#define MKTME_KEYIDS (HOST_KEYID_START - 1) /* TDX KeyIDs follow the MKTME ones */
#define MSR_TME_ACTIVATE 0x982
#define TME_KEYID_BITS 6ULL
#define EFLAGS_IF (1ULL << 9)

enum { PG_USED = 1, PG_FLUSHED = 2, PG_GIVEN = 4, PG_OWNED = 8, PG_CLEARED = 16 };

uint8_t *host_mem;
unsigned host_lp;
struct tdxemu_platform host_plat;
struct host_kernel hk;
struct host_pages hp;
struct percpu *cpu_table[MAX_CPUS];
unsigned cpu_count;

static struct percpu cpus[HOST_NR_LPS];
static uint8_t pg[NPAGES];
static uint64_t lowest_free, free_pages;
static struct boot_info bi;
static uint64_t msrs[8][2]; /* MSR number, value: what host_state_save/restore touch */

/* ------------------------------------------------ the module's platform */

static void plat_this_lp(void *ctx, unsigned *lp, unsigned *pkg)
{
    *lp = host_lp;
    *pkg = host_lp / (HOST_NR_LPS / HOST_NR_PKGS);
}

static void *plat_phys_to_virt(void *ctx, uint64_t pa)
{
    return pa < HOST_MEM_SIZE ? host_mem + pa : NULL;
}

int host_group_setup(void **state)
{
    host_mem = mmap(NULL, HOST_MEM_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return host_mem == MAP_FAILED ? -1 : 0;
}

int host_group_teardown(void **state)
{
    munmap(host_mem, HOST_MEM_SIZE);
    return 0;
}

static void plat_load(unsigned nr_lps)
{
    memset(&host_plat, 0, sizeof(host_plat));
    host_plat.nr_lps = nr_lps;
    host_plat.nr_pkgs = HOST_NR_PKGS;
    host_plat.this_lp = plat_this_lp;
    host_plat.phys_to_virt = plat_phys_to_virt;
    host_plat.nr_cmrs = 1;
    host_plat.cmrs[0].base = HOST_RAM_BASE;
    host_plat.cmrs[0].size = HOST_MEM_SIZE - HOST_RAM_BASE;
    host_plat.tdx_keyid_start = HOST_KEYID_START;
    host_plat.nr_tdx_keyids = HOST_NR_KEYIDS;
    host_plat.phys_bits = HOST_PHYS_BITS;
    tdxemu_init(&host_plat);
}

/* ------------------------------------------------ memory */

void *phys_to_virt(uint64_t phys)
{
    if (phys >= HOST_MEM_SIZE)
        fail_msg("phys_to_virt(%#lx): outside the fake memory", phys);
    return host_mem + phys;
}

uint64_t virt_to_phys(const void *virt)
{
    const uint8_t *p = virt;

    if (p < host_mem || p >= host_mem + HOST_MEM_SIZE)
        fail_msg("virt_to_phys(%p): outside the fake memory", virt);
    return (uint64_t)(p - host_mem);
}

static bool run_free(uint64_t pfn, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (pg[pfn + i] & PG_USED)
            return false;
    return true;
}

uint64_t page_alloc_aligned(uint64_t npages, uint64_t align_pages)
{
    uint64_t pfn = ALIGN_UP(lowest_free, align_pages);

    for (; pfn + npages <= NPAGES; pfn += align_pages) {
        if (!run_free(pfn, npages))
            continue;
        for (uint64_t i = 0; i < npages; i++)
            pg[pfn + i] = PG_USED;
        free_pages -= npages;
        while (lowest_free < NPAGES && (pg[lowest_free] & PG_USED))
            lowest_free++;
        memset(host_mem + pfn * PAGE_SIZE, 0, npages * PAGE_SIZE);
        return pfn * PAGE_SIZE;
    }
    return 0;
}

uint64_t page_alloc(uint64_t npages)
{
    return page_alloc_aligned(npages, 1);
}

static void free_one(uint64_t pfn)
{
    uint8_t f = pg[pfn];

    if (pfn < FIRST_PFN || pfn >= NPAGES || !(f & PG_USED))
        fail_msg("page_free of page %#lx, which is not allocated", pfn * PAGE_SIZE);
    if (f & PG_GIVEN) {
        hp.returned++;
        hp.not_cleared += !(f & PG_CLEARED);
        hp.freed_owned += !!(f & PG_OWNED);
    }
    pg[pfn] = 0;
    free_pages++;
    lowest_free = MIN(lowest_free, pfn);
}

void page_free(uint64_t phys, uint64_t npages)
{
    for (uint64_t i = 0; i < npages; i++)
        free_one(phys / PAGE_SIZE + i);
}

void page_stats(uint64_t *free, uint64_t *total)
{
    *free = free_pages;
    *total = NPAGES - FIRST_PFN;
}

uint64_t host_free_pages(void)
{
    return free_pages;
}

bool host_page_flushed(uint64_t pa)
{
    return pa < HOST_MEM_SIZE && (pg[pa / PAGE_SIZE] & PG_FLUSHED);
}

void host_page_give(uint64_t pa, uint64_t npages, bool owned)
{
    for (uint64_t i = 0; i < npages && pa / PAGE_SIZE + i < NPAGES; i++) {
        uint8_t *f = &pg[pa / PAGE_SIZE + i];
        *f = (uint8_t)((*f | PG_GIVEN | (owned ? PG_OWNED : 0)) & ~PG_CLEARED);
    }
}

void host_page_take_back(uint64_t pa)
{
    if (pa < HOST_MEM_SIZE)
        pg[pa / PAGE_SIZE] &= (uint8_t) ~(PG_OWNED | PG_CLEARED);
}

/* tdx/module/tdx_page_cache.c's CLFLUSH and MOVDIR64B, recorded instead. */
void tdx_page_flush(uint64_t pa, uint64_t npages)
{
    hp.flush_calls++;
    for (uint64_t i = 0; i < npages; i++)
        pg[pa / PAGE_SIZE + i] |= PG_FLUSHED;
}

void tdx_page_clear(uint64_t pa, uint64_t npages)
{
    hp.clear_calls++;
    memset(phys_to_virt(pa), 0, npages * PAGE_SIZE);
    for (uint64_t i = 0; i < npages; i++)
        pg[pa / PAGE_SIZE + i] |= PG_CLEARED;
}

const struct boot_info *boot_info_get(void)
{
    return &bi;
}

/* ------------------------------------------------ CPUs */

unsigned this_cpu_id(void)
{
    return host_lp;
}

struct percpu *this_cpu(void)
{
    return cpu_table[host_lp];
}

unsigned smp_online_count(void)
{
    return hk.online;
}

unsigned smp_enabled_count(void)
{
    return hk.enabled;
}

bool smp_stop_requested(void)
{
    return false;
}

/* Each online CPU in turn becomes the current one (and the emulator's LP). */
int smp_call_all(smp_fn_t fn, void *arg, uint64_t timeout_us)
{
    unsigned saved = host_lp;

    if (!hk.irqs_on)
        fail_msg("smp_call_all with interrupts off: two callers would deadlock");
    for (unsigned c = 0; c < cpu_count; c++) {
        if (cpu_table[c]->state != CPU_ONLINE)
            continue;
        host_lp = c;
        fn(arg);
    }
    host_lp = saved;
    return 0;
}

/* Two LPs per package: CPUID leaf 0xB says the package starts at APIC id bit 1. */
void cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    memset(r, 0, sizeof(*r));
    if (leaf == 0)
        r->eax = 0x1F;
    else if (leaf == 0xB && sub == 0)
        *r = (struct cpuid_regs){1, 2, (1U << 8) | sub, host_lp}; /* SMT */
    else if (leaf == 0xB && sub == 1)
        *r = (struct cpuid_regs){1, 2, (2U << 8) | sub, host_lp}; /* core */
    else if (leaf == 0x80000008)
        r->eax = HOST_PHYS_BITS + TME_KEYID_BITS;
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    if (msr == MSR_IA32_MKTME_KEYID_PARTITIONING)
        *val = (uint64_t)HOST_NR_KEYIDS << 32 | MKTME_KEYIDS;
    else if (msr == MSR_TME_ACTIVATE)
        *val = TME_KEYID_BITS << 32;
    else
        return -EIO;
    return 0;
}

uint64_t rdmsr(uint32_t msr)
{
    for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++)
        if (msrs[i][0] == msr)
            return msrs[i][1];
    return 0;
}

void wrmsr(uint32_t msr, uint64_t v)
{
    for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++)
        if (msrs[i][0] == msr || msrs[i][0] == 0) {
            msrs[i][0] = msr;
            msrs[i][1] = v;
            return;
        }
}

uint64_t read_cr4(void)
{
    return 0; /* no OSXSAVE: tdx_run.c leaves XCR0 alone */
}

bool lapic_is_x2apic(void)
{
    return true;
}

void cpu_relax(void)
{
    hk.cpu_relax++;
}

void wbinvd(void)
{
    hk.wbinvd[host_lp]++;
}

void irq_disable(void)
{
    hk.irqs_on = false;
}

void irq_enable(void)
{
    hk.irqs_on = true;
}

uint64_t irq_save(void)
{
    uint64_t f = hk.irqs_on ? EFLAGS_IF : 0;

    hk.irqs_on = false;
    return f;
}

void irq_restore(uint64_t flags)
{
    if (flags & EFLAGS_IF)
        hk.irqs_on = true;
}

/* One thread: a lock taken twice is a deadlock on a real machine. */
void spin_lock(spinlock_t *l)
{
    for (unsigned i = 0; i < hk.nlocks; i++)
        if (hk.lock[i] == l)
            fail_msg("spin_lock of a lock this CPU already holds");
    if (hk.nlocks == HOST_MAX_LOCKS)
        fail_msg("more than %d spinlocks nested", HOST_MAX_LOCKS);
    hk.lock[hk.nlocks++] = l;
}

bool spin_trylock(spinlock_t *l)
{
    for (unsigned i = 0; i < hk.nlocks; i++)
        if (hk.lock[i] == l)
            return false;
    spin_lock(l);
    return true;
}

void spin_unlock(spinlock_t *l)
{
    if (!hk.nlocks || hk.lock[hk.nlocks - 1] != l)
        fail_msg("spin_unlock of a lock that is not the innermost held");
    hk.nlocks--;
}

/* ------------------------------------------------ the rest of the kernel */

void irq_take_exit_interrupt(uint32_t exit_intr_info)
{
    hk.exit_intrs++;
    hk.exit_intr_info = exit_intr_info;
    hk.exit_intr_irqs_on = hk.irqs_on;
}

/* vmm/exit_common.c's, which the harness does not link: the same two steps. */
bool vcpu_host_interrupt(struct vcpu *v, uint32_t exit_intr_info)
{
    irq_take_exit_interrupt(exit_intr_info);
    return !v->stop;
}

void vcpu_host_nmi(void)
{
}

bool panic_in_progress(void)
{
    return false;
}

void panic_stop_this_cpu(void)
{
    abort();
}

int vmx_add_post_enable_hook(vmx_post_enable_hook_t h)
{
    hk.vmx_hook = h;
    return 0;
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa + len > vm->mem_size)
        return NULL;
    return phys_to_virt(hk.vm_mem_pa + gpa);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(hk.vm_stop_reason, sizeof(hk.vm_stop_reason), fmt, ap);
    va_end(ap);
    hk.vm_stops++;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        vm->vcpus[i].stop = true;
}

bool td_ghci(struct vcpu *v, const struct tdx_args *in, struct tdx_args *out, int *cls)
{
    hk.ghci_exits++;
    return false;
}

/* Any page with data will do: it is measured like the real reset page. */
uint64_t td_reset_page_build(const struct vcpu_start *start)
{
    uint64_t pa = page_alloc(1);

    if (pa)
        memset(phys_to_virt(pa), 0xF4, PAGE_SIZE); /* HLT */
    return pa;
}

/* tdx=emulate's glue is not under test: these tests drive the hardware path. */
int tdxemu_attach(struct tdx_status *st)
{
    return -ENODEV;
}

void tdxemu_set_stress(unsigned permille, uint64_t seed)
{
}

uint64_t tdx_seamcall_hw(uint64_t fn, struct tdx_args *args)
{
    return TDX_SEAMCALL_VMFAILINVALID;
}

/* ------------------------------------------------ a fresh machine */

static void cpus_reset(unsigned online, unsigned enabled)
{
    memset(cpus, 0, sizeof(cpus));
    memset(cpu_table, 0, sizeof(cpu_table));
    cpu_count = enabled;
    for (unsigned c = 0; c < enabled; c++) {
        cpus[c].self = &cpus[c];
        cpus[c].cpu = c;
        cpus[c].apic_id = c;
        cpus[c].state = c < online ? CPU_ONLINE : CPU_OFFLINE;
        cpu_table[c] = &cpus[c];
    }
}

void host_reset(unsigned online, unsigned enabled)
{
    struct tdx_fault none = {0};

    memset(&hk, 0, sizeof(hk));
    memset(&hp, 0, sizeof(hp));
    memset(&hs, 0, sizeof(hs));
    memset(msrs, 0, sizeof(msrs));
    hk.online = online;
    hk.enabled = enabled;
    hk.irqs_on = true;
    madvise(host_mem, HOST_MEM_SIZE, MADV_DONTNEED); /* zero again, and give the memory back */
    memset(pg, 0, sizeof(pg));
    lowest_free = FIRST_PFN;
    free_pages = NPAGES - FIRST_PFN;
    memset(&bi, 0, sizeof(bi));
    bi.nmmap = 1;
    bi.mmap[0] = (struct mem_range){HOST_RAM_BASE, HOST_MEM_SIZE, MEM_USABLE};
    cpus_reset(online, enabled);
    host_lp = 0;
    plat_load(enabled); /* MCHECK counted every enabled CPU; SYS.INIT pending */
    tdx_seamcall = host_seamcall;
    tdx_fault_arm(&none);
    host_log_clear();
}
