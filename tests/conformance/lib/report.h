/* SPDX-License-Identifier: MIT */
/*
 * Result reporting. Each call prints one line on COM1:
 *   PASS: <prefix><what>    FAIL: <prefix><what>    SKIP: <prefix><what> (<why>)
 * report_summary() prints "SUMMARY: <n> tests, <f> failures, <s> skipped" and
 * returns the exit status (0 all passed, 1 some failure). When main() returns,
 * the runtime prints the summary and exits with that status.
 */
#ifndef CONF_REPORT_H
#define CONF_REPORT_H

#include "x86.h"

/* counts one test; returns pass */
bool report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* counts one skipped test; why is a short reason such as "no CPUID.7.EBX.SMAP" */
void report_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Known emulator deviations: on QEMU TCG (brand string "QEMU TCG CPU ...")
 * a failing check is reported as SKIP "(QEMU TCG: <tcg_why>)" instead of FAIL;
 * everywhere else this is report(). The runner allows exactly these skips.
 */
bool report_tcg_quirk(bool pass, const char *tcg_why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool cpu_is_qemu_tcg(void);
/* the CPUID brand string (leaves 0x80000002-4), "" without one */
const char *cpu_brand(void);
/* an informational "INFO: ..." line, not counted */
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* FAIL line, summary, exit(1) */
void __attribute__((noreturn)) report_abort(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* "name: " style prefixes prepended to every what; nest up to 4 */
void report_prefix_push(const char *prefix);
void report_prefix_pop(void);
int report_summary(void);
int report_failures(void);

#endif
