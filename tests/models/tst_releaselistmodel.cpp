// The release list knows a release by namespace and name: two `checkout`s of two namespaces are two
// rows, each found by its own key, and the list says which namespace each is in.

#include "models/releaselistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Curtain;

namespace {

Core::ReleaseSnapshot release(const QString &ns, const QString &name, const QString &stableVersion)
{
    Core::ReleaseSnapshot r;
    r.namespaceName = ns;
    r.name = name;
    r.routeKind = Core::RouteKind::HttpRoute;
    r.routeName = name;
    r.blue = {Core::Color::Blue, true, name + QStringLiteral("-blue"), stableVersion, 2, 2, 100, {}, true, {}, {}};
    r.green = {
        Core::Color::Green, true, name + QStringLiteral("-green"), QStringLiteral("v9"), 2, 2, 0, {}, true, {}, {}};
    return r;
}

const Core::ReleaseKey shop{QStringLiteral("shop"), QStringLiteral("checkout")};
const Core::ReleaseKey shopEu{QStringLiteral("shop-eu"), QStringLiteral("checkout")};

} // namespace

class TestReleaseListModel : public QObject
{
    Q_OBJECT

    static QString cell(const Models::ReleaseListModel &model, int row, int column)
    {
        return model.index(row, column).data().toString();
    }

private Q_SLOTS:
    void key_readsAndWritesNamespaceSlashName()
    {
        QCOMPARE(shopEu.toString(), QStringLiteral("shop-eu/checkout"));
        QCOMPARE(Core::ReleaseKey::fromString(QStringLiteral("shop-eu/checkout")), shopEu);
        const Core::ReleaseKey bare = Core::ReleaseKey::fromString(QStringLiteral("checkout"));
        QVERIFY(bare.namespaceName.isEmpty());
        QCOMPARE(bare.toString(), QStringLiteral("checkout"));
        QVERIFY(shop != shopEu);
        QVERIFY(shop < shopEu);
        QVERIFY(qHash(shop) != qHash(shopEu));
        QVERIFY(bare.matches(shop) && bare.matches(shopEu) && !shop.matches(shopEu));
    }

