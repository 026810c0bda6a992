/* fuzz-srcs: vmm/dev/vioapic.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * Virtual IOAPIC, driven by a guest's register accesses, device pins and
 * local APIC EOIs. Each input byte is an operation (bits 2:0), with a flag
 * in bit 3 and operands in the bytes after it (little-endian):
 *   0 IOREGSEL write sel8           1 IOWIN read
 *   2 IOWIN write val32             3 set_pin pin8 (level = bit 3)
 *   4 vioapic_eoi vector8           5 EOI register write val32
 *   6 MMIO read off16               7 MMIO write off16, val32
 * Pins run to 255 and offsets to 0xFFF, past what decodes. Messages are
 * counted against what each operation may send, and every pin is checked
 * after each operation: a level pin that is asserted and unmasked has been
 * delivered (remote IRR set), and only such pins hold remote IRR.
 */
#include <string.h>
#include "vmm/dev/vioapic.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define STATUS (1ULL << 12)
#define REMOTE_IRR (1ULL << 14)
#define LEVEL (1ULL << 15)
#define MASKED (1ULL << 16)
#define RTE_RSVD 0x00FFFFFFFFFE0000ULL /* bits 55:17 */

struct fuzz_state {
    struct vioapic io;
    unsigned sent;
};

static bool level_pin(uint64_t rte)
{
    unsigned dm = (rte >> 8) & 7;

    return (rte & LEVEL) && dm <= 1;
}

static void deliver(void *ctx, uint8_t dest, bool logical, uint8_t vector, uint8_t mode, bool level)
{
    struct fuzz_state *s = ctx;
    bool found = false;

    CHECK(mode <= 7);
    /* Some unmasked entry must say exactly this. */
    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
        uint64_t rte = s->io.rte[pin];

        found |= !(rte & MASKED) && (rte & 0xFF) == vector && (rte >> 56) == dest &&
                 !!(rte & (1ULL << 11)) == logical && ((rte >> 8) & 7) == mode &&
                 level_pin(rte) == level;
    }
    CHECK(found);
    s->sent++;
}

static const struct vioapic_ops ops = {.deliver = deliver};

static void check_read(const struct vioapic *io, uint8_t sel, uint32_t v)
{
    if (sel == 1)
        CHECK(v == 0x00170020);
    else if (sel == 0 || sel == 2)
        CHECK(!(v & ~0x0F000000U));
    else if (sel < 0x10 || sel >= 0x10 + 2 * VIOAPIC_PINS)
        CHECK(v == 0);
    else if (!(sel & 1))
        CHECK(!(v & STATUS));
}

static void check_pins(const struct vioapic *io)
{
    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
        uint64_t rte = io->rte[pin];
        bool asserted = io->asserted & (1U << pin);

        CHECK(!(rte & (STATUS | RTE_RSVD)));
        if (rte & REMOTE_IRR)
            CHECK(level_pin(rte));
        if (level_pin(rte) && asserted && !(rte & MASKED))
            CHECK(rte & REMOTE_IRR);
    }
    CHECK(!(io->asserted >> VIOAPIC_PINS));
}

static void do_set_pin(struct fuzz_state *s, unsigned pin, bool level)
{
    unsigned before = s->sent;
    uint64_t rte = pin < VIOAPIC_PINS ? s->io.rte[pin] : MASKED;
    bool was = pin < VIOAPIC_PINS && (s->io.asserted & (1U << pin));

    vioapic_set_pin(&s->io, pin, level);
    CHECK(s->sent - before <= 1);
    if ((rte & MASKED) || !level || (rte & REMOTE_IRR))
        CHECK(s->sent == before);
    if (!level_pin(rte) && was)
        CHECK(s->sent == before); /* no rising edge */
}

static void do_eoi(struct fuzz_state *s, uint8_t vector)
{
    unsigned before = s->sent, waiting = 0;

    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
        waiting += (s->io.rte[pin] & REMOTE_IRR) && (s->io.rte[pin] & 0xFF) == vector;
    vioapic_eoi(&s->io, vector);
    CHECK(s->sent - before <= waiting);
}

static void step(struct fuzz_state *s, struct fuzz_input *in)
{
    uint8_t op = (uint8_t)fuzz_take(in, 1);
    bool flag = op & 8;
    unsigned off;

    switch (op & 7) {
    case 0:
        vioapic_mmio_write(&s->io, 0x00, (uint32_t)fuzz_take(in, 1));
        break;
    case 1:
        check_read(&s->io, s->io.regsel, vioapic_mmio_read(&s->io, 0x10));
        break;
    case 2:
        vioapic_mmio_write(&s->io, 0x10, (uint32_t)fuzz_take(in, 4));
        break;
    case 3:
        do_set_pin(s, (unsigned)fuzz_take(in, 1), flag);
        break;
    case 4:
        do_eoi(s, (uint8_t)fuzz_take(in, 1));
        break;
    case 5:
        vioapic_mmio_write(&s->io, 0x40, (uint32_t)fuzz_take(in, 4));
        break;
    case 6:
        vioapic_mmio_read(&s->io, (unsigned)fuzz_take(in, 2) & 0xFFF);
        break;
    default:
        off = (unsigned)fuzz_take(in, 2) & 0xFFF;
        vioapic_mmio_write(&s->io, off, (uint32_t)fuzz_take(in, 4));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_state s;
    struct fuzz_input in = {data, size, 0};

    host_log_clear();
    memset(&s, 0, sizeof(s));
    vioapic_init(&s.io, 1, &ops, &s);
    while (in.pos < in.size) {
        step(&s, &in);
        check_pins(&s.io);
    }
    return 0;
}
