// The built-in bot (--bot echo): answers every user message in the conversation's log.
#pragma once

#include <memory>

#include "activities.hpp"
#include "bot.hpp"

namespace dlemu {

std::unique_ptr<Bot> make_echo_bot(Activities &activities);

}  // namespace dlemu
