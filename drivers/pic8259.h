/* SPDX-License-Identifier: MIT */
/* Legacy 8259A PICs: remapped away from exception vectors, then masked. */
#ifndef DRIVERS_PIC8259_H
#define DRIVERS_PIC8259_H

void pic8259_disable(void);

#endif
