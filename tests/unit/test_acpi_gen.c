/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/platform/acpi_gen.c drivers/acpi_tables.c lib/string.c */
/*
 * ACPI table generator tests. The output is read back by the hypervisor's
 * own firmware-table parser (drivers/acpi_tables.c) through a map function
 * over the output buffer, as a guest would find it at base_gpa; fields the
 * parser does not keep (sleep registers, vendor ID, the COM1 device) are
 * checked at their ACPI 6.5 offsets, as are the FACS (which no table
 * lists: the FADT points to it) and both kinds of FADT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "drivers/acpi_tables.h"
#include "vmm/platform/acpi_gen.h"
#include "vmm/platform/guest_platform.h"
#include "tests/unit/host_stubs.h"

#define BASE 0xe0000ULL

static uint8_t buf[ACPI_GEN_BUF_SIZE];
static struct acpi_gen_cfg cfg;
static struct acpi_info info;
static size_t used;
static uint64_t base;

static const void *map(uint64_t phys, size_t len, void *ctx)
{
    assert_ptr_equal(ctx, buf);
    if (phys < base || phys - base > used || len > used - (phys - base))
        return NULL;
    return buf + (phys - base);
}

static int setup(void **state)
{
    memset(buf, 0x5a, sizeof(buf));
    acpi_gen_default_cfg(&cfg, 2);
    memset(&info, 0, sizeof(info));
    used = 0;
    base = BASE;
    host_log_clear();
    return 0;
}

static uint64_t rd(size_t off, size_t size)
{
    uint64_t v = 0;

    assert_true(off + size <= used);
    memcpy(&v, buf + off, size);
    return v;
}

static void build_and_parse(void)
{
    assert_int_equal(acpi_gen_build(&cfg, buf, sizeof(buf), base, &used), 0);
    assert_int_equal(acpi_parse(buf, 36, map, buf, &info), 0);
    if (host_log()[0])
        fail_msg("parser warned: %s", host_log());
}

static const struct acpi_table_ref *table(const char *sig)
{
    for (unsigned i = 0; i < info.ntables; i++)
        if (!strcmp(info.tables[i].sig, sig))
            return &info.tables[i];
    fail_msg("no %s table", sig);
    return NULL;
}

/* Offset in buf of the table with signature sig. */
static size_t table_off(const char *sig)
{
    return (size_t)(table(sig)->phys - base);
}

static void check_cpus(unsigned n)
{
    assert_true(info.have_madt);
    assert_int_equal(info.ncpus, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(info.cpus[i].apic_id, i);
        assert_int_equal(info.cpus[i].uid, i);
        assert_true(info.cpus[i].enabled);
        assert_false(info.cpus[i].online_capable);
        assert_false(info.cpus[i].x2apic_entry);
    }
}

/* 1..8 vCPUs: everything the parser extracts matches the configuration. */
static void test_parse_back_1_to_8_cpus(void **state)
{
    for (unsigned n = 1; n <= 8; n++) {
        acpi_gen_default_cfg(&cfg, n);
        build_and_parse();
        assert_int_equal(info.rsdp_revision, 2);
        assert_true(info.used_xsdt);
        assert_string_equal(info.oem_id, "HVMICR");
        assert_int_equal(info.ntables, 4); /* XSDT, FACP, DSDT, APIC */
        for (unsigned i = 0; i < info.ntables; i++)
            assert_true(info.tables[i].checksum_ok);
        check_cpus(n);
        assert_int_equal(info.lapic_addr, GUEST_LAPIC_ADDR);
        assert_false(info.pcat_compat);
        assert_int_equal(info.nioapics, 1);
        assert_int_equal(info.ioapics[0].id, GUEST_IOAPIC_ID);
        assert_int_equal(info.ioapics[0].addr, GUEST_IOAPIC_ADDR);
        assert_int_equal(info.ioapics[0].gsi_base, 0);
        assert_int_equal(info.nisos, 0);
        assert_int_equal(info.nnmis, 0);
        assert_true(info.have_fadt);
        assert_true(info.hw_reduced);
        assert_true(info.reset_supported);
        assert_int_equal(info.reset_reg.space_id, 1);
        assert_int_equal(info.reset_reg.bit_width, 8);
        assert_int_equal(info.reset_reg.address, GUEST_RESET_PORT);
        assert_int_equal(info.reset_value, GUEST_RESET_VALUE);
        assert_int_equal(info.dsdt, table("DSDT")->phys);
        assert_true(info.have_s5);
        assert_int_equal(info.s5_typ_a, GUEST_S5_SLP_TYP);
        assert_int_equal(info.s5_typ_b, GUEST_S5_SLP_TYP);
        /* HW-reduced: no fixed hardware for the parser to find. */
        assert_int_equal(info.pm1a_cnt, 0);
        assert_int_equal(info.pm_tmr_blk, 0);
        assert_int_equal(info.sci_irq, 0);
    }
}

