#pragma once

#include "core/clusterendpoint.h"
#include "engine/session.h"
#include "sim/scenario.h"
#include "sim/serveroptions.h"

#include <QLabel>
#include <QObject>
#include <QPushButton>
#include <QSize>
#include <QTest>

#include <QTemporaryDir>

#include <memory>

namespace Curtain::Engine {
class ReleaseEngine;
}
namespace Curtain::Net {
class NetworkThread;
}
namespace Curtain::Sim {
class DemoCluster;
}
namespace Curtain::Ui {
class ConfirmMoveDialog;
class MainWindow;
} // namespace Curtain::Ui

namespace Curtain::Test {

class ApiReader;

// The question showing in `window` now, if any: a move towards an unproven version asks it in the
// click's own event, so it shows at once or not at all.
Ui::ConfirmMoveDialog *findVisibleConfirmation(QWidget *window);
// Saves `widget` as NAME.png into $CURTAIN_SCREENSHOTS when it is set (for the README's pictures
// of states only a test reaches, such as an open confirmation).
void saveScreenshot(QWidget *widget, const QString &name);
// Answers that question with its confirm button, typing the release's name first when asked to.
void confirmMove(QWidget *window);
// The first column of every list in `window`: the releases it shows (for windows this fixture did
// not open, such as the window manager's).
QStringList listedIn(QWidget *window);
// The text of label `label` inside widget `inside` of `window`, or "<no LABEL in INSIDE>".
QString labelIn(QWidget *window, const char *label, const char *inside);
// The error percentage an environment panel's metrics line shows, or -1 before it has traffic.
double shownErrorPercent(const QString &metricsText);

// The one GUI fixture: every test function gets a fresh in-process demo cluster, an engine on its
// own network thread and a MainWindow shown offscreen (KeePassXC's GuiTestBase), so each function
// can run alone. Subclasses adjust the cluster and the engine through the virtual hooks.
class GuiTestBase : public QObject
{
    Q_OBJECT

public:
    GuiTestBase();
    ~GuiTestBase() override;

protected:
    virtual std::string scenarioText() const { return Sim::builtinScenarioText(); }
    virtual Sim::ServerOptions serverOptions() const { return {}; } // e.g. RBAC rules
    virtual void adjustEndpoint(Core::ClusterEndpoint &) const {}
    virtual int metricsIntervalMs() const { return 0; } // 0: no metrics polling
    virtual int liveBoundMs() const { return 0; }       // ReleaseEngine::setLiveBound; 0: its 15 s
    virtual QSize windowSize() const { return {1280, 800}; }
    virtual QString clusterDescription() const { return QStringLiteral("demo"); }

    Ui::MainWindow *window() const { return m_window.get(); }
    Sim::DemoCluster *demo() const { return m_demo.get(); }
    ApiReader *api() const { return m_api.get(); }
    void closeWindow(); // before an engine it points at goes away

    template <typename T>
    T *child(const char *name, const char *inside = nullptr) const
    {
        QWidget *parent = inside ? findWidget(inside) : rootWidget();
        return parent ? parent->template findChild<T *>(QLatin1String(name)) : nullptr;
    }
    // The window is live on the demo's releases, with catalog selected and its green pods ready.
    // False, with what the window showed instead as a warning, when it does not get there in 10 s.
    [[nodiscard]] bool waitForDemoReady() const;
    // A label's text, or empty when there is no such label.
    QString text(const char *label, const char *inside = nullptr) const;
    // Clicks a button once it is enabled (its tooltip says why while it is not).
    void click(const char *button);
    // Clicks a button that moves traffic towards the candidate and confirms the question it asks.
    void clickAndConfirm(const char *button);

private Q_SLOTS:
    void init();
    void cleanup();

private:
    QWidget *rootWidget() const;
    QWidget *findWidget(const char *name) const;

    std::unique_ptr<Sim::DemoCluster> m_demo;
    std::unique_ptr<ApiReader> m_api;
    Engine::SessionPtr m_session;
    std::unique_ptr<Ui::MainWindow> m_window;
    std::unique_ptr<QTemporaryDir> m_journalDir;
};

} // namespace Curtain::Test
