/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for a guest (ACPI 6.5 chapter 5). The FADT comes in two kinds
 * (acpi_gen.h). Hardware-reduced (5.2.9, HW_REDUCED_ACPI), for Linux: no
 * PM1 block, PM timer, GPE block or SCI for OSPM to use, and Linux then
 * uses no 8259 PIC and no PIT (acpi_generic_reduced_hw_init), so a VM needs
 * only LAPICs, one I/O APIC and its UART. Power-off goes through the FADT
 * sleep control register and \_S5, reset through RESET_REG. Full, for other
 * guests: PM1a event and control blocks and the PM timer, power-off through
 * PM1a_CNT and \_S5. Every register named is an I/O port the hypervisor
 * traps (vmm/platform/dev_acpi_pm.c, dev_pm_timer.c, dev_reset.c).
 *
 * No interrupt source overrides: ISA IRQ n is GSI n (5.2.12.5 says that is
 * the default), and the one override PCs carry, IRQ0 -> GSI 2 for the PIT,
 * has no PIT behind it here. Linux also skips the SCI on HW-reduced
 * platforms, so the SCI needs none.
 */
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmm/platform/acpi_gen.h"
#include "vmm/platform/acpi_spec.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/acpi_pm1.h"
#include "vmm/dev/pm_timer.h"

/* Who made the tables (5.2.6): "HV MICROVISOR", in the space the fields give. */
#define GEN_OEM_ID "HVMICR"
#define GEN_OEM_TABLE_ID "HVMICROV"
#define GEN_CREATOR_ID "HVMV"
#define GEN_REVISION 1
/* FADT Hypervisor Vendor Identity (5.2.9): 8 bytes, from our CPUID signature. */
#define GEN_HYPERVISOR_ID "HVMICROV"

/* Tables start on 16 bytes: not required, but dumps and scans read easier. */
#define GEN_TABLE_ALIGN 16
#define GEN_XSDT_ENTRIES 2 /* FADT, MADT; the DSDT and FACS hang off the FADT */
#define GEN_AML_MAX 192

/* An AML byte stream being built; overflow is sticky and checked at the end. */
struct aml {
    uint8_t b[GEN_AML_MAX];
    size_t n;
    bool overflow;
};

/* Where each table goes in the output buffer. */
struct gen_layout {
    size_t xsdt, fadt, madt, dsdt, facs, end;
    size_t madt_len, dsdt_len;
};

/* FNV-1a (32-bit), for the FACS hardware signature. */
#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static void w8(uint8_t *p, uint8_t v)
{
    *p = v;
}

static void w16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void w32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void w64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof(v));
}

/* Sets the byte at p[at] so that the len bytes at p sum to zero (5.2.6). */
static void set_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;

    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

/* ---------------------------------------------------------------- AML */

static uint8_t hexval(char c)
{
    if (c >= '0' && c <= '9')
        return (uint8_t)(c - '0');
    return (uint8_t)((c | 0x20) - 'a' + 10);
}

static void aml_put(struct aml *a, const void *src, size_t n)
{
    if (a->overflow || n > sizeof(a->b) - a->n) {
        a->overflow = true;
        return;
    }
    memcpy(a->b + a->n, src, n);
    a->n += n;
}

static void aml_byte(struct aml *a, uint8_t v)
{
    aml_put(a, &v, 1);
}

/* 20.2.4: the length counts itself, so it depends on its own encoding size. */
static void aml_pkglen(struct aml *a, size_t body)
{
    size_t total = body + 1;

    if (total <= AML_PKGLEN_1BYTE_MAX) {
        aml_byte(a, (uint8_t)total);
        return;
    }
    total = body + 2;
    if (total > AML_PKGLEN_2BYTE_MAX) {
        a->overflow = true;
        return;
    }
    aml_byte(a, (uint8_t)(0x40 | (total & 0x0f)));
    aml_byte(a, (uint8_t)(total >> 4));
}

/* op [op2] PkgLength body: Scope, Device, Package and Buffer all look like this. */
static void aml_pkg(struct aml *a, const uint8_t *op, size_t oplen, const struct aml *body)
{
    if (body->overflow)
        a->overflow = true;
    aml_put(a, op, oplen);
    aml_pkglen(a, body->n);
    aml_put(a, body->b, body->n);
}

