/*
 * The C client side of bench/far (C API only). One workload per run; prints
 * one line "RESULT key=value ..." that run_far.py reads.
 *
 *   far_bench ENDPOINT SECRET CA_FILE post N          sequential dl_conversation_send_message
 *   far_bench ENDPOINT SECRET CA_FILE echo N          send, then next_activity until the echo
 *   far_bench ENDPOINT SECRET CA_FILE tokens N        sequential dl_generate_token
 *   far_bench ENDPOINT SECRET CA_FILE start N         sequential dl_start_conversation
 *   far_bench ENDPOINT SECRET CA_FILE rate ROUTE THREADS SECONDS
 *                                                     ROUTE tokens|start|post, one shared client
 *   far_bench ENDPOINT SECRET CA_FILE open N THREADS ADMIN_PORT
 *                                                     N conversations with their stream open
 * CA_FILE "-" means none. Every operation is checked; a failure is counted and
 * printed, never hidden (the script exits 1 if any).
 */
#define _GNU_SOURCE
#include <directline.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ECHO_TIMEOUT_MS 10000

static const char *g_endpoint, *g_secret, *g_ca;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double *values, long n, double p) {
    long rank;
    if (n == 0) return 0;
    qsort(values, (size_t)n, sizeof *values, compare_double);
    rank = (long)(p * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    return values[rank - 1];
}

static void report_latencies(const char *workload, double *ms, long n, long failures, double elapsed) {
    printf("RESULT workload=%s ops=%ld failures=%ld elapsed_s=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f rps=%.1f\n",
           workload, n, failures, elapsed, percentile(ms, n, 0.5), percentile(ms, n, 0.9),
           percentile(ms, n, 0.99), elapsed > 0 ? (double)n / elapsed : 0.0);
}

static void complain(const char *what) {
    const dl_error *e = dl_error_last();
    fprintf(stderr, "far_bench: %s failed: %s (%s)\n", what, dl_result_name(e->code), e->message);
}

static dl_client *new_client(void) {
    dl_client_options o;
    dl_client *client = NULL;
    dl_client_options_init(&o);
    o.endpoint = g_endpoint;
    o.ca_file = strcmp(g_ca, "-") ? g_ca : NULL;
    o.proxy = "";
    if (dl_client_new(&o, &client) != DL_OK) {
        complain("dl_client_new");
        exit(1);
    }
    return client;
}

static dl_conversation *start(dl_client *client) {
    dl_conversation *c = NULL;
    if (dl_start_conversation(client, g_secret, &c) != DL_OK) complain("dl_start_conversation");
    return c;
}

/* Waits for the bot's "echo: text" with replyToId = id. 0 on success. */
static int wait_echo(dl_conversation *c, const char *text, const char *id) {
    char expected[256];
    double deadline = now_s() + ECHO_TIMEOUT_MS / 1000.0;
    snprintf(expected, sizeof expected, "echo: %s", text);
    while (now_s() < deadline) {
        dl_activity *a = NULL;
        const char *t;
        int rc = dl_conversation_next_activity(c, (int)((deadline - now_s()) * 1000) + 1, &a);
        if (rc != DL_OK) return -1;
        t = dl_activity_text(a);
        if (!strcmp(dl_activity_type(a), "message") && !strcmp(dl_activity_from_id(a), "bot") && t &&
            !strcmp(t, expected) && strstr(dl_activity_json(a), id)) {
            dl_activity_free(a);
            return 0;
        }
        dl_activity_free(a);
    }
    return -1;
}

static int run_sequential(const char *workload, long n) {
    dl_client *client = new_client();
    dl_conversation *c = NULL;
    double *ms = calloc((size_t)n, sizeof *ms), t0, started;
    long i, failures = 0, warm = n / 10 + 1;
    char text[64];
    if (!strcmp(workload, "post") || !strcmp(workload, "echo")) {
        c = start(client);
        if (!c) return 1;
    }
    /* Warm-up (connections, TLS sessions, the stream): not measured. */
    for (i = -warm; i < n; ++i) {
        int rc = DL_OK;
        char *id = NULL;
        if (i == 0) started = now_s();
        t0 = now_s();
        snprintf(text, sizeof text, "far %ld", i);
        if (!strcmp(workload, "tokens")) {
            dl_token *token = NULL;
            rc = dl_generate_token(client, g_secret, NULL, &token);
            dl_token_free(token);
        } else if (!strcmp(workload, "start")) {
            dl_conversation *s = NULL;
            rc = dl_start_conversation(client, g_secret, &s);
            dl_conversation_free(s);
        } else {
            rc = dl_conversation_send_message(c, "user1", text, &id);
            if (rc == DL_OK && !strcmp(workload, "echo") && wait_echo(c, text, id) != 0) rc = -100;
        }
        dl_string_free(id);
        if (rc != DL_OK) {
            ++failures;
            complain(workload);
        }
        if (i >= 0) ms[i] = (now_s() - t0) * 1000.0;
    }
    report_latencies(workload, ms, n, failures, now_s() - started);
    dl_conversation_free(c);
    dl_client_free(client);
    free(ms);
    return failures != 0;
}

struct Rate {
    dl_client *client;
    dl_conversation *conversation; /* post: one per thread (a conversation's log is capped) */
    const char *route;
    double until;
    long ops, failures;
};

static void *rate_thread(void *arg) {
    struct Rate *r = arg;
    dl_conversation *c = r->conversation;
    while (now_s() < r->until) {
        int rc;
        if (!strcmp(r->route, "tokens")) {
            dl_token *token = NULL;
            rc = dl_generate_token(r->client, g_secret, NULL, &token);
            dl_token_free(token);
        } else if (!strcmp(r->route, "start")) {
            dl_conversation *s = NULL;
            rc = dl_start_conversation(r->client, g_secret, &s);
            dl_conversation_free(s);
        } else {
            rc = dl_conversation_send_message(c, "user1", "rate", NULL);
        }
        if (rc == DL_OK) ++r->ops;
        else ++r->failures;
    }
    return NULL;
}

static int run_rate(const char *route, int threads, double seconds) {
    dl_client *client = new_client();
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    struct Rate *rates = calloc((size_t)threads, sizeof *rates);
    long ops = 0, failures = 0;
    double t0;
    int i;
    dl_token *warm = NULL;
    dl_generate_token(client, g_secret, NULL, &warm);
    dl_token_free(warm);
    t0 = now_s();
    for (i = 0; i < threads; ++i) {
        rates[i].client = client;
        rates[i].conversation = !strcmp(route, "post") ? start(client) : NULL;
        rates[i].route = route;
        rates[i].until = t0 + seconds;
        pthread_create(&ids[i], NULL, rate_thread, &rates[i]);
    }
    for (i = 0; i < threads; ++i) {
        pthread_join(ids[i], NULL);
        ops += rates[i].ops;
        failures += rates[i].failures;
    }
    printf("RESULT workload=rate-%s threads=%d ops=%ld failures=%ld elapsed_s=%.3f rps=%.1f\n", route, threads, ops,
           failures, now_s() - t0, (double)ops / (now_s() - t0));
    for (i = 0; i < threads; ++i) dl_conversation_free(rates[i].conversation);
    dl_client_free(client);
    free(ids);
    free(rates);
    return failures != 0;
}

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long value = -1;
    size_t len = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, len) && line[len] == ':') value = atol(line + len + 1);
    if (f) fclose(f);
    return value;
}

