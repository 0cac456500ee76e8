// The fleet table: what needs attention first, unreachable contexts as rows of their own.

#include "models/fleetmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace Curtain;

namespace {

Core::ReleaseSnapshot release(const QString &name, int candidateWeight, int candidateReady = 2,
                              const QString &ns = QStringLiteral("shop"))
{
    Core::ReleaseSnapshot r;
    r.name = name;
    r.namespaceName = ns;
    r.routeKind = Core::RouteKind::HttpRoute;
    r.blue = {Core::Color::Blue,
              true,
              name + QStringLiteral("-blue"),
              QStringLiteral("v1"),
              2,
              2,
              100 - candidateWeight,
              {},
              true,
              {},
              {}};
    r.green = {Core::Color::Green,
               true,
               name + QStringLiteral("-green"),
               QStringLiteral("v2"),
               2,
               candidateReady,
               candidateWeight,
               {},
               true,
               {},
               {}};
    return r;
}

} // namespace

class TestFleetModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rows_needingAttentionComeFirst()
    {
        Models::FleetModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReleases(QStringLiteral("prod-eu"),
                          {release(QStringLiteral("a-healthy"), 0), release(QStringLiteral("b-canary"), 5)});
        model.setReleases(QStringLiteral("prod-us"), {release(QStringLiteral("c-degraded"), 10, 0)});
        model.setUnreachable(QStringLiteral("prod-ap"), QStringLiteral("cannot reach https://ap.example:6443"));
        QCOMPARE(model.rowCount(), 4);
        auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(cell(0, Models::FleetModel::Context), QStringLiteral("prod-ap"));
        QVERIFY(cell(0, Models::FleetModel::Health).contains(QStringLiteral("cannot reach")));
        QCOMPARE(cell(1, Models::FleetModel::Release), QStringLiteral("c-degraded"));
        QCOMPARE(cell(2, Models::FleetModel::Release), QStringLiteral("b-canary"));
        QCOMPARE(cell(3, Models::FleetModel::Release), QStringLiteral("a-healthy"));
    }

    void reachableAgain_replacesTheUnreachableRow()
    {
        Models::FleetModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setUnreachable(QStringLiteral("prod-us"), QStringLiteral("timeout"));
        model.setReleases(QStringLiteral("prod-us"), {release(QStringLiteral("x"), 0)});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, Models::FleetModel::Health).data().toString(), QStringLiteral("healthy"));
    }

    void sameName_inTwoNamespacesAndTwoContexts_isFourRows_eachWithItsKey()
    {
        Models::FleetModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString checkout = QStringLiteral("checkout");
        for (const QString &context : {QStringLiteral("prod-eu"), QStringLiteral("prod-us")}) {
            model.setReleases(context, {release(checkout, 0, 2, QStringLiteral("shop")),
                                        release(checkout, 10, 2, QStringLiteral("shop-eu"))});
        }
        QCOMPARE(model.rowCount(), 4);
        const Core::ReleaseKey shopEu{QStringLiteral("shop-eu"), checkout};
        const int row = model.rowOf(QStringLiteral("prod-us"), shopEu);
        QVERIFY(row >= 0);
        // What a double-click opens: this context's shop-eu checkout, not the first checkout listed.
        QCOMPARE(model.index(row, 0).data(Models::FleetModel::ContextRole).toString(), QStringLiteral("prod-us"));
        QCOMPARE(model.index(row, 0).data(Models::FleetModel::ReleaseKeyRole).value<Core::ReleaseKey>(), shopEu);
        QCOMPARE(model.index(row, Models::FleetModel::Namespace).data().toString(), QStringLiteral("shop-eu"));
        QCOMPARE(model.index(row, Models::FleetModel::CandidateWeight).data().toString(), QStringLiteral("10 %"));
        QVERIFY(model.rowOf(QStringLiteral("prod-us"), {QStringLiteral("shop"), checkout}) != row);
        QCOMPARE(model.rowOf(QStringLiteral("prod-ap"), shopEu), -1);
    }

    void unreachableRow_namesNoRelease()
    {
        Models::FleetModel model;
        model.setUnreachable(QStringLiteral("prod-ap"), QStringLiteral("timeout"));
        QVERIFY(!model.index(0, 0).data(Models::FleetModel::ReleaseKeyRole).isValid());
    }
};

QTEST_GUILESS_MAIN(TestFleetModel)
#include "tst_fleetmodel.moc"
