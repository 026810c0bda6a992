/* SPDX-License-Identifier: MIT */
/* Parsing and counting for tdx.fail= (see tdx/module/tdx_fault.h). */
#include "tdx/module/tdx_fault.h"
#include "tdx/module/tdx_abi.h"
#include "lib/errno.h"
#include "lib/shell_parse.h"
#include "lib/string.h"

#define LEAF_MASK 0xffffULL /* RAX[23:16] holds the leaf version */
#define FIELD_MAX 48

/* Copies the field [p, end) into buf as a string; false if empty or too long. */
static bool field(const char *p, const char *end, char *buf)
{
    size_t n = (size_t)(end - p);

    if (n == 0 || n >= FIELD_MAX)
        return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    return true;
}

static const char *colon_or_end(const char *p)
{
    while (*p && *p != ':')
        p++;
    return p;
}

/* A name from the status table, or a number; success cannot be injected. */
static bool parse_status(const char *s, uint64_t *status)
{
    if (!tdx_status_by_name(s, status) && parse_u64(s, status))
        return false;
    return *status != TDX_SUCCESS;
}

static bool parse_nth(const char *p, uint64_t *nth)
{
    char buf[FIELD_MAX];

    *nth = 1;
    if (!*p)
        return true;
    return field(p + 1, p + strlen(p), buf) && !parse_u64(buf, nth) && *nth >= 1;
}

int tdx_fault_parse(const char *spec, struct tdx_fault *f)
{
    const char *c1 = colon_or_end(spec), *c2;
    char buf[FIELD_MAX];
    struct tdx_fault r = {.armed = true};

    if (!*c1 || !tdx_leaf_by_name(spec, (size_t)(c1 - spec), &r.leaf))
        return -EINVAL;
    c2 = colon_or_end(c1 + 1);
    if (!field(c1 + 1, c2, buf) || !parse_status(buf, &r.status) || !parse_nth(c2, &r.nth))
        return -EINVAL;
    *f = r;
    return 0;
}

bool tdx_fault_hit(struct tdx_fault *f, uint64_t leaf, uint64_t *n)
{
    if (!f->armed || (leaf & LEAF_MASK) != f->leaf)
        return false;
    *n = __atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED);
    return *n == f->nth;
}
