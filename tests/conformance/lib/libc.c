/* SPDX-License-Identifier: MIT */
#include "libc.h"

#define COM1 0x3f8

void *memset(void *d, int c, size_t n)
{
    u8 *p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    u8 *p = d;
    const u8 *q = s;
    if (p < q)
        return memcpy(d, s, n);
    while (n--)
        p[n] = q[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (u8)*a - (u8)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strncpy_z(char *d, const char *s, size_t size)
{
    size_t i = 0;
    if (!size)
        return d;
    for (; i + 1 < size && s[i]; i++)
        d[i] = s[i];
    d[i] = 0;
    return d;
}

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, const char **end, int base)
{
    unsigned long v = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0 && s[0] == '0' && s[1]) {
        base = 8;
    } else if (base == 0) {
        base = 10;
    }
    while (digit_val(*s) < base)
        v = v * base + digit_val(*s++);
    if (end)
        *end = s;
    return v;
}

struct out {
    char *buf;
    size_t size, len;
};

static void emit(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_num(struct out *o, unsigned long long v, int base, bool upper, bool neg, int width,
                     bool zero, bool left)
{
    char tmp[24];
    int n = 0;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = dig[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && zero)
        emit(o, '-');
    if (!left)
        for (; width > len; width--)
            emit(o, zero ? '0' : ' ');
    if (neg && !zero)
        emit(o, '-');
    while (n)
        emit(o, tmp[--n]);
    if (left)
        for (; width > len; width--)
            emit(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        bool zero = false, left = false, alt = false;
        int width = 0, lng = 0;
        for (fmt++;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '-')
                left = true;
            else if (*fmt == '#')
                alt = true;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        for (;; fmt++) {
            if (*fmt == 'l' || *fmt == 'z')
                lng++;
            else if (*fmt != 'h')
                break;
        }
        unsigned long long u;
        long long s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, long long) : va_arg(ap, int);
            emit_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, 10, false, s < 0,
                     width, zero, left);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            if (alt && *fmt != 'u') {
                emit(&o, '0');
                emit(&o, 'x');
            }
            emit_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        case 'p':
            emit(&o, '0');
            emit(&o, 'x');
            emit_num(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16, false, false, width,
                     zero, left);
            break;
        case 'c':
            emit(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int len = (int)strlen(str);
            if (!left)
                for (; width > len; width--)
                    emit(&o, ' ');
            while (*str)
                emit(&o, *str++);
            if (left)
                for (; width > len; width--)
                    emit(&o, ' ');
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        case 0:
            fmt--;
            break;
        default:
            emit(&o, '%');
            emit(&o, *fmt);
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void spin_lock(struct spinlock *l)
{
    while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
        while (l->v)
            cpu_relax();
}

void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

static struct spinlock print_lock;

void serial_init(void)
{
    outb(0x00, COM1 + 1); /* no interrupts */
    outb(0x80, COM1 + 3); /* DLAB */
    outb(0x01, COM1 + 0); /* divisor 1: 115200 baud */
    outb(0x00, COM1 + 1);
    outb(0x03, COM1 + 3); /* 8N1 */
    outb(0xc7, COM1 + 2); /* FIFO on, cleared */
    outb(0x0b, COM1 + 4); /* DTR, RTS, OUT2 */
}

static void serial_putc(char c)
{
    for (int i = 0; i < 100000; i++)
        if (inb(COM1 + 5) & 0x20)
            break;
    outb((u8)c, COM1);
}

static void serial_write(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
    }
}

void puts(const char *s)
{
    u64 f = read_rflags();
    irq_disable();
    spin_lock(&print_lock);
    serial_write(s);
    spin_unlock(&print_lock);
    write_rflags(f);
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    puts(buf);
    return n;
}

void exit(int status)
{
    outl((u32)status, 0xf4);
    printf("exit: no debug-exit device at port 0xf4, halting (status %d)\n", status);
    for (;;)
        asm volatile("cli; hlt");
}
