/* A fixture for check-layering.py: a backend that calls up once. */
#include "api.h"

int osdep_demo_open(int *slot)
{
    xtl_demo_log("allowed: the logger");
    return xs__publish_something(slot, 3); /* forbidden */
}
