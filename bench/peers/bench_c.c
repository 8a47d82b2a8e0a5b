/*
 * directline C client side of the peer benchmark (bench/peers). One workload
 * per run; prints one JSON line that bench/peers/report.py aggregates:
 *   {"client":..., "workload":..., "ops":N, "failures":N, "elapsed_s":S, "latencies_us":[...],
 *    "post_latencies_us":[...] (echo workloads: the POST alone)}
 *
 * usage: bench_c ENDPOINT SECRET tokens N
 *        bench_c ENDPOINT SECRET echo N
 *        bench_c ENDPOINT SECRET concurrent CONVERSATIONS ROUND_TRIPS
 *
 * Every echo round trip checks that the bot's reply is "echo: <the text sent>",
 * from "bot", with replyToId = the id the post returned; anything else counts
 * as a failure (reported, never hidden).
 */
#define _POSIX_C_SOURCE 199309L
#include <directline.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Waiting longer than this for one echo means the round trip failed. */
#define ECHO_TIMEOUT_MS 10000

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* post_latencies_us may be NULL (workloads without a POST of an activity). */
static void print_result(const char *workload, long ops, long failures, double elapsed_s,
                         const double *latencies_us, const double *post_latencies_us, long count) {
    long i;
    printf("{\"client\":\"directline C\",\"workload\":\"%s\",\"ops\":%ld,\"failures\":%ld,"
           "\"elapsed_s\":%.6f,\"latencies_us\":[", workload, ops, failures, elapsed_s);
    for (i = 0; i < count; ++i) printf(i ? ",%.1f" : "%.1f", latencies_us[i]);
    printf("]");
    if (post_latencies_us) {
        printf(",\"post_latencies_us\":[");
        for (i = 0; i < count; ++i) printf(i ? ",%.1f" : "%.1f", post_latencies_us[i]);
        printf("]");
    }
    printf("}\n");
    fflush(stdout);
}

static void report_error(const char *what) {
    const dl_error *error = dl_error_last();
    fprintf(stderr, "bench_c: %s failed: %s (%s)\n", what, dl_result_string(error->code),
            error->message);
}

/* Sends `text` and waits for the echo of exactly this message. 0 on success.
 * *post_us: how long the POST took (until the id was back). */
static int echo_round_trip(dl_conversation *conversation, const char *text, double *post_us) {
    char expected[256];
    char *posted_id = NULL;
    int result = -1;
    double t0 = now_seconds();
    snprintf(expected, sizeof expected, "echo: %s", text);
    if (dl_conversation_send_message(conversation, "user1", text, &posted_id) != DL_OK) {
        report_error("send_message");
        *post_us = (now_seconds() - t0) * 1e6;
        return -1;
    }
    *post_us = (now_seconds() - t0) * 1e6;
    for (;;) {
        dl_activity *activity = NULL;
        const char *reply_text;
        int rc = dl_conversation_next_activity(conversation, ECHO_TIMEOUT_MS, &activity);
        if (rc != DL_OK) {
            report_error("next_activity");
            break;
        }
        reply_text = dl_activity_text(activity);
        /* Skip our own message coming back and the bot's typing indicator. */
        if (strcmp(dl_activity_type(activity), "message") == 0
            && strcmp(dl_activity_from_id(activity), "bot") == 0) {
            const char *json = dl_activity_json(activity);
            if (reply_text && strcmp(reply_text, expected) == 0 && posted_id
                && strstr(json, "replyToId") && strstr(json, posted_id)) {
                result = 0;
            } else {
                fprintf(stderr, "bench_c: wrong echo for \"%s\": %s\n", text, json);
            }
            dl_activity_free(activity);
            break;
        }
        dl_activity_free(activity);
    }
    dl_string_free(posted_id);
    return result;
}

static int run_tokens(dl_client *client, const char *secret, long count) {
    double *latencies = calloc((size_t)count, sizeof *latencies);
    long failures = 0, i;
    double start;
    if (!latencies) return 1;
    start = now_seconds();
    for (i = 0; i < count; ++i) {
        dl_token *token = NULL;
        double t0 = now_seconds();
        if (dl_generate_token(client, secret, NULL, &token) != DL_OK
            || !dl_token_value(token) || !*dl_token_value(token)) {
            report_error("generate_token");
            ++failures;
        }
        latencies[i] = (now_seconds() - t0) * 1e6;
        dl_token_free(token);
    }
    print_result("tokens", count, failures, now_seconds() - start, latencies, NULL, count);
    free(latencies);
    return 0;
}

