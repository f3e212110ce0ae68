/* ...and a logger function, which backends may call. */
void xtl_demo_log(const char *msg)
{
    (void)msg;
}