/* 20.2.3: the shortest encoding of a small integer. */
static void aml_small_int(struct aml *a, uint8_t v)
{
    if (v == 0 || v == 1) {
        aml_byte(a, v ? AML_ONE_OP : AML_ZERO_OP);
        return;
    }
    aml_byte(a, AML_BYTE_PREFIX);
    aml_byte(a, v);
}

/* NameOp NameSeg: the caller appends the value. name is 4 chars, maybe after '\'. */
static void aml_name(struct aml *a, const char *name)
{
    aml_byte(a, AML_NAME_OP);
    aml_put(a, name, strlen(name));
}

/* Name (\_S5, Package () {typ, typ, 0, 0}): 7.4.2.5, SLP_TYPa and SLP_TYPb. */
static void aml_s5(struct aml *a, uint8_t typ)
{
    static const uint8_t op = AML_PACKAGE_OP;
    struct aml pkg = {0};

    aml_byte(&pkg, 4); /* NumElements */
    aml_small_int(&pkg, typ);
    aml_small_int(&pkg, typ);
    aml_small_int(&pkg, 0);
    aml_small_int(&pkg, 0);
    aml_name(a, "\\_S5_");
    aml_pkg(a, &op, 1, &pkg);
}

/*
 * 6.1.5: an EISA ID packs three letters as 5-bit values and four hex digits
 * into a big-endian 32-bit number, stored as a little-endian DWordConst.
 */
static void aml_eisaid(struct aml *a, const char *id)
{
    uint8_t v[4];

    v[0] = (uint8_t)(((id[0] & 0x1f) << 2) | ((id[1] & 0x1f) >> 3));
    v[1] = (uint8_t)(((id[1] & 0x1f) << 5) | (id[2] & 0x1f));
    v[2] = (uint8_t)((hexval(id[3]) << 4) | hexval(id[4]));
    v[3] = (uint8_t)((hexval(id[5]) << 4) | hexval(id[6]));
    aml_byte(a, AML_DWORD_PREFIX);
    aml_put(a, v, sizeof(v));
}

/* ResourceTemplate () { IO (Decode16, port, port, 0, n) IRQNoFlags () {irq} } */
static void aml_com1_crs(struct aml *a, const struct acpi_gen_cfg *cfg)
{
    static const uint8_t op = AML_BUFFER_OP;
    uint16_t irq_mask = (uint16_t)(1u << cfg->com1_irq);
    uint8_t res[] = {
        ACPI_RES_IO,
        ACPI_RES_IO_DECODE16,
        (uint8_t)cfg->com1_port,
        (uint8_t)(cfg->com1_port >> 8), /* minimum */
        (uint8_t)cfg->com1_port,
        (uint8_t)(cfg->com1_port >> 8), /* maximum */
        0,
        GUEST_COM1_PORTS, /* alignment (fixed range), length */
        ACPI_RES_IRQ_NOFLAGS,
        (uint8_t)irq_mask,
        (uint8_t)(irq_mask >> 8),
        ACPI_RES_END_TAG,
        0,
    };
    struct aml buf = {0};

    aml_byte(&buf, AML_BYTE_PREFIX); /* BufferSize */
    aml_byte(&buf, sizeof(res));
    aml_put(&buf, res, sizeof(res));
    aml_name(a, "_CRS");
    aml_pkg(a, &op, 1, &buf);
}

/*
 * Scope (\_SB) { Device (COM1) { _HID PNP0501, _UID 1, _CRS } }. Linux's
 * 8250_pnp driver takes the UART's IRQ from here: with a HW-reduced FADT
 * there is no legacy PIC, so ISA IRQ 4 reaches the driver only as GSI 4.
 */
static void aml_com1(struct aml *a, const struct acpi_gen_cfg *cfg)
{
    static const uint8_t scope_op = AML_SCOPE_OP;
    static const uint8_t device_op[] = {AML_EXT_OP_PREFIX, AML_DEVICE_OP};
    struct aml dev = {0}, scope = {0};

    aml_put(&dev, "COM1", 4);
    aml_name(&dev, "_HID");
    aml_eisaid(&dev, "PNP0501");
    aml_name(&dev, "_UID");
    aml_small_int(&dev, 1);
    aml_com1_crs(&dev, cfg);
    aml_put(&scope, "\\_SB_", 5);
    aml_pkg(&scope, device_op, sizeof(device_op), &dev);
    aml_pkg(a, &scope_op, 1, &scope);
}

