// The precompiled header of ui/ and the console (cmake/CurtainPrecompiled.cmake): Qt Widgets, never
// nlohmann or curl (the layering test reads every ui/ object's dependencies). Not Qt Charts: gcc
// refuses a PCH built with a define its user lacks (QT_CHARTS_LIB), and the console does not link it.
#pragma once

#include <QtCore>
#include <QtWidgets>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
