# Integration: the C API only, against real directline-emulator processes.
add_executable(receive_tests
  receive_support.cpp
  test_stream.cpp
  test_faults.cpp
  test_tokens_end.cpp
  test_resume.cpp
  test_threads.cpp
  test_modes.cpp
  test_backpressure.cpp
  test_reconnect_spread.cpp
  $<TARGET_OBJECTS:receive_catch_main>)
target_include_directories(receive_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(receive_tests PRIVATE directline Catch2::Catch2 Threads::Threads)
if(TARGET directline-emulator)
  target_compile_definitions(receive_tests PRIVATE DL_EMULATOR_PATH="$<TARGET_FILE:directline-emulator>")
  add_dependencies(receive_tests directline-emulator)
endif()

# Resumes an exported state in a fresh process (exec'd by test_resume.cpp).
add_executable(receive_resume_helper resume_helper.c)
target_link_libraries(receive_resume_helper PRIVATE directline)
add_dependencies(receive_tests receive_resume_helper)
target_compile_definitions(receive_tests PRIVATE DL_RESUME_HELPER_PATH="$<TARGET_FILE:receive_resume_helper>")

add_test(NAME receive_integration COMMAND receive_tests)
set_tests_properties(receive_integration PROPERTIES LABELS "receive" TIMEOUT 900)

# Below the C API: the stream's own TLS verdicts (core objects, real emulators).
add_executable(receive_core_tests test_stream_tls.cpp $<TARGET_OBJECTS:receive_catch_main>)
target_include_directories(receive_core_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(receive_core_tests PRIVATE directline_core Catch2::Catch2 Threads::Threads)
if(TARGET directline-emulator)
  target_compile_definitions(receive_core_tests PRIVATE DL_EMULATOR_PATH="$<TARGET_FILE:directline-emulator>")
  add_dependencies(receive_core_tests directline-emulator)
endif()
add_test(NAME receive_core COMMAND receive_core_tests)
set_tests_properties(receive_core PROPERTIES LABELS "receive" TIMEOUT 300)

# Sanitizer suppressions are for the cpprestsdk backend only (uninstrumented
# libcpprest, OpenSSL state on its never-joined pool threads); set
# DIRECTLINE_EMULATOR when the emulator is not built in the sanitizer build.
if(DL_HTTP_BACKEND STREQUAL "cpprest" AND DL_SANITIZE MATCHES "thread")
  set_tests_properties(receive_integration PROPERTIES
    ENVIRONMENT "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=0")
endif()
if(DL_HTTP_BACKEND STREQUAL "cpprest" AND DL_SANITIZE MATCHES "address")
  set_tests_properties(receive_integration PROPERTIES
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/support/lsan.supp")
endif()
