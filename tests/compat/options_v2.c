/* Today's header: the init macro gives the current version, the versioned
 * init never writes past the version asked for, newer versions are refused,
 * and every result code has its name and description. */
#include <stdio.h>
#include <string.h>

#include "directline.h"
#include "check.h"

int main(void) {
    dl_client_options options;
    dl_client *client = NULL;
    size_t i;
    unsigned char *bytes = (unsigned char *)&options;

    memset(&options, 0xAB, sizeof options);
    dl_client_options_init(&options);
    CHECK(options.version == DL_CLIENT_OPTIONS_VERSION);
    CHECK(options.stream_replies == 0 && options.receive_queue_limit == 0);

    /* Version 1 writes only the version 1 fields. */
    memset(&options, 0xAB, sizeof options);
    dl_client_options_init_version(&options, 1);
    CHECK(options.version == 1);
    for (i = offsetof(dl_client_options, stream_replies); i < sizeof options; ++i) CHECK(bytes[i] == 0xAB);
    options.endpoint = "http://127.0.0.1:9/v3/directline";
    CHECK(dl_client_new(&options, &client) == DL_OK); /* the garbage after it is never read */
    dl_client_free(client);

    /* An unknown version is left alone and refused. */
    memset(&options, 0, sizeof options);
    dl_client_options_init_version(&options, DL_CLIENT_OPTIONS_VERSION + 1);
    CHECK(options.version == 0);
    options.version = DL_CLIENT_OPTIONS_VERSION + 1;
    CHECK(dl_client_new(&options, &client) == DL_EINVALID && client == NULL);
    CHECK(strstr(dl_error_last()->message, "version") != NULL);

    /* Version 2 fields are read and checked. */
    dl_client_options_init(&options);
    options.endpoint = "http://127.0.0.1:9/v3/directline";
    options.reconnect_base_delay_ms = 5000;
    options.reconnect_max_delay_ms = 100;
    CHECK(dl_client_new(&options, &client) == DL_EINVALID);
    options.reconnect_max_delay_ms = 0;
    options.receive_queue_limit = -1;
    CHECK(dl_client_new(&options, &client) == DL_EINVALID);
    options.receive_queue_limit = 10;
    options.stream_replies = 1;
    options.max_response_bytes = 1 << 20;
    CHECK(dl_client_new(&options, &client) == DL_OK);
    dl_client_free(client);

    /* Region names. */
    dl_client_options_init(&options);
    options.endpoint = "usgov";
    CHECK(dl_client_new(&options, &client) == DL_OK);
    CHECK(strcmp(dl_client_endpoint(client), "https://directline.botframework.azure.us/v3/directline") == 0);
    dl_client_free(client);
    options.api_version = DL_API_V1_1;
    options.endpoint = "india";
    CHECK(dl_client_new(&options, &client) == DL_OK);
    CHECK(strcmp(dl_client_endpoint(client), "https://india.directline.botframework.com/api") == 0);
    dl_client_free(client);

    /* One list feeds the enum, the names and the descriptions. */
#define CHECK_RESULT(name, value, description)                     \
    CHECK((int)name == value);                                     \
    CHECK(strcmp(dl_result_name(name), #name) == 0);               \
    CHECK(strcmp(dl_result_string(name), description) == 0);
    DL_RESULT_LIST(CHECK_RESULT)
#undef CHECK_RESULT
    CHECK(strcmp(dl_result_name(-1000), "DL_UNKNOWN") == 0);
    CHECK(strcmp(dl_result_name(1), "DL_UNKNOWN") == 0);
    puts("PASS: options versions and result codes");
    return 0;
}
