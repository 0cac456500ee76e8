// A flag rollout's two variants run in their own Deployments behind one Service, so the only way to
// judge the candidate against stable is the `variant` label on the application's metrics. Here the
// personalized variant fails a third of its requests and the classic one never fails: each panel
// must show its own variant's numbers, which a merged scrape could not do for either.

#include "engine/releaseengine.h"
#include "engine/session.h"
#include "guitestbase.h"
#include "mainwindow.h"
#include "sim/democluster.h"
#include "sim/scenario.h"
#include "testsupport.h"

#include <QLabel>
#include <QTest>

using namespace Curtain;

namespace {

const std::string scenarioText = "namespace: shop\n"
                                 "releases:\n"
                                 "  - name: recommendations\n"
                                 "    route: featureflag\n"
                                 "    requestsPerSecond: 300\n"
                                 "    weights: {blue: 50, green: 50}\n"
                                 "    variants: {blue: classic, green: personalized}\n"
                                 "    environments:\n"
                                 "      blue:  {version: v1.0.0, replicas: 1}\n"
                                 "      green: {version: v1.1.0, replicas: 1}\n"
                                 "behaviour:\n"
                                 "  recommendations:v1.0.0: {errorRate: 0.0, p50Ms: 40, p99Ms: 140}\n"
                                 "  recommendations:v1.1.0: {errorRate: 0.33, p50Ms: 40, p99Ms: 140}\n";

} // namespace

class TestFlagMetrics : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sim::DemoCluster> m_sim;
    Engine::SessionPtr m_session;
    std::unique_ptr<Ui::MainWindow> m_window;

    QString metricsOf(const char *panel) const { return Test::labelIn(m_window.get(), "metricsLabel", panel); }

private Q_SLOTS:
    void init()
    {
        auto parsed = Sim::parseScenario(scenarioText);
        if (const auto *problem = std::get_if<std::string>(&parsed)) {
            QFAIL(problem->c_str());
        }
        m_sim = std::make_unique<Sim::DemoCluster>(std::move(std::get<Sim::Scenario>(parsed)));
        std::string error;
        QVERIFY2(m_sim->start("127.0.0.1", 0, &error) > 0, error.c_str());
        m_session = Engine::Session::openEndpoint({QStringLiteral("shop"), QString::fromStdString(m_sim->url())});
        Engine::ReleaseEngine *engine = m_session->engine();
        m_window = std::make_unique<Ui::MainWindow>(engine, QStringLiteral("shop"));
        m_window->resize(1280, 800);
        m_window->show();
        engine->start();
        engine->enableMetrics(250);
    }

    void cleanup()
    {
        m_window.reset();
        m_session.reset();
        m_sim.reset();
    }

    void eachPanel_showsItsOwnVariantsErrors()
    {
        m_window->selectRelease({QStringLiteral("shop"), QStringLiteral("recommendations")});
        QTRY_VERIFY_WITH_TIMEOUT(Test::shownErrorPercent(metricsOf("greenPanel")) > 20.0, 20000);
        QTRY_COMPARE(Test::shownErrorPercent(metricsOf("bluePanel")), 0.0);
        QVERIFY2(!metricsOf("bluePanel").contains(QLatin1String("no traffic")), qPrintable(metricsOf("bluePanel")));
    }
};

QTEST_MAIN(TestFlagMetrics)
#include "tst_flagmetrics.moc"
