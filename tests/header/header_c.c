/* directline.h must compile as strict C (C99 and C11), self-contained, and its
 * initializer macros must match the structs they initialize. */
#include <directline.h>

#include <stddef.h>

/* Referencing every type and macro a C user writes. */
int directline_header_check(void);

int directline_header_check(void) {
    dl_client_options client_options = DL_CLIENT_OPTIONS_INIT;
    dl_token_options token_options = DL_TOKEN_OPTIONS_INIT;
    dl_upload_file file = {"a.txt", "text/plain", "x", 1};
    const dl_error *error = NULL;
    dl_log_fn log = NULL;
    int (*next)(dl_conversation *, int, dl_activity **) = dl_conversation_next_activity;
    (void)error;
    (void)log;
    (void)next;
    (void)file;
    return (int)client_options.version + (int)token_options.version + DL_OK + DL_API_V3 +
           DL_RECEIVE_AUTO + DL_LOG_OFF + DL_VERSION_MAJOR;
}
