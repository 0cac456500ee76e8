#pragma once

#include "core/release.h"

#include <QColor>
#include <QGuiApplication>
#include <QMargins>
#include <QPalette>

class QWidget;

// Colours with a meaning — identity (blue, green) and state (healthy, waiting, failing) — chosen for
// the palette in use: each has a variant for light and one for dark backgrounds, and text in them
// keeps a contrast of at least 4.5:1 (WCAG AA) against the palette's backgrounds.
namespace Curtain::Ui::Theme {

// WCAG's contrast ratio of two colours, 1 (none) to 21 (black on white).
double contrastRatio(const QColor &a, const QColor &b);
// Dark backgrounds: the palette's base is darker than its text.
bool isDark(const QPalette &palette);

// Colors are identity: the same blue and green everywhere a color fills or outlines something.
QColor color(Core::Color c);
// The same identity as text (titles, labels): darker or lighter to stay readable on the palette.
QColor colorText(Core::Color c, const QPalette &palette = QGuiApplication::palette());

// A release's health (or a plan's or rollout's state) as text colour: green for healthy, amber for
// what waits or moves (canary, progressing, paused), red for everything else.
QColor healthColor(const QString &health, const QPalette &palette = QGuiApplication::palette());
QColor success(const QPalette &palette = QGuiApplication::palette()); // text: applied, promoted, live
QColor danger(const QPalette &palette = QGuiApplication::palette());  // text: failed, refused, lost
QColor waiting(const QPalette &palette = QGuiApplication::palette()); // text: holding, paused, in flight
// Filled warnings (the Rollback button, the TLS-off badge): white text on it in any palette.
inline const QColor dangerFill{0xb7, 0x1c, 0x1c};
// Secondary text (reasons, notes): between the palette's text and its window, still readable.
QColor secondaryText(const QPalette &palette = QGuiApplication::palette());

// Drawn, not style-sheeted: a style sheet on a container sends every widget inside it through
// QStyleSheetStyle, which cost the first frame about 10 ms (README, cold start).
// A rounded frame of `accent`, `border` wide on each side (the widget's contents margins should
// match), filled with `fill` (the palette's window when invalid). Call from paintEvent.
void paintAccentFrame(QWidget &widget, const QColor &accent, const QMargins &border, const QColor &fill = {});
// The widget's text (QPalette::WindowText) in this colour; children inherit it.
void setTextColor(QWidget &widget, const QColor &color);

} // namespace Curtain::Ui::Theme
