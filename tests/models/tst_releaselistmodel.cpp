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
    r.blue = {Core::Color::Blue, true, name + QStringLiteral("-blue"), stableVersion, 2, 2, 100, {}, true, {}};
    r.green = {Core::Color::Green, true, name + QStringLiteral("-green"), QStringLiteral("v9"), 2, 2, 0, {}, true, {}};
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
};

QTEST_GUILESS_MAIN(TestReleaseListModel)
#include "tst_releaselistmodel.moc"
