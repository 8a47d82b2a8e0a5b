// The subcommands of `directline`, one add_* per command: each defines its
// options on the CommandLine and how it runs.
#pragma once

#include "../options.hpp"

namespace dlcli {

void add_generate_token(CommandLine &cl);
void add_fetch_token(CommandLine &cl);
void add_start_conversation(CommandLine &cl);
void add_refresh_token(CommandLine &cl);
void add_reconnect(CommandLine &cl);
void add_send(CommandLine &cl);
void add_activities(CommandLine &cl);
void add_upload(CommandLine &cl);
void add_end(CommandLine &cl);
void add_listen(CommandLine &cl);
void add_chat(CommandLine &cl);

}  // namespace dlcli
