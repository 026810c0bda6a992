/* SPDX-License-Identifier: MIT */
/*
 * The conformance guest runtime. A guest is one C file that includes this
 * header and defines int main(void); see tests/conformance/README.md.
 * main() runs on CPU 0 (the BSP) in 64-bit mode with interrupts disabled,
 * after every CPU was started; when it returns the summary is printed and
 * the guest exits with status 0 (no failures) or 1.
 */
#ifndef CONF_H
#define CONF_H

#include "x86.h"
#include "libc.h"
#include "report.h"
#include "desc.h"
#include "vm.h"
#include "env.h"
#include "acpi.h"
#include "apic.h"
#include "smp.h"

int main(void);

#endif