static void test_rsdp(void **state)
{
    build_and_parse();
    assert_memory_equal(buf, "RSD PTR ", 8);
    assert_true(acpi_checksum_ok(buf, 20));
    assert_true(acpi_checksum_ok(buf, 36));
    assert_int_equal(rd(15, 1), 2);                   /* revision */
    assert_int_equal(rd(16, 4), 0);                   /* no RSDT */
    assert_int_equal(rd(20, 4), 36);                  /* length */
    assert_int_equal(rd(24, 8), table("XSDT")->phys); /* XSDT address */
    assert_true(table("XSDT")->phys % 16 == 0);
}

/* Where the FADT says the FACS is: FIRMWARE_CTRL or X_FIRMWARE_CTRL, never both (5.2.9). */
static uint64_t facs_gpa(void)
{
    size_t f = table_off("FACP");
    uint64_t fw = rd(f + 36, 4), xfw = rd(f + 132, 8);

    assert_true(!fw != !xfw);
    return fw ? fw : xfw;
}

/* 5.2.10: "FACS", 64 bytes, version 2, 64-byte aligned, inside the tables; its signature. */
static uint32_t check_facs(void)
{
    uint64_t gpa = facs_gpa();
    size_t off;

    assert_true(gpa % 64 == 0);
    assert_true(gpa >= base && gpa - base + 64 <= used);
    off = (size_t)(gpa - base);
    assert_memory_equal(buf + off, "FACS", 4);
    assert_int_equal(rd(off + 4, 4), 64);
    assert_int_equal(rd(off + 20, 4), 0); /* flags: no S4BIOS, no 64-bit wake */
    assert_int_equal(rd(off + 32, 1), 2); /* version */
    assert_int_equal(rd(off + 12, 4), 0); /* no waking vector: no S3 */
    for (size_t i = 33; i < 64; i++)
        assert_int_equal(buf[off + i], 0);
    return (uint32_t)rd(off + 8, 4);
}

static void check_gas_io(size_t off, uint16_t port, unsigned bits, unsigned access)
{
    assert_int_equal(rd(off, 1), 1); /* system I/O */
    assert_int_equal(rd(off + 1, 1), bits);
    assert_int_equal(rd(off + 2, 1), 0);
    assert_int_equal(rd(off + 3, 1), access);
    assert_int_equal(rd(off + 4, 8), port);
}

static void check_gas_io8(size_t off, uint16_t port)
{
    assert_int_equal(rd(off, 1), 1); /* system I/O */
    assert_int_equal(rd(off + 1, 1), 8);
    assert_int_equal(rd(off + 2, 1), 0);
    assert_int_equal(rd(off + 3, 1), 1); /* byte access */
    assert_int_equal(rd(off + 4, 8), port);
}