static void dsdt_body(struct aml *a, const struct acpi_gen_cfg *cfg)
{
    aml_s5(a, cfg->s5_slp_typ);
    if (cfg->com1)
        aml_com1(a, cfg);
}

/* ---------------------------------------------------------------- tables */

static void sdt_header(uint8_t *t, const char *sig, size_t len, uint8_t revision)
{
    memcpy(t, sig, 4);
    w32(t + ACPI_SDT_LENGTH, (uint32_t)len);
    w8(t + ACPI_SDT_REVISION, revision);
    memcpy(t + ACPI_SDT_OEM_ID, GEN_OEM_ID, ACPI_OEM_ID_LEN);
    memcpy(t + ACPI_SDT_OEM_TABLE_ID, GEN_OEM_TABLE_ID, ACPI_OEM_TABLE_ID_LEN);
    w32(t + ACPI_SDT_OEM_REVISION, GEN_REVISION);
    memcpy(t + ACPI_SDT_CREATOR_ID, GEN_CREATOR_ID, 4);
    w32(t + ACPI_SDT_CREATOR_REVISION, GEN_REVISION);
}

/* A register block of bits bits in I/O space, accessed access units at a time (5.2.3.2). */
static void gas_io(uint8_t *g, uint16_t port, uint8_t bits, uint8_t access)
{
    w8(g, ACPI_GAS_SYSTEM_IO);
    w8(g + 1, bits); /* register bit width */
    w8(g + 2, 0);    /* bit offset */
    w8(g + 3, access);
    w64(g + 4, port);
}

static void gas_io8(uint8_t *g, uint16_t port)
{
    gas_io(g, port, 8, ACPI_GAS_ACCESS_BYTE);
}

static void build_rsdp(uint8_t *r, uint64_t xsdt_gpa)
{
    memcpy(r, ACPI_RSDP_SIG, 8);
    memcpy(r + ACPI_RSDP_OEM_ID, GEN_OEM_ID, ACPI_OEM_ID_LEN);
    w8(r + ACPI_RSDP_REVISION, ACPI_RSDP_REV_XSDT);
    w32(r + ACPI_RSDP_RSDT, 0); /* XSDT only: every OS that reads revision 2 uses it */
    w32(r + ACPI_RSDP_LENGTH, ACPI_RSDP_LEN);
    w64(r + ACPI_RSDP_XSDT, xsdt_gpa);
    set_checksum(r, ACPI_RSDP_V1_LEN, ACPI_RSDP_CHECKSUM);
    set_checksum(r, ACPI_RSDP_LEN, ACPI_RSDP_EXT_CHECKSUM);
}

static void build_xsdt(uint8_t *t, uint64_t fadt_gpa, uint64_t madt_gpa)
{
    size_t len = ACPI_SDT_HDR_LEN + GEN_XSDT_ENTRIES * sizeof(uint64_t);

    sdt_header(t, "XSDT", len, ACPI_XSDT_REVISION);
    w64(t + ACPI_SDT_HDR_LEN, fadt_gpa);
    w64(t + ACPI_SDT_HDR_LEN + sizeof(uint64_t), madt_gpa);
    set_checksum(t, len, ACPI_SDT_CHECKSUM);
}

/*
 * HW-reduced: everything from SCI_INT to the X_ GPE blocks stays zero
 * (5.2.9 says OSPM ignores it), the PM timer's fields too: Linux reads
 * X_PM_TMR_BLK whatever the flag says, and would take on a clocksource and
 * a TSC watchdog it does without today.
 */
static void fadt_reduced(uint8_t *t, const struct acpi_gen_cfg *cfg)
{
    gas_io8(t + ACPI_FADT_SLEEP_CONTROL_REG, cfg->sleep_ctl_port);
    gas_io8(t + ACPI_FADT_SLEEP_STATUS_REG, cfg->sleep_sts_port);
}

/* A fixed-hardware block: its 32-bit port field, X_ GAS and length agree (5.2.9). */
static void fadt_block(uint8_t *t, size_t blk, size_t x_blk, size_t len_at, uint16_t port,
                       uint8_t len, uint8_t access)
{
    w32(t + blk, port);
    gas_io(t + x_blk, port, (uint8_t)(8 * len), access);
    w8(t + len_at, len);
}

