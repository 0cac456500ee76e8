#include "consolestyle.h"

#include <QApplication>
#include <QDir>
#include <QGuiApplication>
#include <QImageReader>
#include <QStyleOption>

#include <map>

namespace Curtain::Ui {

namespace {

// Qt's own pictures of the overflow button, every size it has, each read by the PNG reader alone.
QIcon extensionIcon(const QString &prefix)
{
    const QDir images(QStringLiteral(":/qt-project.org/styles/commonstyle/images"));
    std::map<int, QString> bySize; // smallest first, as the style adds them
    for (const QString &file : images.entryList({prefix + QStringLiteral("-*.png")}, QDir::Files)) {
        bool number = false;
        const int size = file.mid(prefix.size() + 1).chopped(4).toInt(&number); // 16 of "toolbar-ext-h-16.png"
        if (number) { // not "toolbar-ext-h-rtl-16.png", which belongs to the other prefix
            bySize.emplace(size, file);
        }
    }
    QIcon icon;
    for (const auto &[size, file] : bySize) {
        QImageReader reader(images.filePath(file), "png");
        reader.setAutoDetectImageFormat(false); // what the plugins are not asked
        const QImage image = reader.read();
        if (!image.isNull()) {
            icon.addPixmap(QPixmap::fromImage(image));
        }
    }
    return icon;
}

} // namespace

ConsoleStyle::ConsoleStyle(const QString &baseStyleName) : QProxyStyle(baseStyleName)
{}

void ConsoleStyle::install()
{
    const QString base = QApplication::style()->name();
    if (base.compare(QLatin1String("fusion"), Qt::CaseInsensitive) == 0 ||
        base.compare(QLatin1String("windows"), Qt::CaseInsensitive) == 0) {
        QApplication::setStyle(new ConsoleStyle(base));
    }
}

QIcon ConsoleStyle::standardIcon(StandardPixmap which, const QStyleOption *option, const QWidget *widget) const
{
    if (which == SP_ToolBarHorizontalExtensionButton || which == SP_ToolBarVerticalExtensionButton) {
        const Qt::LayoutDirection direction = option ? option->direction : QGuiApplication::layoutDirection();
        const QString prefix = which == SP_ToolBarVerticalExtensionButton ? QStringLiteral("toolbar-ext-v")
                               : direction == Qt::RightToLeft             ? QStringLiteral("toolbar-ext-h-rtl")
                                                                          : QStringLiteral("toolbar-ext-h");
        const QIcon icon = extensionIcon(prefix);
        if (!icon.isNull()) {
            return icon;
        }
    }
    return QProxyStyle::standardIcon(which, option, widget); // another Qt without those files: as it draws it
}

} // namespace Curtain::Ui