/* FADT revision 6 fields at the offsets of ACPI 6.5 table 5.9. */
static void test_fadt_fields(void **state)
{
    size_t f;

    build_and_parse();
    f = table_off("FACP");
    assert_int_equal(rd(f + 4, 4), 276);
    assert_int_equal(rd(f + 8, 1), 6);
    assert_int_equal(rd(f + 131, 1), 5);         /* minor version */
    assert_int_equal(rd(f + 36, 4), facs_gpa()); /* the FACS, below 4 GiB ... */
    assert_int_equal(rd(f + 132, 8), 0);         /* ... so X_FIRMWARE_CTRL is 0 */
    assert_int_equal(rd(f + 40, 4), 0);          /* 32-bit DSDT unused ... */
    assert_int_equal(rd(f + 140, 8), info.dsdt); /* ... X_DSDT instead */
    assert_int_equal(rd(f + 112, 4), (1u << 20) | (1u << 10) | (1u << 5) | (1u << 4) | 1u);
    assert_int_equal(rd(f + 109, 2), 1u << 2); /* no VGA; the CMOS RTC is there; no 8042 */
    check_gas_io8(f + 116, GUEST_RESET_PORT);
    check_gas_io8(f + 244, GUEST_SLEEP_CTL_PORT);
    check_gas_io8(f + 256, GUEST_SLEEP_STS_PORT);
    assert_memory_equal(buf + f + 268, "HVMICROV", 8);
}

/* The FACS, in both FADT kinds, at every 16-byte-aligned base: 64-byte aligned there. */
static void test_facs(void **state)
{
    for (int full = 0; full <= 1; full++) {
        for (base = BASE; base < BASE + 64; base += 16) {
            if (full)
                acpi_gen_full_cfg(&cfg, 2);
            build_and_parse();
            check_facs();
            assert_int_equal(info.ntables, 4); /* the FACS is not in the XSDT */
        }
    }
}

/* Above 4 GiB only X_FIRMWARE_CTRL can hold the FACS's address. */
static void test_facs_high(void **state)
{
    base = 0x123400010ULL;
    build_and_parse();
    assert_int_equal(rd(table_off("FACP") + 36, 4), 0);
    assert_true(facs_gpa() > 0x100000000ULL);
    check_facs();
}

/* The hardware signature follows the hardware, not where the tables are. */
static void test_facs_hw_signature(void **state)
{
    uint32_t two, sig;

    build_and_parse();
    two = check_facs();
    base = 0x123400000ULL;
    build_and_parse();
    assert_int_equal(check_facs(), two);
    base = BASE;
    acpi_gen_default_cfg(&cfg, 3);
    build_and_parse();
    assert_int_not_equal(check_facs(), two);
    acpi_gen_full_cfg(&cfg, 2);
    build_and_parse();
    sig = check_facs();
    assert_int_not_equal(sig, two);
    cfg.com1 = false;
    build_and_parse();
    assert_int_not_equal(check_facs(), sig);
}

/* HW-reduced: offsets 46-108 and 148-232 are ignored by OSPM (5.2.9) and stay 0, PM timer included. */
static void test_reduced_no_fixed_hw(void **state)
{
    size_t f;

    build_and_parse();
    f = table_off("FACP");
    for (size_t i = 46; i <= 108; i++)
        assert_int_equal(buf[f + i], 0);
    for (size_t i = 148; i < 244; i++)
        assert_int_equal(buf[f + i], 0);
    assert_false(rd(f + 112, 4) & (1u << 8)); /* no TMR_VAL_EXT */
}