/*
 * Full: PM1a event (status and enable, 16 bits each) and control blocks,
 * the PM timer, no PM1b, PM2 or GPE blocks (all optional). SMI_CMD 0 says
 * the platform has no SMM and is always in ACPI mode (SCI_EN reads 1), so
 * ACPI_ENABLE and ACPI_DISABLE stay 0. No C2/C3. The sleep registers are
 * HW-reduced only and stay 0.
 */
static void fadt_full(uint8_t *t, const struct acpi_gen_cfg *cfg)
{
    w16(t + ACPI_FADT_SCI_INT, cfg->sci_irq);
    w32(t + ACPI_FADT_SMI_CMD, 0);
    fadt_block(t, ACPI_FADT_PM1A_EVT_BLK, ACPI_FADT_X_PM1A_EVT_BLK, ACPI_FADT_PM1_EVT_LEN,
               cfg->pm1a_evt_port, PM1_EVT_LEN, ACPI_GAS_ACCESS_WORD);
    fadt_block(t, ACPI_FADT_PM1A_CNT_BLK, ACPI_FADT_X_PM1A_CNT_BLK, ACPI_FADT_PM1_CNT_LEN,
               cfg->pm1a_cnt_port, PM1_CNT_LEN, ACPI_GAS_ACCESS_WORD);
    if (cfg->pm_tmr_port)
        fadt_block(t, ACPI_FADT_PM_TMR_BLK, ACPI_FADT_X_PM_TMR_BLK, ACPI_FADT_PM_TMR_LEN,
                   cfg->pm_tmr_port, PM_TIMER_LEN, ACPI_GAS_ACCESS_DWORD);
    w16(t + ACPI_FADT_P_LVL2_LAT, ACPI_FADT_P_LVL2_NONE);
    w16(t + ACPI_FADT_P_LVL3_LAT, ACPI_FADT_P_LVL3_NONE);
    w8(t + ACPI_FADT_CENTURY, cfg->century);
}

static uint32_t fadt_flags(const struct acpi_gen_cfg *cfg)
{
    uint32_t flags = ACPI_FADT_F_WBINVD | ACPI_FADT_F_PWR_BUTTON | ACPI_FADT_F_SLP_BUTTON |
                     ACPI_FADT_F_RESET_REG_SUP;

    if (cfg->fadt == ACPI_GEN_FADT_REDUCED)
        return flags | ACPI_FADT_F_HW_REDUCED_ACPI;
    flags |= ACPI_FADT_F_PROC_C1 | ACPI_FADT_F_FIX_RTC;
    return cfg->pm_tmr_port ? flags | ACPI_FADT_F_TMR_VAL_EXT : flags;
}

/* 5.2.9: at most one of FIRMWARE_CTRL and X_FIRMWARE_CTRL is non-zero. */
static void fadt_facs(uint8_t *t, uint64_t facs_gpa)
{
    if (facs_gpa <= UINT32_MAX)
        w32(t + ACPI_FADT_FIRMWARE_CTRL, (uint32_t)facs_gpa);
    else
        w64(t + ACPI_FADT_X_FIRMWARE_CTRL, facs_gpa);
}

static void build_fadt(uint8_t *t, const struct acpi_gen_cfg *cfg, uint64_t dsdt_gpa,
                       uint64_t facs_gpa)
{
    sdt_header(t, "FACP", ACPI_FADT_LEN, ACPI_FADT_REVISION);
    fadt_facs(t, facs_gpa);
    w16(t + ACPI_FADT_IAPC_BOOT_ARCH, cfg->iapc_boot_arch);
    w32(t + ACPI_FADT_FLAGS, fadt_flags(cfg));
    gas_io8(t + ACPI_FADT_RESET_REG, cfg->reset_port);
    w8(t + ACPI_FADT_RESET_VALUE, cfg->reset_value);
    w8(t + ACPI_FADT_MINOR_VERSION, ACPI_FADT_MINOR);
    w64(t + ACPI_FADT_X_DSDT, dsdt_gpa);
    if (cfg->fadt == ACPI_GEN_FADT_REDUCED)
        fadt_reduced(t, cfg);
    else
        fadt_full(t, cfg);
    memcpy(t + ACPI_FADT_HYPERVISOR_ID, GEN_HYPERVISOR_ID, 8);
    set_checksum(t, ACPI_FADT_LEN, ACPI_SDT_CHECKSUM);
}

