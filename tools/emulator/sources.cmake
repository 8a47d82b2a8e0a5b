# The emulator's sources besides main.cpp, relative to this directory: one list for the
# emulator library and for the fuzz build, which compiles them again with coverage.
set(DL_EMULATOR_SOURCES
  src/options.cpp
  src/util.cpp
  src/responses.cpp
  src/tokens.cpp
  src/auth.cpp
  src/store.cpp
  src/faults.cpp
  src/router.cpp
  src/multipart.cpp
  src/attachments.cpp
  src/activities.cpp
  src/echo_bot.cpp
  src/remote_bot.cpp
  src/context.cpp
  src/v3_handlers.cpp
  src/v1_handlers.cpp
  src/uploads.cpp
  src/connector_handlers.cpp
  src/admin_handlers.cpp
  src/agent_handlers.cpp
  src/service.cpp
  src/io_pool.cpp
  src/server.cpp
)
list(TRANSFORM DL_EMULATOR_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