/* Open WebSockets according to the emulator's GET /admin/stats. */
static int emulator_sockets(int port) {
    char request[128], response[4096];
    const char *at;
    ssize_t got = 0, n;
    struct sockaddr_in addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    snprintf(request, sizeof request, "GET /admin/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if (send(fd, request, strlen(request), 0) < 0) {
        close(fd);
        return -1;
    }
    while ((n = recv(fd, response + got, sizeof response - 1 - (size_t)got, 0)) > 0) got += n;
    close(fd);
    response[got] = 0;
    at = strstr(response, "\"sockets\":");
    return at ? atoi(at + 10) : -1;
}

struct Opener {
    dl_client *client;
    dl_conversation **conversations;
    long from, to, failures;
};

static void *open_thread(void *arg) {
    struct Opener *o = arg;
    long i;
    for (i = o->from; i < o->to; ++i) {
        dl_activity *none = NULL;
        o->conversations[i] = start(o->client);
        if (!o->conversations[i]) {
            ++o->failures;
            continue;
        }
        dl_conversation_next_activity(o->conversations[i], 0, &none); /* starts receiving: opens the stream */
    }
    return NULL;
}

static int run_open(long n, int threads, int admin_port) {
    dl_client *client = new_client();
    dl_conversation **conversations = calloc((size_t)n, sizeof *conversations);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    struct Opener *openers = calloc((size_t)threads, sizeof *openers);
    struct rlimit limit;
    long failures = 0, rss_before, rss_after, i, open_threads;
    double t0, opened_at = 0, deadline;
    int t, sockets = 0;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    {   /* warm-up: the runtime, the pool, TLS contexts */
        dl_conversation *c = start(client);
        dl_activity *none = NULL;
        dl_conversation_next_activity(c, 500, &none);
        dl_conversation_free(c);
    }
    rss_before = status_kib("VmRSS");
    t0 = now_s();
    for (t = 0; t < threads; ++t) {
        openers[t].client = client;
        openers[t].conversations = conversations;
        openers[t].from = n * t / threads;
        openers[t].to = n * (t + 1) / threads;
        pthread_create(&ids[t], NULL, open_thread, &openers[t]);
    }
    open_threads = status_kib("Threads");
    for (t = 0; t < threads; ++t) {
        pthread_join(ids[t], NULL);
        failures += openers[t].failures;
    }
    deadline = now_s() + 60;
    while (now_s() < deadline && (sockets = emulator_sockets(admin_port)) < n) usleep(5000);
    opened_at = now_s();
    rss_after = status_kib("VmRSS");
    printf("RESULT workload=open conversations=%ld threads_client=%d failures=%ld streams_open=%d open_s=%.3f "
           "rss_kib_per_conversation=%.2f process_threads=%ld threads_after=%ld\n",
           n, threads, failures, sockets, opened_at - t0, (double)(rss_after - rss_before) / (double)n, open_threads,
           status_kib("Threads"));
    fflush(stdout);
    for (i = 0; i < n; ++i) dl_conversation_free(conversations[i]);
    dl_client_free(client);
    free(conversations);
    free(ids);
    free(openers);
    return failures != 0 || sockets < n;
}

int main(int argc, char **argv) {
    const char *workload;
    if (argc < 6) {
        fprintf(stderr, "usage: far_bench ENDPOINT SECRET CA_FILE post|echo|tokens|start N | rate ROUTE THREADS SECONDS | open N THREADS ADMIN_PORT\n");
        return 2;
    }
    g_endpoint = argv[1];
    g_secret = argv[2];
    g_ca = argv[3];
    workload = argv[4];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(workload, "rate") && argc == 8) return run_rate(argv[5], atoi(argv[6]), atof(argv[7]));
    if (!strcmp(workload, "open") && argc == 8) return run_open(atol(argv[5]), atoi(argv[6]), atoi(argv[7]));
    return run_sequential(workload, atol(argv[5]));
}