static size_t madt_len(unsigned ncpus)
{
    return ACPI_MADT_HDR_LEN + (size_t)ncpus * ACPI_MADT_LAPIC_LEN + ACPI_MADT_IOAPIC_LEN;
}

/* Flags 0: no PCAT_COMPAT, there are no 8259s to mask. */
static void build_madt(uint8_t *t, const struct acpi_gen_cfg *cfg)
{
    size_t len = madt_len(cfg->ncpus);
    uint8_t *e = t + ACPI_MADT_HDR_LEN;

    sdt_header(t, "APIC", len, ACPI_MADT_REVISION);
    w32(t + ACPI_MADT_LAPIC_ADDR, cfg->lapic_addr);
    for (unsigned i = 0; i < cfg->ncpus; i++, e += ACPI_MADT_LAPIC_LEN) {
        w8(e, ACPI_MADT_TYPE_LAPIC);
        w8(e + 1, ACPI_MADT_LAPIC_LEN);
        w8(e + 2, (uint8_t)i); /* ACPI processor UID */
        w8(e + 3, (uint8_t)i); /* APIC ID */
        w32(e + 4, ACPI_MADT_LAPIC_ENABLED);
    }
    w8(e, ACPI_MADT_TYPE_IOAPIC);
    w8(e + 1, ACPI_MADT_IOAPIC_LEN);
    w8(e + 2, cfg->ioapic_id);
    w32(e + 4, cfg->ioapic_addr);
    w32(e + 8, cfg->ioapic_gsi_base);
    set_checksum(t, len, ACPI_SDT_CHECKSUM);
}

