// cmake/pch.h and GoogleTest: the precompiled headers of every ordo test
// (target ordo_test_pch, cmake/ordo.cmake).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cmake/pch.h"
