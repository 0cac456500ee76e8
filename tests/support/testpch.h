// The headers nearly every test compiles, precompiled once per build (tests/CMakeLists.txt,
// curtain_test_pch) and reused by every suite: about a third of a sanitized test's compile time.
// Only headers that no test-specific define changes: QtCore and nlohmann/json, not QtTest (its
// QTEST_MAIN picks QApplication or QCoreApplication by the Qt modules a suite links) nor QtWidgets.
#pragma once

#include <QtCore>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>