static void build_dsdt(uint8_t *t, const struct aml *body)
{
    size_t len = ACPI_SDT_HDR_LEN + body->n;

    sdt_header(t, "DSDT", len, ACPI_DSDT_REVISION);
    memcpy(t + ACPI_SDT_HDR_LEN, body->b, body->n);
    set_checksum(t, len, ACPI_SDT_CHECKSUM);
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

/*
 * 5.2.10: the hardware signature changes when the hardware does, so that
 * OSPM waking from S4 knows. It hashes what describes the hardware: the
 * MADT, the DSDT and the FADT without its table addresses (which move
 * with base_gpa, the hardware does not).
 */
static uint32_t hw_signature(const uint8_t *buf, const struct gen_layout *l)
{
    const uint8_t *f = buf + l->fadt;
    uint32_t h = FNV_OFFSET;

    h = fnv1a(h, buf + l->madt, l->madt_len);
    h = fnv1a(h, buf + l->dsdt, l->dsdt_len);
    h = fnv1a(h, f + ACPI_FADT_PM_PROFILE, ACPI_FADT_X_FIRMWARE_CTRL - ACPI_FADT_PM_PROFILE);
    return fnv1a(h, f + ACPI_FADT_X_PM1A_EVT_BLK, ACPI_FADT_LEN - ACPI_FADT_X_PM1A_EVT_BLK);
}

/* Version 2, flags 0: no S4BIOS, no 64-bit waking; no waking vector (no S3), no global lock. */
static void build_facs(uint8_t *buf, const struct gen_layout *l)
{
    uint8_t *t = buf + l->facs;

    memcpy(t, ACPI_FACS_SIG, 4);
    w32(t + ACPI_FACS_LENGTH, ACPI_FACS_LEN);
    w32(t + ACPI_FACS_HW_SIGNATURE, hw_signature(buf, l));
    w8(t + ACPI_FACS_VERSION, ACPI_FACS_REVISION);
}

static void plan_tables(struct gen_layout *l, unsigned ncpus, size_t aml_len, uint64_t base)
{
    l->xsdt = ALIGN_UP((size_t)ACPI_RSDP_LEN, GEN_TABLE_ALIGN);
    l->fadt = ALIGN_UP(l->xsdt + ACPI_SDT_HDR_LEN + GEN_XSDT_ENTRIES * 8, GEN_TABLE_ALIGN);
    l->madt = ALIGN_UP(l->fadt + ACPI_FADT_LEN, GEN_TABLE_ALIGN);
    l->madt_len = madt_len(ncpus);
    l->dsdt = ALIGN_UP(l->madt + l->madt_len, GEN_TABLE_ALIGN);
    l->dsdt_len = ACPI_SDT_HDR_LEN + aml_len;
    l->facs = (size_t)(ALIGN_UP(base + l->dsdt + l->dsdt_len, ACPI_FACS_ALIGN) - base);
    l->end = l->facs + ACPI_FACS_LEN;
}

static bool cfg_ok(const struct acpi_gen_cfg *cfg)
{
    if (!cfg->ncpus || cfg->ncpus > ACPI_GEN_MAX_CPUS)
        return false;
    if (cfg->s5_slp_typ > (GUEST_SLP_TYP_MASK >> GUEST_SLP_TYP_SHIFT))
        return false;
    if (cfg->fadt != ACPI_GEN_FADT_REDUCED && cfg->fadt != ACPI_GEN_FADT_FULL)
        return false;
    if (cfg->fadt == ACPI_GEN_FADT_FULL && (!cfg->pm1a_evt_port || !cfg->pm1a_cnt_port))
        return false;
    return !cfg->com1 || cfg->com1_irq < 16;
}

void acpi_gen_default_cfg(struct acpi_gen_cfg *cfg, unsigned ncpus)
{
    *cfg = (struct acpi_gen_cfg){
        .ncpus = ncpus,
        .lapic_addr = GUEST_LAPIC_ADDR,
        .ioapic_id = GUEST_IOAPIC_ID,
        .ioapic_addr = GUEST_IOAPIC_ADDR,
        .ioapic_gsi_base = GUEST_IOAPIC_GSI_BASE,
        .sleep_ctl_port = GUEST_SLEEP_CTL_PORT,
        .sleep_sts_port = GUEST_SLEEP_STS_PORT,
        .pm1a_evt_port = GUEST_PM1A_EVT_PORT,
        .pm1a_cnt_port = GUEST_PM1A_CNT_PORT,
        .pm_tmr_port = GUEST_PM_TMR_PORT,
        .sci_irq = GUEST_SCI_IRQ,
        .century = GUEST_RTC_CENTURY,
        .reset_port = GUEST_RESET_PORT,
        .reset_value = GUEST_RESET_VALUE,
        .s5_slp_typ = GUEST_S5_SLP_TYP,
        .iapc_boot_arch = GUEST_IAPC_BOOT_ARCH,
        .com1 = true,
        .com1_port = GUEST_COM1_PORT,
        .com1_irq = GUEST_COM1_IRQ,
    };
}

void acpi_gen_full_cfg(struct acpi_gen_cfg *cfg, unsigned ncpus)
{
    acpi_gen_default_cfg(cfg, ncpus);
    cfg->fadt = ACPI_GEN_FADT_FULL;
    cfg->reset_port = GUEST_RST_CNT_PORT;
    cfg->reset_value = GUEST_RST_CNT_RESET;
}

int acpi_gen_build(const struct acpi_gen_cfg *cfg, uint8_t *buf, size_t buflen, uint64_t base_gpa,
                   size_t *used)
{
    struct aml aml = {0};
    struct gen_layout l;

    if (!cfg || !buf || !used || !cfg_ok(cfg) || !IS_ALIGNED(base_gpa, ACPI_RSDP_ALIGN))
        return -EINVAL;
    if (base_gpa > UINT64_MAX - ACPI_GEN_BUF_SIZE) /* the tables never need more */
        return -EINVAL;
    dsdt_body(&aml, cfg);
    if (aml.overflow)
        return -EINVAL;
    plan_tables(&l, cfg->ncpus, aml.n, base_gpa);
    if (l.end > buflen)
        return -ENOSPC;
    memset(buf, 0, l.end);
    build_rsdp(buf, base_gpa + l.xsdt);
    build_xsdt(buf + l.xsdt, base_gpa + l.fadt, base_gpa + l.madt);
    build_fadt(buf + l.fadt, cfg, base_gpa + l.dsdt, base_gpa + l.facs);
    build_madt(buf + l.madt, cfg);
    build_dsdt(buf + l.dsdt, &aml);
    build_facs(buf, &l);
    *used = l.end;
    return 0;
}
