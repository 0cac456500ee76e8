// Two releases named `checkout`, one in namespace shop and one in shop-eu, on one cluster watched in
// all namespaces: the console lists both, selects each on its own, keeps their metrics apart and
// moves only the one the user acts on (checked on the cluster).

#include "charts/metricchart.h"
#include "engine/releaseengine.h"
#include "engine/session.h"
#include "fleetwindow.h"
#include "mainwindow.h"
#include "models/fleetmodel.h"
#include "models/releaselistmodel.h"
#include "sim/democluster.h"

#include "guitestbase.h"
#include "testsupport.h"

#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Curtain;

namespace {

// The same release twice; shop-eu's stable version fails a quarter of its requests, so merged
// metrics could not pass for either.
std::string shopScenario(const std::string &ns, const std::string &stable, const std::string &candidate,
                         double errorRate)
{
    return "namespace: " + ns +
           "\n"
           "releases:\n"
           "  - name: checkout\n"
           "    route: httproute\n"
           "    requestsPerSecond: 200\n"
           "    weights: {blue: 100, green: 0}\n"
           "    environments:\n"
           "      blue:  {version: " +
           stable +
           ", replicas: 2}\n"
           "      green: {version: " +
           candidate +
           ", replicas: 2}\n"
           "behaviour:\n"
           "  checkout:" +
           stable + ": {errorRate: " + std::to_string(errorRate) +
           ", p50Ms: 40, p99Ms: 140}\n"
           "  checkout:" +
           candidate + ": {errorRate: 0.0, p50Ms: 40, p99Ms: 140}\n";
}

// Both namespaces in one cluster: the scenario format has one namespace per file.
Sim::Scenario twoShops(QString *error)
{
    Sim::Scenario merged;
    for (const std::string &text :
         {shopScenario("shop", "v1.0.0", "v1.1.0", 0.0), shopScenario("shop-eu", "v2.0.0", "v2.1.0", 0.25)}) {
        auto parsed = Sim::parseScenario(text);
        if (auto *problem = std::get_if<std::string>(&parsed)) {
            *error = QString::fromStdString(*problem);
            return {};
        }
        Sim::Scenario &part = std::get<Sim::Scenario>(parsed);
        merged.objects.insert(merged.objects.end(), part.objects.begin(), part.objects.end());
        merged.traffic.insert(merged.traffic.end(), part.traffic.begin(), part.traffic.end());
        merged.behaviours.insert(part.behaviours.begin(), part.behaviours.end());
    }
    merged.defaultBehaviour.errorRate = 0.0;
    return merged;
}

std::string routePath(const std::string &ns)
{
    return "/apis/gateway.networking.k8s.io/v1/namespaces/" + ns + "/httproutes/checkout";
}

} // namespace

class TestTwoNamespaces : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sim::DemoCluster> m_sim;
    std::unique_ptr<Test::ApiReader> m_api;
    Engine::SessionPtr m_session;
    std::unique_ptr<Ui::MainWindow> m_window;

    QTableView *list() const { return m_window->findChild<QTableView *>(QStringLiteral("releaseList")); }

    QString text(const char *label, const char *inside = nullptr) const
    {
        QWidget *parent = inside ? m_window->findChild<QWidget *>(QLatin1String(inside)) : m_window.get();
        const QLabel *l = parent ? parent->findChild<QLabel *>(QLatin1String(label)) : nullptr;
        return l ? l->text() : QString();
    }

    std::pair<long long, long long> weights(const std::string &ns) const
    {
        const auto route = m_api->get(routePath(ns));
        if (!route) {
            return {-1, -1};
        }
        const auto &refs = (*route)["spec"]["rules"][0]["backendRefs"];
        return {refs[0].value("weight", 1LL), refs[1].value("weight", 1LL)};
    }

    // Clicks the list row that shows `shown`, as a user would pick a release.
    void clickRow(const QString &shown)
    {
        QTableView *view = list();
        QTRY_VERIFY(view->model()->rowCount() == 2);
        const QModelIndexList rows = view->model()->match(view->model()->index(0, Models::ReleaseListModel::Name),
                                                          Qt::DisplayRole, shown, 1, Qt::MatchExactly);
        QVERIFY2(rows.size() == 1, qPrintable(shown));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(rows.front()).center());
    }

    void click(const char *button)
    {
        auto *b = m_window->findChild<QPushButton *>(QLatin1String(button));
        QVERIFY2(b, button);
        QTRY_VERIFY2(b->isEnabled(), qPrintable(b->toolTip()));
        QTest::mouseClick(b, Qt::LeftButton);
    }

