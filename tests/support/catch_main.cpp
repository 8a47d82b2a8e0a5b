// Catch2's main, compiled once for every C/C++ test program (dl_catch_main).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
