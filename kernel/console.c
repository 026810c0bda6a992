/* SPDX-License-Identifier: MIT */
/*
 * The console: output under one lock, the prompt kept whole around
 * asynchronous lines, input through a ring the device's interrupt fills.
 * The device itself (a 16550: drivers/serial_console.c) registers below it.
 */
#include "kernel/console.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"

#define RX_RING 4096 /* power of two */

static const struct console_dev *dev;
static spinlock_t out_lock = SPINLOCK_INIT;
static bool panic_mode;
static bool irq_driven;
static void (*prompt_hide)(void);
static void (*prompt_show)(void);
static bool prompt_on;
static bool attached;
static char held[16384];
static size_t held_len;

static char rx_ring[RX_RING];
static volatile uint32_t rx_head, rx_tail; /* written by the IRQ, read by the shell */

void console_set_device(const struct console_dev *d)
{
    dev = d;
}

void console_set_irq_driven(void)
{
    irq_driven = true;
}

void console_write_raw(const char *s, size_t n)
{
    static char last;

    for (size_t i = 0; i < n; i++) {
        if (!dev)
            return;                       /* no device yet: nothing can show it */
        if (s[i] == '\n' && last != '\r') /* terminals need CR LF; the editor may send both */
            dev->putc('\r');
        dev->putc(s[i]);
        last = s[i];
    }
}

void console_write(const char *s, size_t n)
{
    uint64_t f;

    if (panic_mode) {
        console_write_raw(s, n);
        return;
    }
    f = spin_lock_irqsave(&out_lock);
    console_write_raw(s, n);
    spin_unlock_irqrestore(&out_lock, f);
}

void console_set_prompt_hooks(void (*hide)(void), void (*show)(void))
{
    prompt_hide = hide;
    prompt_show = show;
}

void console_prompt_visible_locked(bool on)
{
    prompt_on = on;
}

void console_prompt_visible(bool on)
{
    uint64_t f = spin_lock_irqsave(&out_lock);

    prompt_on = on;
    spin_unlock_irqrestore(&out_lock, f);
}

uint64_t console_lock(void)
{
    return spin_lock_irqsave(&out_lock);
}

void console_unlock(uint64_t flags)
{
    spin_unlock_irqrestore(&out_lock, flags);
}

static void hold(const char *s, size_t n)
{
    n = MIN(n, sizeof(held) - held_len); /* a full buffer drops the newest lines */
    memcpy(held + held_len, s, n);
    held_len += n;
}

void console_write_async(const char *s, size_t n)
{
    uint64_t f;

    if (panic_mode) {
        console_write_raw(s, n);
        return;
    }
    f = spin_lock_irqsave(&out_lock);
    if (attached) {
        hold(s, n);
    } else if (prompt_on && prompt_hide && prompt_show) {
        prompt_hide();
        console_write_raw(s, n);
        prompt_show();
    } else {
        console_write_raw(s, n);
    }
    spin_unlock_irqrestore(&out_lock, f);
}

void console_set_attached(bool on)
{
    uint64_t f = spin_lock_irqsave(&out_lock);

    attached = on;
    if (!on && held_len) {
        console_write_raw(held, held_len);
        held_len = 0;
    }
    spin_unlock_irqrestore(&out_lock, f);
}

void console_panic_mode(void)
{
    panic_mode = true;
}

void console_rx_push(int c)
{
    uint32_t next = (rx_head + 1) & (RX_RING - 1);

    if (next == rx_tail)
        return; /* full: drop, the line editor bounds lines anyway */
    rx_ring[rx_head] = (char)c;
    __atomic_store_n(&rx_head, next, __ATOMIC_RELEASE);
}

int console_trygetc(void)
{
    int c;

    if (!irq_driven)
        return dev ? dev->getc() : -1;
    if (rx_tail == __atomic_load_n(&rx_head, __ATOMIC_ACQUIRE))
        return -1;
    c = (unsigned char)rx_ring[rx_tail];
    rx_tail = (rx_tail + 1) & (RX_RING - 1);
    return c;
}

int console_getc(void)
{
    int c;

    for (;;) {
        irq_disable();
        c = console_trygetc();
        if (c >= 0) {
            irq_enable();
            return c;
        }
        if (irq_driven)
            irq_enable_and_halt();
        else {
            irq_enable();
            cpu_relax();
        }
    }
}
