// An engine closed while it drives plans (a context or namespace switch) tells whoever started each
// one that it stopped being driven, instead of dropping the promise without a result — which the
// window, like every caller of Core::onFinished, would never hear about.

#include "engine/drivenplans.h"

#include <QFuture>
#include <QTest>

using namespace Curtain;
using Curtain::Engine::DrivenPlans;

namespace {

DrivenPlans::Promise started()
{
    auto promise = std::make_shared<QPromise<Core::Result<Core::PlanProgress>>>();
    promise->start();
    return promise;
}

} // namespace

class TestDrivenPlans : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closing_endsEveryPlanStillDriven_namingIt()
    {
        const DrivenPlans::Promise catalog = started();
        const DrivenPlans::Promise search = started();
        {
            DrivenPlans plans;
            plans.add(QStringLiteral("demo/catalog"), catalog);
            plans.add(QStringLiteral("demo/search"), search);
        } // the engine closes
        for (const auto &[promise, name] : {std::pair{catalog, "demo/catalog"}, std::pair{search, "demo/search"}}) {
            const QFuture<Core::Result<Core::PlanProgress>> future = promise->future();
            QVERIFY(future.isFinished());
            QCOMPARE(future.resultCount(), 1);
            const Core::Result<Core::PlanProgress> end = future.result();
            QVERIFY(!end.ok());
            QCOMPARE(end.error().kind, Core::ErrorKind::Cancelled);
            QVERIFY2(end.error().message.startsWith(
                         QStringLiteral("the plan on %1 stopped being driven when this session closed")
                             .arg(QLatin1String(name))),
                     qPrintable(end.error().message));
            QVERIFY2(end.error().message.contains(QStringLiteral("Take over plan")), qPrintable(end.error().message));
        }
    }

    void planThatEnded_keepsItsOwnEnd()
    {
        const DrivenPlans::Promise ended = started();
        const DrivenPlans::Promise removed = started();
        DrivenPlans plans;
        plans.add(QStringLiteral("demo/catalog"), ended);
        plans.add(QStringLiteral("demo/search"), removed);
        Core::PlanProgress progress;
        progress.outcome = QStringLiteral("Promoted");
        ended->addResult(progress); // the runner finished first
        ended->finish();
        plans.remove(QStringLiteral("demo/search")); // …or said it was done with this one
        plans.endAll();
        QCOMPARE(ended->future().resultCount(), 1);
        QVERIFY(ended->future().result().ok());
        QCOMPARE(ended->future().result().value().outcome, QStringLiteral("Promoted"));
        QVERIFY(!removed->future().isFinished()); // not this engine's to end any more
        removed->finish();
    }
};

QTEST_GUILESS_MAIN(TestDrivenPlans)
#include "tst_drivenplans.moc"
