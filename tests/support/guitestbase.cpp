#include "guitestbase.h"

#include "confirmmovedialog.h"
#include "engine/releaseengine.h"
#include "engine/session.h"
#include "mainwindow.h"
#include "settings.h"
#include "sim/democluster.h"
#include "sim/scenario.h"

#include "testsupport.h"

#include <QAbstractItemView>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace Curtain::Test {

Ui::ConfirmMoveDialog *findVisibleConfirmation(QWidget *window)
{
    for (auto *dialog : window->findChildren<Ui::ConfirmMoveDialog *>()) {
        if (dialog->isVisible()) {
            return dialog;
        }
    }
    return nullptr;
}

QStringList listedIn(QWidget *window)
{
    QStringList names;
    for (const QAbstractItemView *view : window->findChildren<QAbstractItemView *>()) {
        const QAbstractItemModel *model = view->model();
        for (int row = 0; model && row < model->rowCount(); ++row) {
            names << model->index(row, 0).data().toString();
        }
    }
    return names;
}

QString labelIn(QWidget *window, const char *label, const char *inside)
{
    auto *parent = window->findChild<QWidget *>(QString::fromLatin1(inside));
    auto *found = parent ? parent->findChild<QLabel *>(QString::fromLatin1(label)) : nullptr;
    return found ? found->text() : QStringLiteral("<no %1 in %2>").arg(QLatin1String(label), QLatin1String(inside));
}

double shownErrorPercent(const QString &metricsText)
{
    static const QRegularExpression errors(QStringLiteral("errors ([0-9.]+) %"));
    const QRegularExpressionMatch match = errors.match(metricsText);
    return match.hasMatch() ? match.captured(1).toDouble() : -1.0;
}

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString directory = qEnvironmentVariable("CURTAIN_SCREENSHOTS");
    if (!directory.isEmpty()) {
        QVERIFY2(widget->grab().save(directory + QLatin1Char('/') + name + QStringLiteral(".png")), qPrintable(name));
    }
}

void confirmMove(QWidget *window)
{
    Ui::ConfirmMoveDialog *dialog = findVisibleConfirmation(window);
    QVERIFY2(dialog, "no confirmation was asked for");
    if (auto *typed = dialog->findChild<QLineEdit *>(QStringLiteral("typedReleaseName"))) {
        QTest::keyClicks(typed, typed->placeholderText());
    }
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
    QVERIFY(confirm && confirm->isEnabled());
    QTest::mouseClick(confirm, Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    // A window manager gives the focus back to the window the dialog belonged to; offscreen, no one
    // does, and its shortcuts (Ctrl+R) would go nowhere.
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
}

GuiTestBase::GuiTestBase()
{
    QStandardPaths::setTestModeEnabled(true); // settings live in a test location, never the user's
}

GuiTestBase::~GuiTestBase() = default;

void GuiTestBase::init()
{
    Ui::Settings::clear(); // every function starts from the defaults
    // …and with a journal of its own (the history of what it did, and nothing else).
    m_journalDir = std::make_unique<QTemporaryDir>();
    qputenv("CURTAIN_JOURNAL", m_journalDir->filePath(QStringLiteral("journal.jsonl")).toUtf8());
    auto scenario = Sim::parseScenario(scenarioText());
    QVERIFY(std::holds_alternative<Sim::Scenario>(scenario));
    m_demo = std::make_unique<Sim::DemoCluster>(std::get<Sim::Scenario>(std::move(scenario)), serverOptions());
    std::string error;
    QVERIFY2(m_demo->start("127.0.0.1", 0, &error) > 0, error.c_str());
    const std::string url = m_demo->url();
    m_api = std::make_unique<ApiReader>(std::stoi(url.substr(url.rfind(':') + 1)));
    Core::ClusterEndpoint endpoint(QStringLiteral("demo"), QString::fromStdString(url));
    adjustEndpoint(endpoint);
    m_session = Engine::Session::openEndpoint(endpoint);
    Engine::ReleaseEngine *engine = m_session->engine();
    if (liveBoundMs() > 0) {
        engine->setLiveBound(liveBoundMs());
    }
    m_window = std::make_unique<Ui::MainWindow>(engine, clusterDescription());
    m_window->resize(windowSize());
    m_window->show();
    engine->start();
    if (metricsIntervalMs() > 0) {
        engine->enableMetrics(metricsIntervalMs());
    }
}

void GuiTestBase::cleanup()
{
    m_window.reset();      // before the engine it points at
    Ui::Settings::flush(); // what it remembered is written before the next function clears it
    m_session.reset();
    m_api.reset();
    m_demo.reset();
}

void GuiTestBase::closeWindow()
{
    m_window.reset();
}

QWidget *GuiTestBase::rootWidget() const
{
    return m_window.get();
}

QWidget *GuiTestBase::findWidget(const char *name) const
{
    return m_window ? m_window->findChild<QWidget *>(QLatin1String(name)) : nullptr;
}

QString GuiTestBase::text(const char *label, const char *inside) const
{
    const QLabel *l = child<QLabel>(label, inside);
    return l ? l->text() : QString();
}

bool GuiTestBase::waitForDemoReady() const
{
    const auto ready = [this] {
        return window()->selectedRelease().name == QLatin1String("catalog") &&
               text("connectionLabel").contains(QLatin1String("live")) &&
               text("replicasLabel", "greenPanel") == QLatin1String("2 of 2 replicas ready");
    };
    if (QTest::qWaitFor(ready, 10'000)) {
        return true;
    }
    qWarning("not ready: selected %s, connection \"%s\", green \"%s\"",
             qPrintable(window()->selectedRelease().toString()), qPrintable(text("connectionLabel")),
             qPrintable(text("replicasLabel", "greenPanel")));
    return false;
}

void GuiTestBase::click(const char *button)
{
    QPushButton *b = child<QPushButton>(button);
    QVERIFY2(b, button);
    QTRY_VERIFY2(b->isEnabled(), qPrintable(b->toolTip()));
    QTest::mouseClick(b, Qt::LeftButton);
}

void GuiTestBase::clickAndConfirm(const char *button)
{
    click(button);
    confirmMove(m_window.get());
}

} // namespace Curtain::Test
