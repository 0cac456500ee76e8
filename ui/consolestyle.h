#pragma once

#include <QProxyStyle>

namespace Curtain::Ui {

// The application's own style, Fusion or Windows, with one difference: the menu bar's overflow
// icon is read as the PNG it is. Those styles hand QIcon Qt's file name, and QIcon's reader then
// asks every image-format plugin whether it can read a ".png" — loading all of them (svg, gif, ico,
// jpeg and their libraries) in the menu bar's constructor, about 4 ms of the GUI thread before the
// first frame, for a picture no plugin reads. Other styles (Breeze, macOS) draw their own icon and
// are left alone. As any QProxyStyle, it has no name() of its own: baseStyle()->name() has it.
class ConsoleStyle final : public QProxyStyle
{
public:
    explicit ConsoleStyle(const QString &baseStyleName);
    // Before any widget: wraps the application's style when it is one of those two.
    static void install();

    QIcon standardIcon(StandardPixmap which, const QStyleOption *option, const QWidget *widget) const override;
};

} // namespace Curtain::Ui