/* The full FADT: PC fixed hardware at the ACPI 6.5 table 5.9 offsets. */
static void test_full_fadt(void **state)
{
    size_t f;

    acpi_gen_full_cfg(&cfg, 2);
    build_and_parse();
    f = table_off("FACP");
    assert_int_equal(rd(f + 4, 4), 276);
    /* WBINVD, PROC_C1, PWR_BUTTON, SLP_BUTTON, FIX_RTC, TMR_VAL_EXT, RESET_REG_SUP; no HW_REDUCED */
    assert_int_equal(rd(f + 112, 4),
                     1u | 1u << 2 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 8 | 1u << 10);
    assert_int_equal(rd(f + 46, 2), 9); /* SCI_INT */
    assert_int_equal(rd(f + 48, 4), 0); /* SMI_CMD: always in ACPI mode */
    assert_int_equal(rd(f + 52, 4), 0); /* ACPI_ENABLE/DISABLE, S4BIOS_REQ, PSTATE_CNT */
    assert_int_equal(rd(f + 56, 4), GUEST_PM1A_EVT_PORT);
    assert_int_equal(rd(f + 60, 4), 0); /* no PM1b */
    assert_int_equal(rd(f + 64, 4), GUEST_PM1A_CNT_PORT);
    assert_int_equal(rd(f + 68, 8), 0); /* no PM1b_CNT, no PM2 */
    assert_int_equal(rd(f + 76, 4), GUEST_PM_TMR_PORT);
    assert_int_equal(rd(f + 80, 8), 0);     /* no GPE blocks */
    assert_int_equal(rd(f + 88, 1), 4);     /* PM1_EVT_LEN */
    assert_int_equal(rd(f + 89, 1), 2);     /* PM1_CNT_LEN */
    assert_int_equal(rd(f + 90, 1), 0);     /* PM2_CNT_LEN */
    assert_int_equal(rd(f + 91, 1), 4);     /* PM_TMR_LEN */
    assert_int_equal(rd(f + 92, 2), 0);     /* GPE0/1_BLK_LEN */
    assert_true(rd(f + 96, 2) > 100);       /* no C2 */
    assert_true(rd(f + 98, 2) > 1000);      /* no C3 */
    assert_int_equal(rd(f + 108, 1), 0x32); /* CENTURY */
    check_gas_io(f + 148, GUEST_PM1A_EVT_PORT, 32, 2);
    check_gas_io(f + 172, GUEST_PM1A_CNT_PORT, 16, 2);
    check_gas_io(f + 208, GUEST_PM_TMR_PORT, 32, 3);
    for (size_t i = 0; i < 12; i++) {
        assert_int_equal(buf[f + 160 + i], 0); /* X_PM1b_EVT */
        assert_int_equal(buf[f + 184 + i], 0); /* X_PM1b_CNT */
        assert_int_equal(buf[f + 196 + i], 0); /* X_PM2_CNT */
        assert_int_equal(buf[f + 220 + i], 0); /* X_GPE0 */
        assert_int_equal(buf[f + 232 + i], 0); /* X_GPE1 */
        assert_int_equal(buf[f + 244 + i], 0); /* SLEEP_CONTROL_REG: HW-reduced only */
        assert_int_equal(buf[f + 256 + i], 0); /* SLEEP_STATUS_REG */
    }
    check_gas_io8(f + 116, 0xcf9);
    assert_int_equal(rd(f + 128, 1), 0x06);
    /* What hv's own firmware parser makes of it. */
    assert_false(info.hw_reduced);
    assert_int_equal(info.sci_irq, 9);
    assert_int_equal(info.smi_cmd, 0);
    assert_int_equal(info.pm1a_cnt, GUEST_PM1A_CNT_PORT);
    assert_int_equal(info.pm1b_cnt, 0);
    assert_int_equal(info.pm_tmr_blk, GUEST_PM_TMR_PORT);
    assert_true(info.pm_tmr_32bit);
    assert_true(info.reset_supported);
    assert_int_equal(info.reset_reg.address, 0xcf9);
    assert_int_equal(info.reset_value, 6);
    assert_true(info.have_s5);
    assert_int_equal(info.s5_typ_a, GUEST_S5_SLP_TYP);
}

/* Each 32-bit block field equals its X_ field's address, and the X_ width is the length. */
static void test_full_x_fields_agree(void **state)
{
    static const struct {
        size_t blk, xblk, len;
    } f32[] = {{56, 148, 88}, {64, 172, 89}, {76, 208, 91}};
    size_t f;

    acpi_gen_full_cfg(&cfg, 1);
    cfg.pm1a_evt_port = 0x1230;
    cfg.pm1a_cnt_port = 0x1240;
    cfg.pm_tmr_port = 0x1248;
    cfg.sci_irq = 20;
    cfg.century = 0;
    build_and_parse();
    f = table_off("FACP");
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(rd(f + f32[i].blk, 4), rd(f + f32[i].xblk + 4, 8));
        assert_int_equal(rd(f + f32[i].xblk + 1, 1), 8 * rd(f + f32[i].len, 1));
    }
    assert_int_equal(rd(f + 56, 4), 0x1230);
    assert_int_equal(info.pm_tmr_blk, 0x1248);
    assert_int_equal(info.sci_irq, 20);
    assert_int_equal(rd(f + 108, 1), 0);
}

