/*
 * hello.c - the directline C API in one page: generate a token from a secret,
 * start a conversation with it, send "hello" and print the bot's reply, then
 * show how a failure looks (a wrong secret).
 *
 * Configuration comes from the environment, so the secret is never on the
 * command line:
 *   DIRECTLINE_SECRET    the Direct Line secret (required)
 *   DIRECTLINE_ENDPOINT  base URL, e.g. http://127.0.0.1:PORT/v3/directline
 *                        (default: the public service)
 *   DIRECTLINE_API       "3.0" (default) or "1.1"
 * Exit status: 0 when the bot replied, 1 otherwise.
 */
#include <directline.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *step) {
    const dl_error *e = dl_error_last();
    fprintf(stderr, "hello: %s failed: %s (%s, HTTP %d)\n", step, e->message,
            dl_result_string(e->code), e->http_status);
    return 1;
}

int main(void) {
    const char *secret = getenv("DIRECTLINE_SECRET");
    const char *endpoint = getenv("DIRECTLINE_ENDPOINT");
    const char *api = getenv("DIRECTLINE_API");
    const char *user_id = "user1";
    dl_client_options options;
    dl_client *client = NULL;
    dl_token *token = NULL;
    dl_conversation *conversation = NULL;
    char *sent_id = NULL;
    int status = 1;
    int waited_ms = 0;

    if (secret == NULL || *secret == '\0') {
        fprintf(stderr, "hello: set DIRECTLINE_SECRET\n");
        return 1;
    }
    printf("directline %s\n", dl_version_string());

    dl_client_options_init(&options);
    options.endpoint = endpoint;   /* NULL: the public service */
    options.api_version = (api != NULL && strcmp(api, "1.1") == 0) ? DL_API_V1_1 : DL_API_V3;
    if (dl_client_new(&options, &client) != DL_OK) return fail("dl_client_new");

    /* A token is what a browser or device should hold; the secret stays here. */
    if (dl_generate_token(client, secret, NULL, &token) != DL_OK) {
        status = fail("dl_generate_token");
        goto done;
    }
    if (dl_start_conversation(client, dl_token_value(token), &conversation) != DL_OK) {
        status = fail("dl_start_conversation");
        goto done;
    }
    printf("conversation %s\n", dl_conversation_id(conversation));

    if (dl_conversation_send_message(conversation, user_id, "hello", &sent_id) != DL_OK) {
        status = fail("dl_conversation_send_message");
        goto done;
    }
    printf("sent \"hello\"\n");

    /* Our own message comes back too (and "typing" on 3.0): wait for the bot's message. */
    while (waited_ms < 15000) {
        dl_activity *activity = NULL;
        int rc = dl_conversation_next_activity(conversation, 1000, &activity);
        if (rc == DL_ETIMEOUT) {
            waited_ms += 1000;
            continue;
        }
        if (rc != DL_OK) {
            status = fail("dl_conversation_next_activity");
            goto done;
        }
        if (!dl_activity_is_own(activity) && strcmp(dl_activity_from_id(activity), user_id) != 0 &&
            strcmp(dl_activity_type(activity), "message") == 0 && dl_activity_text(activity) != NULL) {
            printf("bot: %s\n", dl_activity_text(activity));
            status = 0;
        }
        dl_activity_free(activity);
        if (status == 0) break;
    }
    if (status != 0) {
        fprintf(stderr, "hello: no reply within 15 s\n");
    } else {
        /* Errors: a negative dl_result, with the details in dl_error_last(). */
        dl_token *wrong = NULL;
        int rc = dl_generate_token(client, "not-the-secret", NULL, &wrong);
        if (rc == DL_OK) {
            fprintf(stderr, "hello: a wrong secret was accepted\n");
            dl_token_free(wrong);
            status = 1;
        } else {
            printf("wrong secret rejected: %s (HTTP %d)\n", dl_result_name(rc),
                   dl_error_last()->http_status);
        }
    }

done:
    dl_string_free(sent_id);
    dl_conversation_free(conversation);
    dl_token_free(token);
    dl_client_free(client);
    return status;
}
