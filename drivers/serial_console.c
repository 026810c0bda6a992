/* SPDX-License-Identifier: MIT */
/* The console's device: a 16550 (drivers/uart16550.c), polled or interrupt-driven. */
#include "drivers/serial_console.h"
#include "drivers/ioapic.h"
#include "drivers/uart16550.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "kernel/idt.h"
#include "lib/shell_parse.h"
#include "lib/string.h"

#define CONSOLE_BAUD 115200

static const uint16_t com_ports[] = {0x3F8, 0x2F8, 0x3E8, 0x2E8};
static const uint8_t com_irqs[] = {4, 3, 4, 3};

static struct uart uart;
static unsigned uart_irq = 4;

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

static void dev_putc(char c)
{
    uart_putc(&uart, c);
}

static int dev_getc(void)
{
    return uart_getc(&uart);
}

static const struct console_dev serial_dev = {dev_putc, dev_getc};

int serial_console_init(const char *value)
{
    uint32_t baud = CONSOLE_BAUD;
    int port = value ? parse_console(value, &baud) : 0x3F8;
    int err = 0;

    if (port < 0) {
        err = port;
        port = 0x3F8;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(com_ports); i++)
        if (com_ports[i] == port)
            uart_irq = com_irqs[i];
    uart_init(&uart, (uint16_t)port, baud);
    console_set_device(&serial_dev);
    return err;
}

static void uart_irq_handler(struct irq_frame *f)
{
    int c;

    while ((c = uart_getc(&uart)) >= 0)
        console_rx_push(c);
}

void serial_console_enable_irq(void)
{
    unsigned vec = VEC_IRQ_BASE + uart_irq;

    if (!uart.present || irq_register(vec, uart_irq_handler))
        return;
    if (ioapic_route_isa_irq(uart_irq, vec, 0) < 0) {
        irq_register(vec, NULL);
        return;
    }
    uart_enable_rx_irq(&uart);
    console_set_irq_driven();
}
