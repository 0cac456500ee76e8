// Actions the user may not perform are offered disabled, naming the missing permission — checked
// with SelfSubjectAccessReview against a demo cluster whose RBAC rules deny patching Services and
// reaching them through the service proxy (which Flagger's loadtester gates need).

#include "engine/releaseengine.h"
#include "engine/session.h"
#include "mainwindow.h"
#include "sim/democluster.h"

#include "guitestbase.h"
#include "testsupport.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestPermissions : public Test::GuiTestBase
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // The sim's Flagger may analyse every second (the test below sets podinfo's interval to 1 s).
    std::string scenarioText() const override
    {
        return "flaggerMinimumIntervalSeconds: 1\n" + Sim::builtinScenarioText();
    }
    Sim::ServerOptions serverOptions() const override
    {
        const QString path = m_dir.filePath(QStringLiteral("rbac.yaml"));
        QFile rules(path);
        if (rules.open(QIODevice::WriteOnly)) {
            rules.write("deny:\n  - {verb: patch, resource: services, namespace: demo}\n"
                        "  - {verb: create, resource: services/proxy, namespace: demo}\n");
        }
        Sim::ServerOptions options;
        options.rbacFile = path.toStdString();
        return options;
    }
    void adjustEndpoint(Core::ClusterEndpoint &endpoint) const override
    {
        endpoint.insecureSkipTlsVerify = true; // plain HTTP here; only the warning is under test
    }
    QString clusterDescription() const override { return QStringLiteral("demo with RBAC"); }

    QPushButton *button(const char *name) const { return window()->findChild<QPushButton *>(QLatin1String(name)); }

private Q_SLOTS:
    void deniedPatch_disablesFlipAndNamesThePermission()
    {
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        window()->selectRelease(QStringLiteral("checkout"));
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("checkout"));
        QTRY_VERIFY(!button("flipButton")->isEnabled());
        QVERIFY2(
            button("flipButton")->toolTip().contains(QStringLiteral("You may not patch services in namespace demo")),
            qPrintable(button("flipButton")->toolTip()));
        QVERIFY(button("rollbackButton")->isVisible()); // never hidden
    }

    // The demo's podinfo rolls back through its loadtester's rollback gate: without the proxy, the
    // button says which permission that needs. Patching Canaries stays allowed.
    void deniedServiceProxy_disablesTheGateActions()
    {
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        window()->selectRelease(QStringLiteral("podinfo"));
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("podinfo"));
        // Flagger starts its analysis at its first interval (a new interval starts it at once); from
        // then on Rollback applies.
        QCOMPARE(api()->patch("/apis/flagger.app/v1beta1/namespaces/demo/canaries/podinfo",
                              "application/merge-patch+json", R"({"spec":{"analysis":{"interval":"1s"}}})"),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(button("rollbackButton")
                                     ->toolTip()
                                     .contains(QStringLiteral("You may not create services/proxy in namespace demo")),
                                 40000);
        QVERIFY(!button("rollbackButton")->isEnabled());
        QVERIFY(button("rollbackButton")->isVisible());
    }

    void insecureCluster_showsAWarningThatStays()
    {
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        auto *warning = window()->findChild<QWidget *>(QStringLiteral("insecureWarning"));
        QVERIFY(warning);
        QVERIFY(warning->isVisible());
    }

    void allowedRoute_keepsItsActions()
    {
        window()->selectRelease(QStringLiteral("catalog"));
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        // Green as big as blue (4): a flip to a smaller color is refused for capacity.
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green", "application/merge-patch+json",
                              R"({"spec":{"replicas":4}})"),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(button("flipButton")->isEnabled(), 20000);
        QVERIFY(button("promoteButton")->isEnabled());
    }

    void switchingCluster_showsTheOtherClustersState()
    {
        // The context switcher hands the window another cluster's engine: here one without RBAC rules.
        std::string error;
        auto other = Sim::startBuiltinDemo(&error);
        QVERIFY2(other, error.c_str());
        const Engine::SessionPtr session =
            Engine::Session::openEndpoint({QStringLiteral("other"), QString::fromStdString(other->url())});
        Engine::ReleaseEngine *engine = session->engine();
        window()->setEngine(engine, QStringLiteral("other cluster"));
        engine->start();
        window()->selectRelease(QStringLiteral("checkout"));
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("checkout"));
        QTRY_VERIFY(button("flipButton")->isEnabled()); // this cluster lets us patch Services
        QVERIFY(!window()->findChild<QWidget *>(QStringLiteral("insecureWarning"))->isVisible());
        QCOMPARE(window()->findChild<QLabel *>(QStringLiteral("clusterLabel"))->text(),
                 QStringLiteral("Cluster: other cluster"));
        closeWindow(); // before the engine it points at goes away with `session`
    }
};

QTEST_MAIN(TestPermissions)
#include "tst_permissions.moc"
