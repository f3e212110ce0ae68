# SPDX-License-Identifier: LGPL-2.1-only
"""Writing a small flattened device tree (the .dtb format, version 17)
without dtc: the partial device tree libxl copies into an Arm guest's
own (xl's `device_tree` option, its /passthrough node)."""

import struct

FDT_MAGIC = 0xd00dfeed
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END = 1, 2, 3, 9


def _pad4(b):
    return b + b'\0' * (-len(b) % 4)


def cells(*values):
    """A property value of 32-bit big-endian cells."""
    return struct.pack('>%dI' % len(values), *values)


def string(s):
    return s.encode() + b'\0'


def dtb(tree):
    """The blob of tree: (name, {property: bytes}, [child trees]), the
    root's name being ''."""
    strings, offsets = bytearray(), {}
    body = bytearray()

    def name_off(name):
        if name not in offsets:
            offsets[name] = len(strings)
            strings.extend(name.encode() + b'\0')
        return offsets[name]

    def node(name, props, children):
        body.extend(struct.pack('>I', FDT_BEGIN_NODE))
        body.extend(_pad4(name.encode() + b'\0'))
        for key, value in props.items():
            body.extend(struct.pack('>III', FDT_PROP, len(value),
                                    name_off(key)))
            body.extend(_pad4(value))
        for child in children:
            node(*child)
        body.extend(struct.pack('>I', FDT_END_NODE))

    node(*tree)
    body.extend(struct.pack('>I', FDT_END))
    header_size = 40
    rsvmap = b'\0' * 16                 # an empty reservation map
    off_rsv = header_size
    off_struct = off_rsv + len(rsvmap)
    off_strings = off_struct + len(body)
    total = off_strings + len(strings)
    header = struct.pack('>10I', FDT_MAGIC, total, off_struct, off_strings,
                         off_rsv, 17, 16, 0, len(strings), len(body))
    return header + rsvmap + bytes(body) + bytes(strings)


# Xen's fixed phandle of an Arm guest's interrupt controller
# (GUEST_PHANDLE_GIC, xen/include/public/arch-arm.h)
GUEST_PHANDLE_GIC = 65000


def dm_irq_dtb(spi, label):
    """A /passthrough node with one device whose only resource is the
    guest's SPI `spi` (its INTID; edge-triggered): an interrupt-only key
    of Linux's gpio-keys driver, which needs no registers and shows the
    interrupt in /proc/interrupts as "<n> ... GICv3 <spi> Edge <label>".
    The device-model test raises it from dom0 with set_irq_level and the
    guest counts it there."""
    cells2 = {'#address-cells': cells(2), '#size-cells': cells(2)}
    key = ('key', {
        'label': string(label),
        'linux,code': cells(194),               # KEY_F24: nobody's key
        # no release timer: each interrupt is a press and a release
        'debounce-interval': cells(0),
        'interrupt-parent': cells(GUEST_PHANDLE_GIC),
        # GIC cells: type 0 = SPI, its number counted from INTID 32,
        # flags 1 = rising edge
        'interrupts': cells(0, spi - 32, 1),
    }, [])
    dev = ('xsvm-dm-irq', {'compatible': string('gpio-keys')}, [key])
    bus = ('passthrough', dict(cells2, **{
        'compatible': string('simple-bus'), 'ranges': b''}), [dev])
    return dtb(('', dict(cells2), [bus]))
