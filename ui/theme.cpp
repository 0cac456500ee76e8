#include "theme.h"

#include <QPainter>
#include <QWidget>

#include <cmath>

namespace Curtain::Ui::Theme {

namespace {

double channel(double c)
{
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &c)
{
    const QColor rgb = c.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

// The variant for the palette: the one that stands out more against its base.
QColor pick(const QColor &onLight, const QColor &onDark, const QPalette &palette)
{
    return isDark(palette) ? onDark : onLight;
}

} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

bool isDark(const QPalette &palette)
{
    return luminance(palette.color(QPalette::Base)) < luminance(palette.color(QPalette::Text));
}

void paintAccentFrame(QWidget &widget, const QColor &accent, const QMargins &border, const QColor &fill)
{
    QPainter painter(&widget);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(accent);
    painter.drawRoundedRect(QRectF(widget.rect()), 4, 4);
    painter.setBrush(fill.isValid() ? fill : widget.palette().color(QPalette::Window));
    painter.drawRoundedRect(QRectF(widget.rect().marginsRemoved(border)), 3, 3);
}

void setTextColor(QWidget &widget, const QColor &color)
{
    QPalette palette = widget.palette();
    palette.setColor(QPalette::WindowText, color);
    widget.setPalette(palette);
}

QColor color(Core::Color c)
{
    return c == Core::Color::Blue ? QColor(0x1f, 0x6f, 0xd9) : QColor(0x23, 0x9a, 0x4d);
}

QColor colorText(Core::Color c, const QPalette &palette)
{
    return c == Core::Color::Blue ? pick(QColor(0x15, 0x57, 0xb0), QColor(0x7a, 0xb4, 0xff), palette)
                                  : pick(QColor(0x1b, 0x6e, 0x36), QColor(0x6f, 0xd1, 0x8f), palette);
}

QColor healthColor(const QString &health, const QPalette &palette)
{
    if (health == QLatin1String("healthy")) {
        return success(palette);
    }
    if (health == QLatin1String("canary") || health == QLatin1String("progressing") ||
        health == QLatin1String("paused")) {
        return waiting(palette);
    }
    return danger(palette);
}

QColor waiting(const QPalette &palette)
{
    return pick(QColor(0x8a, 0x53, 0x00), QColor(0xff, 0xb7, 0x4d), palette);
}

QColor success(const QPalette &palette)
{
    return pick(QColor(0x1b, 0x5e, 0x20), QColor(0x81, 0xc7, 0x84), palette);
}

QColor danger(const QPalette &palette)
{
    return pick(QColor(0xb7, 0x1c, 0x1c), QColor(0xff, 0x8a, 0x80), palette);
}

QColor secondaryText(const QPalette &palette)
{
    const QColor text = palette.color(QPalette::WindowText).toRgb();
    const QColor window = palette.color(QPalette::Window).toRgb();
    constexpr double textShare = 0.7;
    return QColor::fromRgbF(float(text.redF() * textShare + window.redF() * (1 - textShare)),
                            float(text.greenF() * textShare + window.greenF() * (1 - textShare)),
                            float(text.blueF() * textShare + window.blueF() * (1 - textShare)));
}

} // namespace Curtain::Ui::Theme
