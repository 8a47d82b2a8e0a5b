/*
 * copilot.c - a Copilot Studio agent over the directline C API, the way Web
 * Chat talks to one: fetch a token from the agent's token endpoint, find its
 * regional Direct Line endpoint, start with the greeting event, print a
 * streamed answer as it grows, and find the sign-in URL of an OAuth card.
 *
 *   copilot "https://<env>.environment.api.powerplatform.com/powervirtualagents/botsbyschema/<schema>/directline/token?api-version=2022-03-01-preview"
 *
 * The URL comes from the first argument, else DIRECTLINE_TOKEN_ENDPOINT.
 * Against the local emulator it is
 *   http://127.0.0.1:PORT/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=2022-03-01-preview
 * Exit status: 0 when the agent greeted and answered, 1 otherwise.
 */
#include <directline.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_MS 30000
static const char *const question = "What is Direct Line?";

static int fail(const char *step) {
    const dl_error *e = dl_error_last();
    fprintf(stderr, "copilot: %s failed: %s (%s, HTTP %d%s%s)\n", step, e->message,
            dl_result_name(e->code), e->http_status, *e->service_code ? ", " : "", e->service_code);
    return 1;
}

static int same(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

static char *copy(const char *s) {
    char *c = malloc(strlen(s) + 1);
    if (c != NULL) strcpy(c, s);
    return c;
}

/* The next activity, or NULL once nothing came for WAIT_MS or receiving failed. */
static dl_activity *next_activity(dl_conversation *conversation) {
    dl_activity *activity = NULL;
    int rc = dl_conversation_next_activity(conversation, WAIT_MS, &activity);
    if (rc == DL_ETIMEOUT) fprintf(stderr, "copilot: nothing within %d s\n", WAIT_MS / 1000);
    else if (rc != DL_OK) fail("dl_conversation_next_activity");
    return activity;
}

/*
 * Prints the reply to sent_id as it streams and returns its final message (the
 * caller frees it), or NULL. A streamed reply is "typing" chunks, each holding
 * the whole text so far, then a message whose stream type is "final"; a reply
 * that is not streamed is just the message. Other activities (our own echo, a
 * typing indicator) are skipped here.
 */
static dl_activity *stream_reply(dl_conversation *conversation, const char *sent_id) {
    char *stream = NULL;
    int last_sequence = 0;
    dl_activity *activity;
    while ((activity = next_activity(conversation)) != NULL) {
        const char *stream_id = dl_activity_stream_id(activity);
        const char *text = dl_activity_text(activity);
        if (same(dl_activity_reply_to_id(activity), sent_id) || same(stream_id, stream)) {
            if (same(dl_activity_stream_type(activity), "final") ||
                (stream_id == NULL && same(dl_activity_type(activity), "message"))) {
                break;
            }
            /* A chunk older than one already shown arrived out of order: skip it. */
            if (stream_id != NULL && dl_activity_stream_sequence(activity) > last_sequence) {
                if (stream == NULL) stream = copy(stream_id);
                last_sequence = dl_activity_stream_sequence(activity);
                printf("... %s\n", text != NULL ? text : "");
                fflush(stdout);
            }
        }
        dl_activity_free(activity);
    }
    free(stream);
    return activity;
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : getenv("DIRECTLINE_TOKEN_ENDPOINT");
    dl_client *bootstrap = NULL, *client = NULL;
    dl_client_options options;
    dl_start_options start = DL_START_OPTIONS_INIT;
    dl_conversation *conversation = NULL;
    dl_activity *activity = NULL;
    dl_token *token = NULL;
    char *endpoint = NULL, *sent_id = NULL;
    int status = 1, greeted = 0;

    if (url == NULL || *url == '\0') {
        fprintf(stderr, "copilot: pass the agent's token endpoint URL (or set DIRECTLINE_TOKEN_ENDPOINT)\n");
        return 1;
    }
    if (dl_client_new(NULL, &bootstrap) != DL_OK) return fail("dl_client_new");
    /* Agents live in one region: the global endpoint would not know the conversation. */
    if (dl_fetch_regional_endpoint(bootstrap, url, &endpoint) != DL_OK)
        fprintf(stderr, "copilot: no regional endpoint (%s); using the global one\n",
                dl_error_last()->message);
    if (dl_fetch_token(bootstrap, url, &token) != DL_OK) {
        status = fail("dl_fetch_token");
        goto done;
    }
    printf("endpoint %s\n", endpoint != NULL ? endpoint : "global");

    dl_client_options_init(&options);
    options.endpoint = endpoint != NULL ? endpoint : "global";
    options.stream_replies = 1; /* messages ask for "deliveryMode": "stream" */
    if (dl_client_new(&options, &client) != DL_OK) {
        status = fail("dl_client_new");
        goto done;
    }
    start.locale = "en-US";
    start.send_start_event = 1; /* the startConversation event: the agent greets */
    if (dl_start_conversation_with(client, dl_token_value(token), &start, &conversation) != DL_OK) {
        status = fail("dl_start_conversation_with");
        goto done;
    }

    /* The greeting (our own event comes back first). */
    while (!greeted && (activity = next_activity(conversation)) != NULL) {
        greeted = !dl_activity_is_own(activity) && same(dl_activity_type(activity), "message");
        if (greeted) printf("bot: %s\n", dl_activity_text(activity) ? dl_activity_text(activity) : "");
        dl_activity_free(activity);
    }
    if (!greeted) goto done;

    if (dl_conversation_send_message(conversation, dl_conversation_user_id(conversation), question,
                                     &sent_id) != DL_OK) {
        status = fail("dl_conversation_send_message");
        goto done;
    }
    printf("you: %s\n", question);
    if ((activity = stream_reply(conversation, sent_id)) == NULL) goto done;
    printf("bot: %s\n", dl_activity_text(activity) ? dl_activity_text(activity) : "");
    dl_activity_free(activity);

    dl_string_free(sent_id);
    sent_id = NULL;
    if (dl_conversation_send_message(conversation, dl_conversation_user_id(conversation), "login",
                                     &sent_id) != DL_OK) {
        status = fail("dl_conversation_send_message");
        goto done;
    }
    if ((activity = stream_reply(conversation, sent_id)) == NULL) goto done;
    if (dl_activity_signin_url(activity) != NULL)
        printf("sign in at: %s\n", dl_activity_signin_url(activity));
    else
        printf("bot: %s\n", dl_activity_text(activity) ? dl_activity_text(activity) : "");
    dl_activity_free(activity);
    status = 0;

done:
    dl_string_free(sent_id);
    dl_conversation_free(conversation);
    dl_token_free(token);
    dl_string_free(endpoint);
    dl_client_free(client);
    dl_client_free(bootstrap);
    return status;
}
