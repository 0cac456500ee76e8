// The headers nearly every library, program and suite compiles, precompiled once per build
// (cmake/CurtainPrecompiled.cmake) and reused by each: a third of a sanitized compile went to
// parsing them again. Only headers that no target-specific define changes: QtCore and
// nlohmann/json, not QtTest (its QTEST_MAIN picks QApplication or QCoreApplication by the Qt
// modules a suite links). ui/ never sees this one (it may not include nlohmann): widgets.h.
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
