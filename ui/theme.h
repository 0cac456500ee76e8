#pragma once

#include "core/release.h"

#include <QColor>

namespace Curtain::Ui::Theme {

// Colors are identity: the same blue and green everywhere a color is shown.
inline QColor color(Core::Color c)
{
    return c == Core::Color::Blue ? QColor(0x1f, 0x6f, 0xd9) : QColor(0x23, 0x9a, 0x4d);
}

inline QColor healthColor(const QString &health)
{
    if (health == QLatin1String("healthy")) {
        return QColor(0x2e, 0x7d, 0x32);
    }
    if (health == QLatin1String("canary") || health == QLatin1String("progressing") ||
        health == QLatin1String("paused")) {
        return QColor(0xb2, 0x6a, 0x00);
    }
    return QColor(0xc6, 0x28, 0x28);
}

inline const QColor danger{0xc6, 0x28, 0x28};

} // namespace Curtain::Ui::Theme
