// What the console shows is the cluster's state: after an Argo Rollback the panels follow the
// controller's ReplicaSets as the watch delivers them (no action read-back ever overwrites a newer
// state), and a console whose server went silent says how old its data is and lets nothing but
// Rollback through.

#include "mainwindow.h"

#include "guitestbase.h"
#include "testsupport.h"

#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace Curtain;
using nlohmann::json;

class TestClusterTruth : public Test::GuiTestBase
{
    Q_OBJECT

    int metricsIntervalMs() const override { return 250; }

    // The stable ReplicaSet of payments as an independent client reads it: its revision, and ready
    // of desired replicas — once the controller has finished with it (Healthy, every pod ready).
    std::optional<std::pair<QString, QString>> settledStable() const
    {
        const auto rollout = api()->get("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments");
        const auto sets = api()->get("/apis/apps/v1/namespaces/demo/replicasets");
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

private Q_SLOTS:
    void argoRollback_panelsFollowTheControllerNotTheReadBack()
    {
        window()->selectRelease(QStringLiteral("payments"));
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("step 1/6")), 20000);
        click("rollbackButton"); // abort + undo to the stable revision
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")), 20000);
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
