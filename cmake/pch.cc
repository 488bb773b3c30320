// The translation unit CMake precompiles cmake/pch.h or cmake/test_pch.h with.