typedef struct echo_job {
    dl_client *client;
    const char *secret;
    long round_trips;
    int tag;             /* keeps texts distinct between conversations */
    double *latencies;   /* round_trips entries */
    double *post_latencies;
    long failures;
} echo_job;

static void *run_echo_job(void *arg) {
    echo_job *job = arg;
    dl_conversation *conversation = NULL;
    long i;
    if (dl_start_conversation(job->client, job->secret, &conversation) != DL_OK) {
        report_error("start_conversation");
        job->failures = job->round_trips;
        return NULL;
    }
    for (i = 0; i < job->round_trips; ++i) {
        char text[64];
        double t0;
        snprintf(text, sizeof text, "c%d-msg %ld", job->tag, i);
        t0 = now_seconds();
        if (echo_round_trip(conversation, text, &job->post_latencies[i]) != 0) ++job->failures;
        job->latencies[i] = (now_seconds() - t0) * 1e6;
    }
    dl_conversation_free(conversation);
    return NULL;
}

static int run_echo(dl_client *client, const char *secret, const char *workload,
                    long conversations, long round_trips) {
    echo_job *jobs = calloc((size_t)conversations, sizeof *jobs);
    pthread_t *threads = calloc((size_t)conversations, sizeof *threads);
    double *latencies = calloc((size_t)(conversations * round_trips), sizeof *latencies);
    double *post_latencies = calloc((size_t)(conversations * round_trips), sizeof *post_latencies);
    long failures = 0, i;
    double start;
    if (!jobs || !threads || !latencies || !post_latencies) return 1;
    for (i = 0; i < conversations; ++i) {
        jobs[i].client = client;
        jobs[i].secret = secret;
        jobs[i].round_trips = round_trips;
        jobs[i].tag = (int)i;
        jobs[i].latencies = latencies + i * round_trips;
        jobs[i].post_latencies = post_latencies + i * round_trips;
    }
    start = now_seconds();
    if (conversations == 1) {
        run_echo_job(&jobs[0]);
    } else {
        for (i = 0; i < conversations; ++i) {
            if (pthread_create(&threads[i], NULL, run_echo_job, &jobs[i]) != 0) {
                fprintf(stderr, "bench_c: pthread_create failed\n");
                return 1;
            }
        }
        for (i = 0; i < conversations; ++i) pthread_join(threads[i], NULL);
    }
    for (i = 0; i < conversations; ++i) failures += jobs[i].failures;
    print_result(workload, conversations * round_trips, failures, now_seconds() - start,
                 latencies, post_latencies, conversations * round_trips);
    free(post_latencies);
    free(latencies);
    free(threads);
    free(jobs);
    return 0;
}

int main(int argc, char **argv) {
    dl_client_options options;
    dl_client *client = NULL;
    const char *workload;
    long first, second = 0;
    int rc;
    if (argc < 5 || (strcmp(argv[3], "concurrent") == 0 && argc < 6)) {
        fprintf(stderr, "usage: %s ENDPOINT SECRET tokens|echo N | concurrent CONVERSATIONS ROUND_TRIPS\n",
                argv[0]);
        return 2;
    }
    workload = argv[3];
    first = strtol(argv[4], NULL, 10);
    if (argc > 5) second = strtol(argv[5], NULL, 10);
    if (first <= 0 || (strcmp(workload, "concurrent") == 0 && second <= 0)) {
        fprintf(stderr, "bench_c: counts must be positive\n");
        return 2;
    }
    dl_client_options_init(&options);
    options.endpoint = argv[1];
    options.receive_mode = DL_RECEIVE_AUTO;
    if (dl_client_new(&options, &client) != DL_OK) {
        report_error("client_new");
        return 1;
    }
    if (strcmp(workload, "tokens") == 0) {
        rc = run_tokens(client, argv[2], first);
    } else if (strcmp(workload, "echo") == 0) {
        rc = run_echo(client, argv[2], "echo", 1, first);
    } else if (strcmp(workload, "concurrent") == 0) {
        rc = run_echo(client, argv[2], "concurrent", first, second);
    } else {
        fprintf(stderr, "bench_c: unknown workload %s\n", workload);
        rc = 2;
    }
    dl_client_free(client);
    return rc;
}
