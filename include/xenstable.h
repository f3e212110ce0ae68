/*
 * xenstable.h - version of the libxenstable library the program was
 * compiled against.
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XENSTABLE_H
#define XENSTABLE_H

#define XENSTABLE_VERSION_MAJOR 1
#define XENSTABLE_VERSION_MINOR 1
#define XENSTABLE_VERSION_MICRO 0

#define XENSTABLE_VERSION_STRING "1.1.0"

/*
 * True if the headers are version maj.min.mic or newer, e.g.
 *   #if XENSTABLE_CHECK_VERSION(1, 1, 0)
 */
#define XENSTABLE_CHECK_VERSION(maj, min, mic)                            \
    (XENSTABLE_VERSION_MAJOR > (maj) ||                                  \
     (XENSTABLE_VERSION_MAJOR == (maj) &&                                \
      (XENSTABLE_VERSION_MINOR > (min) ||                                \
       (XENSTABLE_VERSION_MINOR == (min) &&                              \
        XENSTABLE_VERSION_MICRO >= (mic)))))

#endif /* XENSTABLE_H */
