/* SPDX-License-Identifier: MIT */
/* Freestanding vsnprintf: enough of C99 for kernel messages. */
#include "lib/printf.h"
#include "lib/string.h"

struct out {
    char *buf;
    size_t size;
    size_t len;
};

struct spec {
    bool left, zero, plus, space, alt;
    int width, prec;
    int lenmod; /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    int n;

    if (!s)
        s = "(null)";
    n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
    if (!sp->left)
        pad(o, sp->width - n, ' ');
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, sp->width - n, ' ');
}

static int utoa(char *tmp, uint64_t v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    return n;
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
                    const struct spec *sp)
{
    char tmp[24];
    const char *prefix = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    int n = (sp->prec == 0 && v == 0) ? 0 : utoa(tmp, v, base, upper);
    int zeros = sp->prec > n ? sp->prec - n : 0;
    int plen;

    if (sp->alt && base == 16 && v)
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && zeros == 0 && v)
        prefix = "0";
    plen = (int)strlen(prefix);
    if (sp->zero && !sp->left && sp->prec < 0)
        zeros = MAX(zeros, sp->width - n - plen);
    if (!sp->left)
        pad(o, sp->width - n - zeros - plen, ' ');
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    pad(o, zeros, '0');
    while (n)
        put(o, tmp[--n]);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    memset(sp, 0, sizeof(*sp));
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '+')
            sp->plus = true;
        else if (*f == ' ')
            sp->space = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) { /* C99 7.19.6.1p5: '-' flag, positive width */
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        sp->prec = 0;
        if (*++f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->prec = sp->prec * 10 + (*f++ - '0');
    }
    for (;; f++) {
        if (*f == 'l')
            sp->lenmod = sp->lenmod == 1 ? 2 : 1;
        else if (*f == 'h')
            sp->lenmod = sp->lenmod == -1 ? -2 : -1;
        else if (*f == 'z')
            sp->lenmod = 3;
        else
            break;
    }
    return f;
}

static int64_t get_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->lenmod) {
    case 1:
        return va_arg(*ap, long);
    case 2:
        return va_arg(*ap, long long);
    case 3:
        return (int64_t)va_arg(*ap, size_t);
    case -1:
        return (short)va_arg(*ap, int);
    case -2:
        return (signed char)va_arg(*ap, int);
    default:
        return va_arg(*ap, int);
    }
}

static uint64_t get_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->lenmod) {
    case 1:
        return va_arg(*ap, unsigned long);
    case 2:
        return va_arg(*ap, unsigned long long);
    case 3:
        return va_arg(*ap, size_t);
    case -1:
        return (unsigned short)va_arg(*ap, unsigned);
    case -2:
        return (unsigned char)va_arg(*ap, unsigned);
    default:
        return va_arg(*ap, unsigned);
    }
}

static void convert(struct out *o, char c, struct spec *sp, va_list *ap)
{
    size_t start = o->len;
    int64_t s;

    switch (c) {
    case 'd':
    case 'i':
        s = get_signed(sp, ap);
        put_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, false, sp);
        break;
    case 'u':
        sp->plus = sp->space = false; /* sign flags are for signed conversions only */
        put_num(o, get_unsigned(sp, ap), false, 10, false, sp);
        break;
    case 'x':
    case 'X':
        sp->plus = sp->space = false;
        put_num(o, get_unsigned(sp, ap), false, 16, c == 'X', sp);
        break;
    case 'o':
        sp->plus = sp->space = false;
        put_num(o, get_unsigned(sp, ap), false, 8, false, sp);
        break;
    case 'p':
        sp->alt = true;
        put_num(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, sp);
        break;
    case 's':
        put_str(o, va_arg(*ap, const char *), sp);
        return;
    case 'c':
        if (!sp->left)
            pad(o, sp->width - 1, ' ');
        put(o, (char)va_arg(*ap, int));
        break;
    case '%':
        put(o, '%');
        return;
    default:
        put(o, '%');
        if (c)
            put(o, c);
        return;
    }
    if (sp->left)
        pad(o, sp->width - (int)(o->len - start), ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    struct spec sp;
    va_list aq;

    va_copy(aq, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &aq);
        convert(&o, *fmt, &sp, &aq);
        if (!*fmt)
            break;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
