// The built-in bot (--bot echo). On a user message: a typing, then "echo: <text>", both in the
// log before the POST is answered. With "deliveryMode":"stream": the reply streamed as typing
// chunks with growing text, then the final message (as Web Chat livestreaming and Teams
// streaming describe it). On "login": an OAuth card whose sign-in URL is this emulator's
// /signin. On the startConversation event: a greeting (in French for an fr* locale).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "activities.hpp"
#include "bot.hpp"
#include "options.hpp"

namespace dlemu {

// `base_url` (the listener's address) is read when a sign-in card is made.
std::unique_ptr<Bot> make_echo_bot(Activities &activities, boost::asio::io_context &io,
                                   const Options &options, const std::string &base_url);

// The cumulative texts of a streamed reply: at least three, each a prefix of the next (cut on
// UTF-8 character boundaries), the last one `text` itself.
std::vector<std::string> stream_chunks(const std::string &text);

}  // namespace dlemu
