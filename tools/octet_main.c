#include <stdio.h>
int main(void) { puts("octet: CLI under construction"); return 0; }
