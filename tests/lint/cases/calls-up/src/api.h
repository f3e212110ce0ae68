/* A fixture for check-layering.py: what the backend sees declared. */
int xs__publish_something(int *slot, int fd);
void xtl_demo_log(const char *msg);
