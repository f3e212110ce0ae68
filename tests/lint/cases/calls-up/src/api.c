/* A fixture for check-layering.py: an API-layer function... */
int xs__publish_something(int *slot, int fd)
{
    *slot = fd;
    return 0;
}
