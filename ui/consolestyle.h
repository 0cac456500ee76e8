#pragma once

#include <QProxyStyle>

namespace Curtain::Ui {

// The application's own style (Fusion, or what the platform or -style chose), with one difference:
// the menu bar's overflow icon is read as the PNG it is. The style hands QIcon a file name, and
// QIcon's reader then asks every image-format plugin whether it can read a ".png" — loading all
// of them (svg, gif, ico, jpeg and their libraries) in the menu bar's constructor, about 4 ms of
// the GUI thread before the first frame, for a picture no plugin reads.
class ConsoleStyle final : public QProxyStyle
{
public:
    explicit ConsoleStyle(const QString &baseStyleName);

    QIcon standardIcon(StandardPixmap which, const QStyleOption *option, const QWidget *widget) const override;
};

} // namespace Curtain::Ui
