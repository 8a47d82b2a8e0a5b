// A bot at --bot URL, reached over the Bot Connector protocol (HTTP POST of activities).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "bot.hpp"

namespace dlemu {

// Throws std::invalid_argument for a URL it cannot use.
std::unique_ptr<Bot> make_remote_bot(boost::asio::io_context &io, const std::string &url,
                                     int64_t timeout_ms);

}  // namespace dlemu
