/* Serial console on a 16550. */
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/idt.h"
#include "kernel/shell_parse.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/x86/cpu.h"
#include "drivers/ioapic.h"
#include "drivers/uart16550.h"

#define CONSOLE_BAUD 115200
#define RX_RING 4096 /* power of two */

static const uint16_t com_ports[] = {0x3F8, 0x2F8, 0x3E8, 0x2E8};
static const uint8_t com_irqs[] = {4, 3, 4, 3};

static struct uart uart;
static unsigned uart_irq = 4;
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

/* Parses ttyS<n> or uart,io,<port>[,<baud>]; returns the port or a negative error. */
static int parse_console(const char *v, uint32_t *baud)
{
    char buf[64];
    char *parts[4];
    uint64_t port, b;
    int n = 0;

    if (!strncmp(v, "ttyS", 4) && v[4] >= '0' && v[4] <= '3' && !v[5])
        return com_ports[v[4] - '0'];
    kstrlcpy(buf, v, sizeof(buf));
    for (char *p = buf; n < 4 && p; n++) {
        parts[n] = p;
        p = strchr(p, ',');
        if (p)
            *p++ = 0;
    }
    if (n < 3 || strcmp(parts[0], "uart") || strcmp(parts[1], "io"))
        return -EINVAL;
    if (parse_u64(parts[2], &port) || port == 0 || port > 0xfff8)
        return -EINVAL;
    if (n == 4 && (parse_u64(parts[3], &b) || b == 0 || b > 115200))
        return -EINVAL;
    if (n == 4)
        *baud = (uint32_t)b;
    return (int)port;
}

int console_init(const char *value)
{
    uint32_t baud = CONSOLE_BAUD;
    int port = value ? parse_console(value, &baud) : 0x3F8;
    int err = 0;

    if (port < 0) {
        err = port; /* reported by the caller once the console works */
        port = 0x3F8;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(com_ports); i++)
        if (com_ports[i] == port)
            uart_irq = com_irqs[i];
    uart_init(&uart, (uint16_t)port, baud);
    return err;
}

uint16_t console_port(void)
{
    return uart.port;
}

unsigned console_irq(void)
{
    return irq_driven ? uart_irq : 0;
}

void console_write_raw(const char *s, size_t n)
{
    static char last;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && last != '\r') /* terminals need CR LF; the editor may send both */
            uart_putc(&uart, '\r');
        uart_putc(&uart, s[i]);
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

static void rx_push(int c)
{
    uint32_t next = (rx_head + 1) & (RX_RING - 1);

    if (next == rx_tail)
        return; /* full: drop, the line editor bounds lines anyway */
    rx_ring[rx_head] = (char)c;
    __atomic_store_n(&rx_head, next, __ATOMIC_RELEASE);
}

static void uart_irq_handler(struct irq_frame *f)
{
    int c;

    while ((c = uart_getc(&uart)) >= 0)
        rx_push(c);
}

void console_enable_irq(void)
{
    unsigned vec = VEC_IRQ_BASE + uart_irq;

    if (!uart.present || irq_register(vec, uart_irq_handler))
        return;
    if (ioapic_route_isa_irq(uart_irq, vec, 0) < 0) {
        irq_register(vec, NULL);
        return;
    }
    uart_enable_rx_irq(&uart);
    irq_driven = true;
}

int console_trygetc(void)
{
    int c;

    if (!irq_driven)
        return uart_getc(&uart);
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
