// Actions the user may not perform are offered disabled, naming the missing permission — checked
// with SelfSubjectAccessReview against a demo cluster whose RBAC rules deny patching Services.

#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

#include "testsupport.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestPermissions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Sim::DemoCluster> m_demo;
    std::unique_ptr<Net::NetworkThread> m_network;
    std::unique_ptr<Ui::MainWindow> m_window;

    QPushButton *button(const char *name) const { return m_window->findChild<QPushButton *>(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QFile rules(m_dir.filePath(QStringLiteral("rbac.yaml")));
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write("deny:\n  - {verb: patch, resource: services, namespace: demo}\n");
        rules.close();
        auto scenario = Sim::parseScenario(Sim::builtinScenarioText());
        QVERIFY(std::holds_alternative<Sim::Scenario>(scenario));
        Sim::ServerOptions options;
        options.rbacFile = rules.fileName().toStdString();
        m_demo = std::make_unique<Sim::DemoCluster>(std::get<Sim::Scenario>(std::move(scenario)), options);
        std::string error;
        QVERIFY2(m_demo->start("127.0.0.1", 0, &error) > 0, error.c_str());
        m_network = std::make_unique<Net::NetworkThread>();
        Core::ClusterEndpoint endpoint(QStringLiteral("demo"), QString::fromStdString(m_demo->url()));
        endpoint.insecureSkipTlsVerify = true; // plain HTTP here; only the warning is under test
        auto *engine = new Engine::ReleaseEngine(m_network->http(), endpoint);
        m_network->adopt(engine);
        m_window = std::make_unique<Ui::MainWindow>(engine, QStringLiteral("demo with RBAC"));
        m_window->resize(1280, 800);
        m_window->show();
        engine->start();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_network.reset();
        m_demo.reset();
    }

    void deniedPatch_disablesFlipAndNamesThePermission()
    {
        QTRY_COMPARE(m_window->selectedRelease().name, QStringLiteral("catalog"));
        m_window->selectRelease(QStringLiteral("checkout"));
        QTRY_COMPARE(m_window->selectedRelease().name, QStringLiteral("checkout"));
        QTRY_VERIFY(!button("flipButton")->isEnabled());
        QVERIFY2(
            button("flipButton")->toolTip().contains(QStringLiteral("You may not patch services in namespace demo")),
            qPrintable(button("flipButton")->toolTip()));
        QVERIFY(button("rollbackButton")->isVisible()); // never hidden
    }

    void insecureCluster_showsAWarningThatStays()
    {
        auto *warning = m_window->findChild<QWidget *>(QStringLiteral("insecureWarning"));
        QVERIFY(warning);
        QVERIFY(warning->isVisible());
    }

    void allowedRoute_keepsItsActions()
    {
        m_window->selectRelease(QStringLiteral("catalog"));
        QTRY_COMPARE(m_window->selectedRelease().name, QStringLiteral("catalog"));
        QTRY_VERIFY(button("flipButton")->isEnabled());
        QVERIFY(button("promoteButton")->isEnabled());
    }

    void switchingCluster_showsTheOtherClustersState()
    {
        // The context switcher hands the window another cluster's engine: here one without RBAC rules.
        std::string error;
        auto other = Sim::startBuiltinDemo(&error);
        QVERIFY2(other, error.c_str());
        Net::NetworkThread network;
        auto *engine =
            new Engine::ReleaseEngine(network.http(), {QStringLiteral("other"), QString::fromStdString(other->url())});
        network.adopt(engine);
        m_window->setEngine(engine, QStringLiteral("other cluster"));
        engine->start();
        m_window->selectRelease(QStringLiteral("checkout"));
        QTRY_COMPARE(m_window->selectedRelease().name, QStringLiteral("checkout"));
        QTRY_VERIFY(button("flipButton")->isEnabled()); // this cluster lets us patch Services
        QVERIFY(!m_window->findChild<QWidget *>(QStringLiteral("insecureWarning"))->isVisible());
        QCOMPARE(m_window->findChild<QLabel *>(QStringLiteral("clusterLabel"))->text(),
                 QStringLiteral("Cluster: other cluster"));
        m_window.reset(); // before the engine it points at goes away with `network`
    }
};

QTEST_MAIN(TestPermissions)
#include "tst_permissions.moc"
