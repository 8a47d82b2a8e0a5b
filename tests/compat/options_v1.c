/* Built against the 0.1 header (tests/compat/v0.1/directline.h), run against
 * today's library: a program compiled before dl_client_options grew must keep
 * working, and the library must never write past the old, smaller struct. */
#include <stdio.h>
#include <string.h>

#include "directline.h"
#include "check.h"

struct guarded_options {
    dl_client_options options;   /* the 0.1 layout */
    unsigned char canary[64];    /* what follows it in the caller's memory */
};

int main(void) {
    struct guarded_options g;
    dl_client *client = NULL;
    size_t i;
    memset(&g, 0xAB, sizeof g);
    dl_client_options_init(&g.options);
    for (i = 0; i < sizeof g.canary; ++i) CHECK(g.canary[i] == 0xAB);
    CHECK(g.options.version == 1);
    CHECK(g.options.endpoint == NULL);

    g.options.endpoint = "http://127.0.0.1:9/v3/directline";
    g.options.polling_interval_ms = 250;
    CHECK(dl_client_new(&g.options, &client) == DL_OK);
    CHECK(strcmp(dl_client_endpoint(client), "http://127.0.0.1:9/v3/directline") == 0);
    dl_client_free(client);

    /* The static initialiser of the old header works too. */
    {
        dl_client_options old = DL_CLIENT_OPTIONS_INIT;
        old.endpoint = "europe";
        CHECK(dl_client_new(&old, &client) == DL_OK);
        CHECK(strcmp(dl_client_endpoint(client), "https://europe.directline.botframework.com/v3/directline") == 0);
        dl_client_free(client);
    }
    puts("PASS: a 0.1 program runs against this library");
    return 0;
}