/* A full FADT may go without a PM timer: its fields are 0 and TMR_VAL_EXT is clear. */
static void test_full_without_pm_timer(void **state)
{
    size_t f;

    acpi_gen_full_cfg(&cfg, 1);
    cfg.pm_tmr_port = 0;
    build_and_parse();
    f = table_off("FACP");
    assert_int_equal(rd(f + 76, 4), 0);
    assert_int_equal(rd(f + 91, 1), 0);
    assert_int_equal(rd(f + 208, 8), 0);
    assert_false(rd(f + 112, 4) & (1u << 8));
    assert_int_equal(info.pm_tmr_blk, 0);
    assert_int_equal(info.pm1a_cnt, GUEST_PM1A_CNT_PORT);
}

/* Configured values, not the defaults, end up in the tables. */
static void test_custom_cfg(void **state)
{
    size_t f;

    cfg.lapic_addr = 0xfee01000;
    cfg.ioapic_id = 9;
    cfg.ioapic_addr = 0xfec01000;
    cfg.ioapic_gsi_base = 24;
    cfg.sleep_ctl_port = 0x1234;
    cfg.sleep_sts_port = 0x1235;
    cfg.reset_port = 0xcf9;
    cfg.reset_value = 6;
    cfg.s5_slp_typ = 7;
    cfg.iapc_boot_arch = 0x2;
    build_and_parse();
    assert_int_equal(info.lapic_addr, 0xfee01000);
    assert_int_equal(info.ioapics[0].id, 9);
    assert_int_equal(info.ioapics[0].addr, 0xfec01000);
    assert_int_equal(info.ioapics[0].gsi_base, 24);
    assert_int_equal(info.reset_reg.address, 0xcf9);
    assert_int_equal(info.reset_value, 6);
    assert_int_equal(info.s5_typ_a, 7);
    f = table_off("FACP");
    assert_int_equal(rd(f + 109, 2), 0x2);
    check_gas_io8(f + 244, 0x1234);
    check_gas_io8(f + 256, 0x1235);
}

/* SLP_TYP 0 and 1 are encoded as ZeroOp and OneOp (20.2.3): still parsed. */
static void test_s5_small_values(void **state)
{
    for (uint8_t typ = 0; typ <= 1; typ++) {
        cfg.s5_slp_typ = typ;
        build_and_parse();
        assert_true(info.have_s5);
        assert_int_equal(info.s5_typ_a, typ);
        assert_int_equal(info.s5_typ_b, typ);
    }
}

static const uint8_t *find(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(hay + i, needle, m))
            return hay + i;
    return NULL;
}

/* Device (COM1) { _HID EISAID("PNP0501"), _UID 1, _CRS { IO 0x3f8/8, IRQNoFlags {4} } } */
static void test_dsdt_com1(void **state)
{
    static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01};
    static const uint8_t uid[] = {0x08, '_', 'U', 'I', 'D', 0x01};
    static const uint8_t crs[] = {0x08, '_',  'C',  'R',  'S',  0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01,
                                  0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00};
    static const uint8_t dev[] = {0x10, 0x33, '\\', '_', 'S', 'B', '_',
                                  0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1'};
    const uint8_t *d;
    size_t len;

    build_and_parse();
    d = buf + table_off("DSDT");
    len = table("DSDT")->len;
    assert_non_null(find(d, len, dev, sizeof(dev)));
    assert_non_null(find(d, len, hid, sizeof(hid)));
    assert_non_null(find(d, len, uid, sizeof(uid)));
    assert_non_null(find(d, len, crs, sizeof(crs)));
    /* The scope's PkgLength (0x33 = 51) reaches exactly the table's end. */
    assert_ptr_equal(find(d, len, dev, sizeof(dev)) + 1 + 0x33, d + len);
}

static void test_dsdt_without_com1(void **state)
{
    size_t with;

    build_and_parse();
    with = table("DSDT")->len;
    cfg.com1 = false;
    build_and_parse();
    assert_true(info.have_s5);
    assert_int_equal(table("DSDT")->len, 36 + 15); /* header + Name (\_S5, ...) */
    assert_true(table("DSDT")->len < with);
    assert_null(find(buf, used, "COM1", 4));
}

