// The console's style: the platform's own, except that the menu bar's overflow icon is read without
// asking the image-format plugins (which loads every one of them before the first frame).

#include "consolestyle.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMenuBar>
#include <QProxyStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <QTest>

using namespace Curtain;

namespace {

// The image-format plugins this process has loaded, as the dynamic linker maps them.
QStringList loadedImagePlugins()
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly)) {
        return {};
    }
    QStringList plugins;
    for (const QByteArray &line : maps.readAll().split('\n')) {
        if (line.contains("/imageformats/") && !plugins.contains(QString::fromUtf8(line.mid(line.lastIndexOf('/'))))) {
            plugins << QString::fromUtf8(line.mid(line.lastIndexOf('/')));
        }
    }
    return plugins;
}

// Whether any image-format plugin is there to be loaded: without one, loading none proves nothing.
bool imagePluginsInstalled()
{
    for (const QString &path : QCoreApplication::libraryPaths()) {
        if (!QDir(path + QStringLiteral("/imageformats")).entryList(QDir::Files).isEmpty()) {
            return true;
        }
    }
    return false;
}

} // namespace

class TestConsoleStyle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void menuBar_loadsNoImagePluginAndKeepsQtsOverflowIcon()
    {
        if (!QFile::exists(QStringLiteral("/proc/self/maps"))) {
            QSKIP("needs /proc/self/maps (Linux) to see which libraries are loaded");
        }
        if (!imagePluginsInstalled()) {
            QFAIL("no image-format plugin is installed, so loading none proves nothing (Debian's libqt6gui6 has "
                  "gif, ico and jpeg, libqt6svg6 svg)");
        }
        const QString base = QApplication::style()->name();
        QCOMPARE(base.toLower(), QStringLiteral("fusion")); // offscreen, without a platform theme
        Ui::ConsoleStyle::install();
        const auto *proxy = qobject_cast<QProxyStyle *>(QApplication::style());
        QVERIFY(proxy);
        QCOMPARE(proxy->baseStyle()->name(), base); // the platform's style, not another one
        QVERIFY2(loadedImagePlugins().isEmpty(), qPrintable(loadedImagePlugins().join(u' ')));

        QMenuBar bar; // builds its overflow button, with the style's icon
        bar.addMenu(QStringLiteral("File"));
        QVERIFY2(loadedImagePlugins().isEmpty(), qPrintable(loadedImagePlugins().join(u' ')));

        const QIcon ours = QApplication::style()->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton);
        const QIcon vertical = QApplication::style()->standardIcon(QStyle::SP_ToolBarVerticalExtensionButton);
        QVERIFY(!ours.isNull() && !vertical.isNull());
        QStyleOption rightToLeft;
        rightToLeft.direction = Qt::RightToLeft;
        const QIcon mirrored =
            QApplication::style()->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton, &rightToLeft);
        QVERIFY(mirrored.pixmap(16).toImage() != ours.pixmap(16).toImage());
        QVERIFY2(loadedImagePlugins().isEmpty(), qPrintable(loadedImagePlugins().join(u' ')));

        // The same pictures as the style it stands in for (which does load the plugins to read them).
        QScopedPointer<QStyle> plain(QStyleFactory::create(base));
        QVERIFY(plain);
        const QIcon theirs = plain->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton);
        QCOMPARE(ours.availableSizes(), theirs.availableSizes());
        for (const QSize &size : theirs.availableSizes()) {
            QCOMPARE(ours.pixmap(size).toImage(), theirs.pixmap(size).toImage());
        }
    }
};

QTEST_MAIN(TestConsoleStyle)
#include "tst_consolestyle.moc"
