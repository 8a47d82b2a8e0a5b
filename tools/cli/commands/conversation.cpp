// start-conversation, reconnect, activities, end: one request each on a new or
// an existing conversation.
#include "../credentials.hpp"
#include "../errors.hpp"
#include "../output.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace dlcli {

void add_start_conversation(CommandLine &cl) {
  auto *cmd = cl.command("start-conversation", "start a conversation with a secret or a token",
                         "start-conversation", "", [](const Options &o) {
                           Credential cred = resolve_credential(o, Need::Either);
                           directline::Client client(client_options(o));
                           print_line(conversation_json(client.start_conversation(cred.value)).dump());
                           return kExitOk;
                         });
  cl.credentials(cmd, CredentialOptions::Either);
}

void add_reconnect(CommandLine &cl) {
  auto *cmd = cl.command("reconnect", "get a fresh stream URL for a conversation (3.0)",
                         "reconnect --conversation ID [--watermark W]", "", [](const Options &o) {
                           directline::Client client(client_options(o));
                           auto conversation = open_existing(client, o);
                           conversation.reconnect(o.watermark);
                           print_line(conversation_json(conversation).dump());
                           return kExitOk;
                         });
  cl.conversation(cmd, true);
  cl.watermark(cmd);
  cl.credentials(cmd, CredentialOptions::Either);
}

void add_activities(CommandLine &cl) {
  auto *cmd = cl.command("activities", "one poll: print the service's activity set after a watermark",
                         "activities --conversation ID [--watermark W]", "", [](const Options &o) {
                           directline::Client client(client_options(o));
                           auto conversation = open_existing(client, o);
                           print_line(one_line(conversation.get_activities(o.watermark)));
                           return kExitOk;
                         });
  cl.conversation(cmd, true);
  cl.watermark(cmd);
  cl.credentials(cmd, CredentialOptions::Either);
}

void add_end(CommandLine &cl) {
  auto *cmd = cl.command("end", "end the conversation (post endOfConversation)", "end --conversation ID", "",
                         [](const Options &o) {
                           directline::Client client(client_options(o));
                           auto conversation = open_existing(client, o);
                           print_line(id_json(conversation.end(user_id(o))).dump());
                           return kExitOk;
                         });
  cl.conversation(cmd, true);
  cl.credentials(cmd, CredentialOptions::Either);
}

}  // namespace dlcli
