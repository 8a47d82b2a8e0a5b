/* Baseline for bench/swig: the same calls straight through the C API.
   Usage: bench_c ENDPOINT SECRET TOKEN_CALLS GETTER_CALLS
   Prints: "generate_token_us <mean>" and "getter_ns <mean>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "directline.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  dl_client_options options;
  dl_client *client = NULL;
  dl_conversation *conversation = NULL;
  int token_calls, getter_calls, i;
  size_t sink = 0;
  double start;
  if (argc != 5) {
    fprintf(stderr, "usage: %s ENDPOINT SECRET TOKEN_CALLS GETTER_CALLS\n", argv[0]);
    return 2;
  }
  token_calls = atoi(argv[3]);
  getter_calls = atoi(argv[4]);
  dl_client_options_init(&options);
  options.endpoint = argv[1];
  if (dl_client_new(&options, &client) != DL_OK) {
    fprintf(stderr, "client: %s\n", dl_error_last()->message);
    return 1;
  }
  for (i = 0; i < token_calls / 10 + 1; i++) { /* warm-up: connections, caches */
    dl_token *token = NULL;
    if (dl_generate_token(client, argv[2], NULL, &token) != DL_OK) {
      fprintf(stderr, "generate: %s\n", dl_error_last()->message);
      return 1;
    }
    dl_token_free(token);
  }
  start = now_seconds();
  for (i = 0; i < token_calls; i++) {
    dl_token *token = NULL;
    if (dl_generate_token(client, argv[2], NULL, &token) != DL_OK) return 1;
    sink += (size_t)dl_token_value(token)[0];
    dl_token_free(token);
  }
  printf("generate_token_us %.2f\n", (now_seconds() - start) * 1e6 / token_calls);

  if (dl_start_conversation(client, argv[2], &conversation) != DL_OK) return 1;
  start = now_seconds();
  for (i = 0; i < getter_calls; i++) sink += (size_t)dl_conversation_id(conversation)[0];
  printf("getter_ns %.2f\n", (now_seconds() - start) * 1e9 / getter_calls);
  dl_conversation_free(conversation);
  dl_client_free(client);
  return sink == 0 ? 3 : 0;
}