private Q_SLOTS:
    void init()
    {
        QString error;
        Sim::Scenario scenario = twoShops(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_sim = std::make_unique<Sim::DemoCluster>(std::move(scenario));
        std::string startError;
        const int port = m_sim->start("127.0.0.1", 0, &startError);
        QVERIFY2(port > 0, startError.c_str());
        m_api = std::make_unique<Test::ApiReader>(port);
        // No namespace in the endpoint: the engine watches all namespaces.
        m_session = Engine::Session::openEndpoint({QStringLiteral("shops"), QString::fromStdString(m_sim->url())});
        Engine::ReleaseEngine *engine = m_session->engine();
        m_window = std::make_unique<Ui::MainWindow>(engine, QStringLiteral("shops"));
        m_window->resize(1280, 800);
        m_window->show();
        engine->start();
        engine->enableMetrics(250);
        QTRY_COMPARE(list()->model()->rowCount(), 2);
    }

    void cleanup()
    {
        m_window.reset();
        m_session.reset();
        m_api.reset();
        m_sim.reset();
    }

    void bothAreListed_withTheirNamespace()
    {
        QAbstractItemModel *model = list()->model();
        QStringList shown;
        for (int row = 0; row < model->rowCount(); ++row) {
            shown << model->index(row, Models::ReleaseListModel::Name).data().toString();
        }
        shown.sort();
        QCOMPARE(shown, QStringList({QStringLiteral("shop-eu/checkout"), QStringLiteral("shop/checkout")}));
    }

    void eachIsSelectable_andShowsItsOwnVersions()
    {
        clickRow(QStringLiteral("shop-eu/checkout"));
        QTRY_COMPARE(m_window->selectedRelease(),
                     (Core::ReleaseKey{QStringLiteral("shop-eu"), QStringLiteral("checkout")}));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v2.0.0"));
        QCOMPARE(text("releaseHeading"), QStringLiteral("shop-eu/checkout"));
        QVERIFY2(text("releaseSubheading").contains(QStringLiteral("shop-eu/checkout")),
                 qPrintable(text("releaseSubheading")));

        clickRow(QStringLiteral("shop/checkout"));
        QTRY_COMPARE(m_window->selectedRelease(),
                     (Core::ReleaseKey{QStringLiteral("shop"), QStringLiteral("checkout")}));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v1.0.0"));
        QCOMPARE(text("releaseHeading"), QStringLiteral("shop/checkout"));
    }

    void openFromFleet_selectsTheRightCheckout()
    {
        Models::FleetModel fleet;
        fleet.setReleases(QStringLiteral("shops"), m_window->findChild<Models::ReleaseListModel *>()->releases());
        Ui::FleetWindow window(&fleet);
        window.show();
        connect(&window, &Ui::FleetWindow::openRequested, m_window.get(),
                [this](const QString &, const Core::ReleaseKey &release) { m_window->selectRelease(release); });
        QSignalSpy opened(&window, &Ui::FleetWindow::openRequested);
        auto *table = window.findChild<QTableView *>(QStringLiteral("fleetTable"));
        const Core::ReleaseKey shopEu{QStringLiteral("shop-eu"), QStringLiteral("checkout")};
        for (const Core::ReleaseKey &key :
             {shopEu, Core::ReleaseKey{QStringLiteral("shop"), QStringLiteral("checkout")}}) {
            const QModelIndex cell =
                fleet.index(fleet.rowOf(QStringLiteral("shops"), key), Models::FleetModel::Release);
            QVERIFY(cell.isValid());
            const qsizetype before = opened.size();
            // What the view emits on a double-click (synthetic double-clicks do not reach it offscreen).
            Q_EMIT table->doubleClicked(cell);
            QCOMPARE(opened.size(), before + 1);
            QCOMPARE(opened.last().at(1).value<Core::ReleaseKey>(), key);
            QTRY_COMPARE(m_window->selectedRelease(), key);
            QTRY_COMPARE(text("versionLabel", "bluePanel"),
                         key == shopEu ? QStringLiteral("v2.0.0") : QStringLiteral("v1.0.0"));
        }
        QVERIFY(!opened.isEmpty());
        QCOMPARE(opened.first().at(0).toString(), QStringLiteral("shops"));
        QCOMPARE(opened.first().at(1).value<Core::ReleaseKey>(), shopEu);
    }

    void metrics_stayWithTheirRelease()
    {
        const auto *errors = m_window->findChild<Ui::MetricChart *>(QStringLiteral("errorChart"));
        QVERIFY(errors);
        clickRow(QStringLiteral("shop-eu/checkout"));
        QTRY_VERIFY_WITH_TIMEOUT(errors->pointCount() >= 8 && errors->maximumShown() > 10.0, 15000);
        QTRY_VERIFY(Test::shownErrorPercent(text("metricsLabel", "bluePanel")) > 10.0);

        // shop's stable version never fails: one sample of shop-eu's in its history would show.
        clickRow(QStringLiteral("shop/checkout"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v1.0.0"));
        QCOMPARE(Test::shownErrorPercent(text("metricsLabel", "bluePanel")), 0.0);
        QTRY_VERIFY(errors->pointCount() >= 8);
        QCOMPARE(errors->maximumShown(), 0.0);
    }

    void setWeight_movesOnlyTheSelectedOne()
    {
        clickRow(QStringLiteral("shop/checkout"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v1.0.0"));
        click("preset5");
        Test::confirmMove(m_window.get());
        QTRY_COMPARE(weights("shop"), std::make_pair(95LL, 5LL));
        QTRY_VERIFY2(m_window->lastActionText().contains(QStringLiteral("✓")), qPrintable(m_window->lastActionText()));
        QCOMPARE(weights("shop-eu"), std::make_pair(100LL, 0LL));

        clickRow(QStringLiteral("shop-eu/checkout"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v2.0.0"));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("0 %"));
        click("preset25");
        Test::confirmMove(m_window.get());
        QTRY_COMPARE(weights("shop-eu"), std::make_pair(75LL, 25LL));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("25 %"));
        QCOMPARE(weights("shop"), std::make_pair(95LL, 5LL));
        QVERIFY2(!m_window->lastActionText().contains(QStringLiteral("several namespaces")),
                 qPrintable(m_window->lastActionText()));
    }

    void rollback_movesOnlyTheSelectedOne()
    {
        clickRow(QStringLiteral("shop/checkout"));
        click("preset25");
        Test::confirmMove(m_window.get());
        QTRY_COMPARE(weights("shop"), std::make_pair(75LL, 25LL));
        clickRow(QStringLiteral("shop-eu/checkout"));
        click("preset50");
        Test::confirmMove(m_window.get());
        QTRY_COMPARE(weights("shop-eu"), std::make_pair(50LL, 50LL));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("50 %"));
        click("rollbackButton");
        QTRY_COMPARE(weights("shop-eu"), std::make_pair(100LL, 0LL));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("0 %"));
        QCOMPARE(weights("shop"), std::make_pair(75LL, 25LL));
    }
};

QTEST_MAIN(TestTwoNamespaces)
#include "tst_twonamespaces.moc"
