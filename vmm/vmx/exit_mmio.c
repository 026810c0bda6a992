/* SPDX-License-Identifier: MIT */
/*
 * Exits that need the guest's instruction or memory: MMIO to a device in
 * the VM's I/O registry (EPT violations outside guest RAM, emulated by
 * decoding the instruction at RIP) and INS/OUTS. The decoder and page walk
 * are pure code in vmm/decode/; this file feeds them the VMCS state and
 * guest memory.
 */
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/decode/guest_walk.h"
#include "vmm/decode/insn.h"
#include "vmm/decode/insn_cache.h"
#include "vmm/decode/string_io.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

#define PAGE_MASK_LOW 0xfffULL
#define MMIO_LA_UNKNOWN 1ULL /* not a page address: found by the first walk that reaches the page */

struct guest_ctx {
    struct vmx_vcpu *vv;
    struct guest_paging pg;
    uint64_t pdpte[4];
    struct guest_mem mem;
    struct guest_fault fault;
    unsigned user;              /* GW_USER when the guest runs at CPL 3 */
    uint64_t mmio_la, mmio_gpa; /* the page the exit named (linear: or MMIO_LA_UNKNOWN) */
};

static int read_gpa(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    struct vm *vm = ctx;
    void *src = vm_gpa_to_hva(vm, gpa, len);

    if (!src)
        return -EFAULT;
    memcpy(dst, src, len);
    return 0;
}

static int write_gpa(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return vm_copy_to_guest(ctx, gpa, src, len);
}

static enum insn_mode guest_mode(void)
{
    uint64_t ar = vmread(VMCS_GUEST_CS_AR);

    if (!(vmread(VMCS_GUEST_CR0) & CR0_PE))
        return INSN_MODE_16;
    if ((vmread(VMCS_GUEST_EFER) & EFER_LMA) && (ar & AR_L))
        return INSN_MODE_64;
    return ar & AR_DB ? INSN_MODE_32 : INSN_MODE_16;
}

static void ctx_init(struct guest_ctx *c, struct vmx_vcpu *vv)
{
    struct cpuid_regs r;

    memset(c, 0, sizeof(*c));
    c->vv = vv;
    cpuid(0x80000008, 0, &r);
    for (unsigned i = 0; i < 4; i++)
        c->pdpte[i] = vmread(VMCS_GUEST_PDPTE0 + 2 * i);
    c->pg = (struct guest_paging){
        .cr0 = vmread(VMCS_GUEST_CR0),
        .cr3 = vmread(VMCS_GUEST_CR3),
        .cr4 = vmread(VMCS_GUEST_CR4), /* paging bits are the guest's own */
        .efer = vmread(VMCS_GUEST_EFER),
        .ac = vmread(VMCS_GUEST_RFLAGS) & (1U << 18),
        .maxphyaddr = r.eax & 0xff,
        .pdpte = c->pdpte,
    };
    c->mem = (struct guest_mem){read_gpa, write_gpa, vv->vcpu->vm};
    c->user = ((vmread(VMCS_GUEST_SS_AR) >> 5) & 3) == 3 ? GW_USER : 0;
}

static void regs_load(struct vmx_vcpu *vv, struct insn_regs *r)
{
    memcpy(r->gpr, &vv->regs, sizeof(r->gpr));
    r->gpr[INSN_RSP] = vmread(VMCS_GUEST_RSP);
    r->rflags = vmread(VMCS_GUEST_RFLAGS);
    r->rip = vmread(VMCS_GUEST_RIP);
    for (unsigned s = 0; s < INSN_NSEG; s++)
        r->seg_base[s] = vmread(VMCS_GUEST_ES_BASE + 2 * s);
}

static void regs_store(struct vmx_vcpu *vv, const struct insn_regs *r)
{
    memcpy(&vv->regs, r->gpr, sizeof(r->gpr));
    vmwrite(VMCS_GUEST_RSP, r->gpr[INSN_RSP]);
    vmwrite(VMCS_GUEST_RFLAGS, r->rflags);
    if (r->rip != vmread(VMCS_GUEST_RIP)) {
        vmwrite(VMCS_GUEST_RIP, r->rip);
        /* The instruction completed: its shadow ends, its single step is due (docs/guest-abi.md). */
        vmx_instruction_done(r->rflags);
    }
}