    void sameNameInTwoNamespaces_isTwoRows_eachFoundByItsKey()
    {
        Models::ReleaseListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReleases({release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1")),
                           release(QStringLiteral("shop-eu"), QStringLiteral("checkout"), QStringLiteral("v2"))});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(shop), 0);
        QCOMPARE(model.rowOf(shopEu), 1);
        QCOMPARE(model.rowOf({QStringLiteral("shop-us"), QStringLiteral("checkout")}), -1);
        QCOMPARE(model.index(1, 0).data(Models::ReleaseListModel::ReleaseKeyRole).value<Core::ReleaseKey>(), shopEu);
        QCOMPARE(cell(model, model.rowOf(shopEu), Models::ReleaseListModel::StableVersion), QStringLiteral("v2"));
        // Several namespaces listed: the user reads which checkout is which.
        QVERIFY(model.severalNamespaces());
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Name), QStringLiteral("shop/checkout"));
        QCOMPARE(cell(model, 1, Models::ReleaseListModel::Name), QStringLiteral("shop-eu/checkout"));
        QCOMPARE(model.displayName(shopEu), QStringLiteral("shop-eu/checkout"));
    }

    void oneNamespace_showsTheBareName()
    {
        Models::ReleaseListModel model;
        model.setReleases({release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1")),
                           release(QStringLiteral("shop"), QStringLiteral("catalog"), QStringLiteral("v3"))});
        QVERIFY(!model.severalNamespaces());
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Name), QStringLiteral("checkout"));
        QCOMPARE(model.displayName(shop), QStringLiteral("checkout"));
        // A name typed by a user (no namespace) finds its release.
        QCOMPARE(model.rowOf(Core::ReleaseKey::fromString(QStringLiteral("catalog"))), 1);
    }

    // A route that cannot be read has no candidate share: "0 %" would say the candidate gets nothing.
    void unreadableRoute_showsNoShare()
    {
        Models::ReleaseListModel model;
        Core::ReleaseSnapshot broken =
            release(QStringLiteral("shop"), QStringLiteral("storefront"), QStringLiteral("v5"));
        broken.problem = QStringLiteral("canary Ingress storefront-canary has canary-weight \"150\"");
        model.setReleases({release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1")), broken});
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::CandidateWeight), QStringLiteral("0 %"));
        QCOMPARE(cell(model, 1, Models::ReleaseListModel::CandidateWeight), QStringLiteral("— %"));
    }

    void sameKeysAgain_changeCellsNotRows()
    {
        Models::ReleaseListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReleases({release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1")),
                           release(QStringLiteral("shop-eu"), QStringLiteral("checkout"), QStringLiteral("v2"))});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setReleases({release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1")),
                           release(QStringLiteral("shop-eu"), QStringLiteral("checkout"), QStringLiteral("v3"))});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell(model, 1, Models::ReleaseListModel::StableVersion), QStringLiteral("v3"));
        // The same names in swapped namespaces are other releases: the rows are rebuilt.
        model.setReleases({release(QStringLiteral("shop-eu"), QStringLiteral("checkout"), QStringLiteral("v3")),
                           release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1"))});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowOf(shop), 1);
    }

    // Serving 100 % at 3 % errors is not healthy, whatever the Deployments say; a candidate without
    // traffic, or a trickle too small to mean anything, changes nothing.
    void servingOverTheErrorBudget_readsDegradedAndSaysWhy()
    {
        Models::ReleaseListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Core::ReleaseSnapshot flipped =
            release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1"));
        flipped.blue.trafficPercent = 0;
        flipped.green.trafficPercent = 100;
        flipped.stable = Core::Color::Green;
        model.setReleases({flipped});
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy"));

        Core::ReleaseMetrics metrics{shop, {}, {}};
        metrics.blue = {0, 40.0, 0.30, 0.01, 0.05, true, 1200}; // no traffic is routed to blue: ignored
        metrics.green = {0, 40.0, 0.005, 0.01, 0.05, true, 1200};
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setMetrics(metrics);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy"));

        metrics.green.errorRatio = 0.0175; // 21 of 1,200: over 1 %, but one unlucky window could do that
        model.setMetrics(metrics);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy"));

        metrics.green.errorRatio = 0.031; // 37 of 1,200: more than luck
        model.setMetrics(metrics);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("degraded (metrics)"));
        QCOMPARE(model.index(0, Models::ReleaseListModel::Health).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("green serves 100 % at 3.1 % errors (budget 1.0 %)"));
        QVERIFY(Core::attentionRank(QStringLiteral("degraded (metrics)")) <
                Core::attentionRank(QStringLiteral("canary")));

        metrics.green.requestsPerSecond = 0.2; // a trickle: no verdict either way
        model.setMetrics(metrics);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy"));

        // Metrics of a release no longer listed are forgotten with it.
        metrics.green.requestsPerSecond = 40.0;
        model.setMetrics(metrics);
        model.setReleases({});
        model.setReleases({flipped});
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy"));
    }

    void latencyBudget_comesFromTheSavedPlan()
    {
        Models::ReleaseListModel model;
        Core::ReleaseSnapshot r = release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1"));
        Core::ReleaseMetrics metrics{shop, {0, 40.0, 0.0, 0.1, 0.9, true, 1200}, {}};
        model.setReleases({r});
        model.setMetrics(metrics);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy")); // no budget set
        r.savedPlan = Core::Plan{};
        r.savedPlan->judge.maxP99Seconds = 0.5;
        model.setReleases({r});
        model.setMetrics(metrics);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("degraded (metrics)"));
        QCOMPARE(model.index(0, Models::ReleaseListModel::Health).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("blue serves 100 % with p99 900 ms (budget 500 ms)"));
    }

    // After a plan rolled back on its own, the list says so until someone acknowledges it; a later
    // plan that rolls back again is a new mark.
    void automaticRollback_isMarkedUntilAcknowledged()
    {
        Models::ReleaseListModel model;
        Core::ReleaseSnapshot r = release(QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("v1"));
        Core::PlanProgress progress;
        progress.state = Core::PlanState::RolledBack;
        progress.startedAt = QDateTime(QDate(2026, 12, 2), QTime(12, 0), Qt::UTC);
        progress.heartbeat = QDateTime(QDate(2026, 12, 2), QTime(12, 3), Qt::UTC);
        progress.outcome =
            QStringLiteral("Rolled back automatically: green failed 4.4 % of requests against blue's 0.1 %");
        r.planProgress = progress;
        model.setReleases({r});
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("rolled back"));
        const QString tip = model.index(0, Models::ReleaseListModel::Health).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.startsWith(QStringLiteral("rolled back automatically ")), qPrintable(tip));
        QVERIFY2(tip.endsWith(QStringLiteral(" — green failed 4.4 % of requests against blue's 0.1 %")),
                 qPrintable(tip));

        model.acknowledgeRollback(shop, progress.startedAt);
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("healthy"));

        r.planProgress->startedAt = progress.startedAt.addSecs(3600); // the next plan rolled back too
        model.setReleases({r});
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("rolled back"));

        // Someone sends the candidate traffic again: the list says what runs now (it said "rolled
        // back" while 25 % went to green); the mark above the panels keeps the story.
        r.blue.trafficPercent = 75;
        r.green.trafficPercent = 25;
        model.setReleases({r});
        QCOMPARE(cell(model, 0, Models::ReleaseListModel::Health), QStringLiteral("canary"));
    }
};

QTEST_GUILESS_MAIN(TestReleaseListModel)
#include "tst_releaselistmodel.moc"
