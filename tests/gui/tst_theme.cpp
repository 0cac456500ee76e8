// Colours keep text readable in light and dark palettes: every colour with a meaning, computed from
// the palette, has a contrast of at least 4.5:1 (WCAG AA) against the backgrounds it is drawn on.
// The whole binary runs in a dark palette, so the console itself is also shown in one.

#include "environmentpanel.h"
#include "failurebanner.h"
#include "mainwindow.h"
#include "models/releaselistmodel.h"
#include "theme.h"

#include "guitestbase.h"

#include <QApplication>
#include <QLabel>
#include <QProgressBar>
#include <QScreen>
#include <QStyle>
#include <QStyleFactory>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace Curtain;

namespace {

QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::WindowText, Qt::white);
    dark.setColor(QPalette::Base, QColor(0x2a, 0x2a, 0x2a));
    dark.setColor(QPalette::AlternateBase, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::Text, Qt::white);
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, Qt::white);
    dark.setColor(QPalette::Highlight, QColor(0x2a, 0x82, 0xda));
    dark.setColor(QPalette::HighlightedText, Qt::black);
    return dark;
}

QPalette lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return fusion->standardPalette();
}

const QStringList healthWords{QStringLiteral("healthy"),     QStringLiteral("canary"),
                              QStringLiteral("progressing"), QStringLiteral("paused"),
                              QStringLiteral("degraded"),    QStringLiteral("degraded (metrics)"),
                              QStringLiteral("rolled back"), QStringLiteral("down"),
                              QStringLiteral("broken"),      QStringLiteral("unreachable")};

} // namespace

class TestTheme : public Test::GuiTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QApplication::setPalette(darkPalette()); }

    void everyMeaningfulColour_isReadableOnItsBackground_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::newRow("light (Fusion)") << lightPalette();
        QTest::newRow("dark") << darkPalette();
    }

    void everyMeaningfulColour_isReadableOnItsBackground()
    {
        QFETCH(QPalette, palette);
        auto readable = [](const QColor &text, const QColor &background, const QString &what) {
            const double ratio = Ui::Theme::contrastRatio(text, background);
            QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1: %2 on %3 is %4:1")
                                                  .arg(what, text.name(), background.name())
                                                  .arg(ratio, 0, 'f', 2)));
        };
        for (const QString &health : healthWords) { // the list's Health column, on both row colours
            readable(Ui::Theme::healthColor(health, palette), palette.color(QPalette::Base), health);
            readable(Ui::Theme::healthColor(health, palette), palette.color(QPalette::AlternateBase), health);
        }
        const QColor window = palette.color(QPalette::Window);
        readable(Ui::Theme::success(palette), window, QStringLiteral("success"));
        readable(Ui::Theme::danger(palette), window, QStringLiteral("danger"));
        readable(Ui::Theme::waiting(palette), window, QStringLiteral("waiting"));
        readable(Ui::Theme::secondaryText(palette), window, QStringLiteral("secondary text"));
        readable(Ui::Theme::colorText(Core::Color::Blue, palette), window, QStringLiteral("BLUE"));
        readable(Ui::Theme::colorText(Core::Color::Green, palette), window, QStringLiteral("GREEN"));
        readable(Qt::white, Ui::Theme::dangerFill, QStringLiteral("Rollback button"));
        readable(QColor(0x5f, 0x11, 0x11), QColor(0xfd, 0xec, 0xea), QStringLiteral("failure banner"));
    }

    void contrastRatio_isWcags()
    {
        QCOMPARE(qRound(Ui::Theme::contrastRatio(Qt::black, Qt::white)), 21);
        QCOMPARE(Ui::Theme::contrastRatio(Qt::white, Qt::white), 1.0);
        QVERIFY(qAbs(Ui::Theme::contrastRatio(QColor(0x76, 0x76, 0x76), Qt::white) - 4.54) < 0.01);
        QVERIFY(Ui::Theme::isDark(darkPalette()));
        QVERIFY(!Ui::Theme::isDark(lightPalette()));
    }

    // The panel paints its readiness bar itself: what is on screen (the window's backing store, not
    // a fresh render) follows every change of ready replicas, down as well as up, and more ready
    // than desired (scaling down) is a full bar.
    void readinessBar_onScreen_followsReadyOfDesired()
    {
        Ui::EnvironmentPanel panel(Core::Color::Blue);
        panel.resize(420, 400);
        Core::ReleaseSnapshot release;
        release.name = QStringLiteral("wide");
        release.blue.present = true;
        const auto show = [&](int ready, int desired) {
            release.blue.readyReplicas = ready;
            release.blue.desiredReplicas = desired;
            panel.setRelease(release);
        };
        show(1000, 1000);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const auto *bar = panel.findChild<QProgressBar *>(QStringLiteral("readinessBar"));
        QVERIFY(bar);
        const QColor accent = Ui::Theme::color(Core::Color::Blue);
        // A point at 90 % of the bar's width, in the middle of its height.
        const QPoint at = bar->mapTo(&panel, QPoint(bar->width() * 9 / 10, bar->height() / 2));
        const auto onScreen = [&] { return QColor(panel.screen()->grabWindow(panel.winId()).toImage().pixel(at)); };
        QTRY_COMPARE(onScreen(), accent);
        show(2, 1000);
        QTRY_VERIFY2(onScreen() != accent, "2 of 1000 ready still shows a full bar");
        show(5, 3);
        QTRY_COMPARE(onScreen(), accent);
    }

    // The console in the dark palette: the list's health words and the panel titles read as such.
    void console_inADarkPalette()
    {
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        QTRY_VERIFY(text("connectionLabel", nullptr).contains(QStringLiteral("live")));
        const QPalette palette = window()->palette();
        QVERIFY(Ui::Theme::isDark(palette));
        QVERIFY(Ui::Theme::contrastRatio(Ui::Theme::healthColor(QStringLiteral("healthy"), palette),
                                         palette.color(QPalette::Base)) >= 4.5);
        QCOMPARE(child<QLabel>("titleLabel", "greenPanel")->palette().color(QPalette::WindowText),
                 Ui::Theme::colorText(Core::Color::Green, palette));
        // The pods are in the panels too (read after the release), in the same palette.
        QTRY_COMPARE(window()->findChild<Ui::EnvironmentPanel *>(QStringLiteral("greenPanel"))->podCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(window()->findChild<Ui::EnvironmentPanel *>(QStringLiteral("bluePanel"))->podCount(),
                                  4, 10'000);
        Test::saveScreenshot(window(), QStringLiteral("dark"));
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