static void test_com1_irq_and_port(void **state)
{
    static const uint8_t res[] = {0x47, 0x01, 0xf8, 0x02, 0xf8, 0x02, 0x00, 0x08, 0x22, 0x08, 0x00};

    cfg.com1_port = 0x2f8;
    cfg.com1_irq = 3;
    build_and_parse();
    assert_non_null(find(buf, used, res, sizeof(res)));
}

/* All 255 xAPIC IDs fit in ACPI_GEN_BUF_SIZE and parse back, FACS included, at any base. */
static void test_max_cpus(void **state)
{
    for (base = BASE; base < BASE + 64; base += 16) {
        acpi_gen_full_cfg(&cfg, ACPI_GEN_MAX_CPUS);
        build_and_parse();
        check_cpus(ACPI_GEN_MAX_CPUS);
        check_facs();
        assert_true(used <= ACPI_GEN_BUF_SIZE);
    }
}

/* Tables above 4 GiB: the 64-bit XSDT and X_DSDT addresses carry them. */
static void test_high_base(void **state)
{
    base = 0x123400000ULL;
    build_and_parse();
    check_cpus(2);
    assert_true(info.have_s5);
    assert_true(table("DSDT")->phys > 0x100000000ULL);
}

static void test_buffer_too_small(void **state)
{
    size_t need;

    assert_int_equal(acpi_gen_build(&cfg, buf, sizeof(buf), BASE, &need), 0);
    memset(buf, 0x5a, sizeof(buf));
    assert_int_equal(acpi_gen_build(&cfg, buf, need - 1, BASE, &used), -ENOSPC);
    assert_int_equal(buf[0], 0x5a); /* nothing written */
    assert_int_equal(acpi_gen_build(&cfg, buf, need, BASE, &used), 0);
    assert_int_equal(used, need);
    assert_int_equal(acpi_gen_build(&cfg, buf, 0, BASE, &used), -ENOSPC);
}

static void test_bad_cfg(void **state)
{
    struct acpi_gen_cfg bad;

    bad = cfg, bad.ncpus = 0;
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    bad = cfg, bad.ncpus = ACPI_GEN_MAX_CPUS + 1;
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    bad = cfg, bad.s5_slp_typ = 8;
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    bad = cfg, bad.com1_irq = 16;
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    bad.com1 = false; /* no COM1: its IRQ is not used */
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), 0);
    bad = cfg, bad.fadt = (enum acpi_gen_fadt)2;
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    acpi_gen_full_cfg(&bad, 1), bad.pm1a_evt_port = 0; /* PM1a blocks are required */
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    acpi_gen_full_cfg(&bad, 1), bad.pm1a_cnt_port = 0;
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), -EINVAL);
    bad = cfg, bad.pm1a_evt_port = 0; /* not used by a HW-reduced FADT */
    assert_int_equal(acpi_gen_build(&bad, buf, sizeof(buf), BASE, &used), 0);
    assert_int_equal(acpi_gen_build(&cfg, buf, sizeof(buf), BASE + 8, &used), -EINVAL);
    assert_int_equal(acpi_gen_build(&cfg, buf, sizeof(buf), UINT64_MAX - 15, &used), -EINVAL);
    assert_int_equal(acpi_gen_build(NULL, buf, sizeof(buf), BASE, &used), -EINVAL);
    assert_int_equal(acpi_gen_build(&cfg, NULL, sizeof(buf), BASE, &used), -EINVAL);
    assert_int_equal(acpi_gen_build(&cfg, buf, sizeof(buf), BASE, NULL), -EINVAL);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_parse_back_1_to_8_cpus),
        T(test_rsdp),
        T(test_fadt_fields),
        T(test_facs),
        T(test_facs_high),
        T(test_facs_hw_signature),
        T(test_reduced_no_fixed_hw),
        T(test_full_fadt),
        T(test_full_x_fields_agree),
        T(test_full_without_pm_timer),
        T(test_custom_cfg),
        T(test_s5_small_values),
        T(test_dsdt_com1),
        T(test_dsdt_without_com1),
        T(test_com1_irq_and_port),
        T(test_max_cpus),
        T(test_high_base),
        T(test_buffer_too_small),
        T(test_bad_cfg),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
