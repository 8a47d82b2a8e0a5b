// generate-token, refresh-token, fetch-token: print a token as the service
// names its fields.
#include "../credentials.hpp"
#include "../errors.hpp"
#include "../output.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace dlcli {

void add_generate_token(CommandLine &cl) {
  auto *cmd = cl.command(
      "generate-token", "exchange a secret for a token bound to one new conversation",
      "generate-token [--user-id ID] [--user-name NAME] [--trusted-origin URL]...", "", [](const Options &o) {
        Credential secret = resolve_credential(o, Need::Secret);
        directline::Client client(client_options(o));
        directline::TokenOptions t;
        t.user_id = o.user_id;  // none unless given: the token is not bound to "user1"
        t.user_name = o.user_name;
        t.trusted_origins = o.trusted_origins;
        print_line(token_json(client.generate_token(secret.value, t)).dump());
        return kExitOk;
      });
  Options &o = cl.options();
  cl.option(cmd, "--user-name", o.user_name, "NAME", "user name bound into the token");
  cl.option(cmd, "--trusted-origin", o.trusted_origins, "URL", "trusted origin (repeatable)");
  cl.credentials(cmd, CredentialOptions::Secret);
}

void add_refresh_token(CommandLine &cl) {
  auto *cmd = cl.command("refresh-token", "refresh (3.0) or renew (1.1, needs --conversation) a token",
                         "refresh-token --token T [--conversation ID]", "", [](const Options &o) {
                           Credential token = resolve_credential(o, Need::Token);
                           if (o.api == "1.1" && o.conversation.empty())
                             throw UsageError("refresh-token with --api 1.1 needs --conversation ID", o.command);
                           directline::Client client(client_options(o));
                           std::optional<std::string> conversation;
                           if (!o.conversation.empty()) conversation = o.conversation;
                           print_line(token_json(client.refresh_token(token.value, conversation)).dump());
                           return kExitOk;
                         });
  cl.conversation(cmd, false);
  cl.credentials(cmd, CredentialOptions::Token);
}

void add_fetch_token(CommandLine &cl) {
  auto *cmd = cl.command(
      "fetch-token", "get a token from a token endpoint, such as a Copilot Studio agent's (no credential)",
      "fetch-token URL",
      "URL is the agent's token endpoint, e.g. https://<env>.environment.api.powerplatform.com/\n"
      "powervirtualagents/botsbyschema/<schema>/directline/token?api-version=2022-03-01-preview",
      [](const Options &o) {
        directline::Client client(client_options(o));
        print_line(token_json(client.fetch_token(o.token_endpoint)).dump());
        return kExitOk;
      });
  cl.positional(cmd, "url", cl.options().token_endpoint, "URL", "the token endpoint");
}

}  // namespace dlcli