static void inject_pf(const struct guest_fault *f)
{
    write_cr2(f->addr); /* VMX keeps no guest CR2: the guest sees the CPU's own */
    vmx_inject_exception(EXC_PF, true, f->error);
}

/* A device's page, or an address nothing answers (vmm/io.h: docs/guest-abi.md). */
static int mmio_access(struct vcpu *v, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
    int err = vm_mmio(v, gpa, size, write, val);

    return err == -ENOENT ? vm_mmio_unclaimed(v, size, write, val) : err;
}

/* Memory operand access: the MMIO page goes to its device, anything else to guest RAM. */
static int mem_access(struct guest_ctx *c, uint64_t la, unsigned size, bool write, uint64_t *val)
{
    unsigned access = (write ? GW_WRITE : 0) | c->user;
    uint64_t gpa;

    /* An APIC-access exit names no linear address: the operand that translates to the page is it. */
    if (c->mmio_la == MMIO_LA_UNKNOWN &&
        !guest_walk(&c->pg, &c->mem, la, access, &gpa, &c->fault) &&
        (gpa & ~PAGE_MASK_LOW) == c->mmio_gpa)
        c->mmio_la = la & ~PAGE_MASK_LOW;
    if ((la & ~PAGE_MASK_LOW) == c->mmio_la && ((la + size - 1) & ~PAGE_MASK_LOW) == c->mmio_la)
        return mmio_access(c->vv->vcpu, c->mmio_gpa | (la & PAGE_MASK_LOW), size, write, val);
    if (write)
        return guest_write_linear(&c->pg, &c->mem, la, access, val, size, &c->fault);
    *val = 0;
    return guest_read_linear(&c->pg, &c->mem, la, access, val, size, &c->fault);
}

static int mem_read(void *ctx, uint64_t la, unsigned size, uint64_t *val)
{
    return mem_access(ctx, la, size, false, val);
}

static int mem_write(void *ctx, uint64_t la, unsigned size, uint64_t val)
{
    return mem_access(ctx, la, size, true, &val);
}

static const struct insn_mem_ops mmio_ops = {mem_read, mem_write};

static int fetch_and_decode(struct guest_ctx *c, const struct insn_regs *r, enum insn_mode mode,
                            struct insn *in)
{
    uint8_t bytes[INSN_MAX_LEN];
    uint64_t la = insn_linear(r, mode, INSN_SEG_CS, r->rip), gpa;
    int n, len;

    /*
     * Within one page guest_fetch_insn walks it twice (the range check, then
     * the copy): one walk is the same translation, at half the cost.
     */
    if ((la & PAGE_MASK_LOW) <= PAGE_MASK_LOW + 1 - sizeof(bytes)) {
        n = guest_walk(&c->pg, &c->mem, la, GW_FETCH | c->user, &gpa, &c->fault);
        if (!n)
            n = read_gpa(c->mem.ctx, gpa, bytes, sizeof(bytes));
        if (!n)
            n = sizeof(bytes);
    } else {
        n = guest_fetch_insn(&c->pg, &c->mem, la, GW_FETCH | c->user, bytes, sizeof(bytes),
                             &c->fault);
    }

    if (n < 0)
        return n;
    /* The fetch stays: the cache only saves the decode of bytes it compares (insn_cache.h). */
    len = insn_cache_decode(&c->vv->insn_cache, la, bytes, (size_t)n, mode, in);
    if (len == -ENODATA && c->fault.error)
        return -EFAULT; /* the instruction runs into a page the guest cannot fetch */
    return len;
}

static bool stop_outside(struct vmx_vcpu *vv, uint64_t q, uint64_t gpa, const char *why)
{
    vm_stop(vv->vcpu->vm, "%s of guest-physical %#lx outside its memory at rip %#lx%s",
            q & EPT_QUAL_FETCH   ? "fetch"
            : q & EPT_QUAL_WRITE ? "write"
                                 : "read",
            gpa, vmread(VMCS_GUEST_RIP), why);
    return false;
}

/*
 * Emulates the instruction at RIP, whose memory operand is on the device
 * page at guest-physical mmio_gpa (linear mmio_la, or MMIO_LA_UNKNOWN).
 * 0 when done (or a #PF injected), -EOPNOTSUPP for an instruction the
 * decoder does not emulate, another error when the access is impossible.
 */
