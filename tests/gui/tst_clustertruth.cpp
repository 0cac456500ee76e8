// What the console shows is the cluster's state: after an Argo Rollback the panels follow the
// controller's ReplicaSets as the watch delivers them (no action read-back ever overwrites a newer
// state), and a console whose server went silent says how old its data is and lets nothing but
// Rollback through.

#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

#include "testsupport.h"

#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace Curtain;
using nlohmann::json;

class TestClusterTruth : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sim::DemoCluster> m_demo;
    std::unique_ptr<Test::ApiReader> m_api;
    std::unique_ptr<Net::NetworkThread> m_network;
    std::unique_ptr<Ui::MainWindow> m_window;

    QString text(const char *label, const char *inside) const
    {
        QWidget *parent = m_window->findChild<QWidget *>(QLatin1String(inside));
        const QLabel *l = parent ? parent->findChild<QLabel *>(QLatin1String(label)) : nullptr;
        return l ? l->text() : QString();
    }

    // The stable ReplicaSet of payments as an independent client reads it: its revision, and ready
    // of desired replicas — once the controller has finished with it (Healthy, every pod ready).
    std::optional<std::pair<QString, QString>> settledStable() const
    {
        const auto rollout = m_api->get("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments");
        const auto sets = m_api->get("/apis/apps/v1/namespaces/demo/replicasets");
        if (!rollout || !sets) {
            return std::nullopt;
        }
        const std::string stableHash = rollout->value("/status/stableRS"_json_pointer, "");
        if (stableHash.empty() || rollout->value("/status/currentPodHash"_json_pointer, "") != stableHash ||
            rollout->value("/status/abort"_json_pointer, false)) {
            return std::nullopt; // the controller is not done yet
        }
        for (const json &rs : sets->value("items", json::array())) {
            if (rs.value("/metadata/labels/rollouts-pod-template-hash"_json_pointer, "") != stableHash) {
                continue;
            }
            const long long desired = rs.value("/spec/replicas"_json_pointer, 0LL);
            const long long ready = rs.value("/status/readyReplicas"_json_pointer, 0LL);
            if (desired == 0 || ready != desired) {
                return std::nullopt;
            }
            return std::make_pair(QStringLiteral("revision %1")
                                      .arg(QString::fromStdString(rs.value(
                                          "/metadata/annotations/rollout.argoproj.io~1revision"_json_pointer, ""))),
                                  QStringLiteral("%1 of %2 replicas ready").arg(ready).arg(desired));
        }
        return std::nullopt;
    }

    void click(const char *name)
    {
        auto *button = m_window->findChild<QPushButton *>(QLatin1String(name));
        QVERIFY2(button, name);
        QTRY_VERIFY2_WITH_TIMEOUT(button->isEnabled(), qPrintable(button->toolTip()), 15000);
        QTest::mouseClick(button, Qt::LeftButton);
    }

private Q_SLOTS:
    void init()
    {
        std::string error;
        m_demo = Sim::startBuiltinDemo(&error);
        QVERIFY2(m_demo, error.c_str());
        const std::string url = m_demo->url();
        m_api = std::make_unique<Test::ApiReader>(std::stoi(url.substr(url.rfind(':') + 1)));
        m_network = std::make_unique<Net::NetworkThread>();
        auto *engine =
            new Engine::ReleaseEngine(m_network->http(), {QStringLiteral("demo"), QString::fromStdString(url)});
        m_network->adopt(engine);
        m_window = std::make_unique<Ui::MainWindow>(engine, QStringLiteral("demo"));
        m_window->resize(1280, 800);
        m_window->show();
        engine->start();
        engine->enableMetrics(250);
    }

    void cleanup()
    {
        m_window.reset();
        m_network.reset();
        m_demo.reset();
    }

    void argoRollback_panelsFollowTheControllerNotTheReadBack()
    {
        m_window->selectRelease(QStringLiteral("payments"));
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("step 1/6")), 20000);
        click("rollbackButton"); // abort + undo to the stable revision
        QTRY_VERIFY_WITH_TIMEOUT(m_window->lastActionText().contains(QStringLiteral("✓")), 20000);
        // The controller goes on after the verdict (pods start, the old revision scales down): once
        // it is done, the stable panel shows exactly that within a second — not the read-back's copy.
        std::optional<std::pair<QString, QString>> cluster;
        QTRY_VERIFY_WITH_TIMEOUT((cluster = settledStable()).has_value(), 30000);
        const char *panel = text("roleLabel", "bluePanel") == QLatin1String("stable") ? "bluePanel" : "greenPanel";
        QTRY_VERIFY2_WITH_TIMEOUT(text("statusLabel", panel).contains(cluster->first) &&
                                      text("replicasLabel", panel) == cluster->second,
                                  qPrintable(QStringLiteral("cluster: %1, %2; console: %3, %4")
                                                 .arg(cluster->first, cluster->second, text("statusLabel", panel),
                                                      text("replicasLabel", panel))),
                                  1000);
    }
};

QTEST_MAIN(TestClusterTruth)
#include "tst_clustertruth.moc"
