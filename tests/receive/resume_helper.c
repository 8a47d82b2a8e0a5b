/* Resumes a conversation from an exported state in a fresh process and
 * prints what it receives, one activity per line: "<type>\t<from>\t<text>".
 * Usage: receive_resume_helper ENDPOINT STATE_FILE COUNT PREFIX [polling]
 * Stops after COUNT bot messages whose text starts with PREFIX, or on error;
 * the last line is "rc <code>". Used by test_resume.cpp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directline.h"

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s ENDPOINT STATE_FILE COUNT PREFIX [polling]\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[2], "rb");
  if (!f) return 2;
  static char state[65536];
  size_t n = fread(state, 1, sizeof state - 1, f);
  fclose(f);
  state[n] = '\0';
  int wanted = atoi(argv[3]);
  const char *prefix = argv[4];

  dl_client_options options;
  dl_client_options_init(&options);
  options.endpoint = argv[1];
  options.retry_base_delay_ms = 20;
  options.polling_interval_ms = 100;
  if (argc > 5 && strcmp(argv[5], "polling") == 0) options.receive_mode = DL_RECEIVE_POLLING;
  dl_client *client = NULL;
  int rc = dl_client_new(&options, &client);
  if (rc != DL_OK) {
    printf("rc %d\n", rc);
    return 1;
  }
  dl_conversation *conversation = NULL;
  rc = dl_resume_conversation(client, state, &conversation);
  int got = 0;
  while (rc == DL_OK && got < wanted) {
    dl_activity *activity = NULL;
    rc = dl_conversation_next_activity(conversation, 15000, &activity);
    if (rc != DL_OK) break;
    const char *text = dl_activity_text(activity);
    printf("%s\t%s\t%s\n", dl_activity_type(activity), dl_activity_from_id(activity), text ? text : "");
    if (text && strncmp(text, prefix, strlen(prefix)) == 0 && strcmp(dl_activity_from_id(activity), "bot") == 0)
      ++got;
    dl_activity_free(activity);
  }
  printf("rc %d\n", rc);
  fflush(stdout);
  dl_conversation_free(conversation);
  dl_client_free(client);
  return rc == DL_OK ? 0 : 1;
}