static int emulate(struct vmx_vcpu *vv, uint64_t mmio_la, uint64_t mmio_gpa)
{
    enum insn_mode mode = guest_mode();
    struct guest_ctx c;
    struct insn_regs r;
    struct insn in;
    int err;

    ctx_init(&c, vv);
    c.mmio_la = mmio_la;
    c.mmio_gpa = mmio_gpa;
    regs_load(vv, &r);
    err = fetch_and_decode(&c, &r, mode, &in);
    if (err >= 0)
        err = insn_emulate(&in, &r, &mmio_ops, &c);
    else if (err != -EFAULT || !c.fault.error)
        return -EOPNOTSUPP;
    if (err == -EFAULT && c.fault.error) {
        inject_pf(&c.fault);
        return 0;
    }
    if (!err)
        regs_store(vv, &r);
    return err;
}

int vmx_mmio_emulate(struct vmx_vcpu *vv, uint64_t page_gpa)
{
    return emulate(vv, MMIO_LA_UNKNOWN, page_gpa & ~PAGE_MASK_LOW);
}

bool vmx_ept_violation(struct vmx_vcpu *vv)
{
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION), gpa = vmread(VMCS_GUEST_PHYS_ADDR);
    int err;

    /* Unclaimed addresses are emulated too (all-ones reads), unless strict-mem=on. */
    bool emulate_it = !vv->vcpu->vm->strict_mem || vm_mmio_claimed(vv->vcpu->vm, gpa);

    if (!emulate_it || (q & EPT_QUAL_FETCH) || !(q & EPT_QUAL_LA_VALID) ||
        !(q & EPT_QUAL_LA_TRANSLATED))
        return stop_outside(vv, q, gpa, "");
    err = emulate(vv, vmread(VMCS_GUEST_LINEAR_ADDR) & ~PAGE_MASK_LOW, gpa & ~PAGE_MASK_LOW);
    if (err == -EOPNOTSUPP)
        return stop_outside(vv, q, gpa, " (instruction not emulated)");
    if (err)
        return stop_outside(vv, q, gpa, "");
    return !vv->vcpu->stop;
}

static int sio_in(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
    struct guest_ctx *c = ctx;

    vm_pio(c->vv->vcpu, port, size, true, val);
    return c->vv->vcpu->stop ? -EINTR : 0;
}

static int sio_out(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
    struct guest_ctx *c = ctx;

    vm_pio(c->vv->vcpu, port, size, false, &val);
    return c->vv->vcpu->stop ? -EINTR : 0;
}

static int sio_read(void *ctx, uint64_t la, void *dst, size_t len)
{
    struct guest_ctx *c = ctx;

    return guest_read_linear(&c->pg, &c->mem, la, c->user, dst, len, &c->fault);
}

static int sio_write(void *ctx, uint64_t la, const void *src, size_t len)
{
    struct guest_ctx *c = ctx;

    return guest_write_linear(&c->pg, &c->mem, la, GW_WRITE | c->user, src, len, &c->fault);
}

static const struct string_io_ops sio_ops = {sio_in, sio_out, sio_read, sio_write};

/* INS/OUTS, a bounded batch of iterations per exit: a long REP re-executes and exits again. */
bool vmx_string_io(struct vmx_vcpu *vv, uint64_t q)
{
    struct string_io_exit x;
    struct guest_ctx c;
    struct insn_regs r;
    int err;

    if (string_io_exit_decode(q, (uint32_t)vmread(VMCS_EXIT_INSTR_INFO),
                              (unsigned)vmread(VMCS_EXIT_INSTR_LEN), guest_mode(), &x)) {
        vm_stop(vv->vcpu->vm, "malformed string I/O exit at rip %#lx", vmread(VMCS_GUEST_RIP));
        return false;
    }
    ctx_init(&c, vv);
    regs_load(vv, &r);
    err = string_io_run(&x, &r, &sio_ops, &c, STRING_IO_BATCH);
    regs_store(vv, &r); /* committed per transfer: right even after an error */
    if (err < 0 && c.fault.error) {
        inject_pf(&c.fault);
        return true;
    }
    if (err < 0 && err != -EINTR) {
        vm_stop(vv->vcpu->vm, "string I/O to memory outside the guest at rip %#lx",
                vmread(VMCS_GUEST_RIP));
        return false;
    }
    return !vv->vcpu->stop;
}
