/* fuzz-srcs: lib/cmdline.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * Kernel command line: the input (up to its first NUL, under 1 KiB) is the
 * line GRUB passes. Values are copied into exact-size heap buffers of several sizes,
 * so AddressSanitizer catches a write past any of them.
 */
#include <string.h>
#include "kernel/bootinfo.h"
#include "lib/cmdline.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

static const char *const keys[] = {
    "console", "loglevel", "x2apic", "panic", "acpi.ignore", "tdx", "run", "", "=", "\"",
};
static const size_t buf_lens[] = {1, 2, 8, 64, 1024};

static const char *line_start, *line_end;
static int warned;

static void warn(const char *word, size_t len)
{
    CHECK(len > 0 && word >= line_start && word + len <= line_end);
    CHECK(word[0] != ' ' && word[0] != '\t');
    warned++;
}

/* Each key gets one buffer size, rotating with the input's length. */
static void find_all(const char *line, size_t size)
{
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        size_t len = buf_lens[(k + size) % (sizeof(buf_lens) / sizeof(buf_lens[0]))];
        char *buf = malloc(len);

        CHECK(buf);
        if (cmdline_find(line, keys[k], buf, len)) {
            CHECK(strnlen(buf, len) < len);
            CHECK(!strchr(buf, '"'));
            CHECK(strstr(line, keys[k]));
        }
        free(buf);
    }
    CHECK(!cmdline_find(line, keys[size % 7], NULL, 0) || strstr(line, keys[size % 7]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line;
    int unknown;

    /* GRUB's command line reaches us through a BOOT_CMDLINE_MAX buffer. */
    if (size >= BOOT_CMDLINE_MAX)
        return -1; /* not worth keeping in the corpus */
    line = malloc(size + 1);
    CHECK(line);
    memcpy(line, data, size);
    line[size] = 0;
    host_log_clear();
    find_all(line, size);
    line_start = line;
    line_end = line + strlen(line);
    warned = 0;
    unknown = cmdline_check(line, warn);
    CHECK(unknown == warned && unknown <= (int)strlen(line));
    free(line);
    return 0;
}
