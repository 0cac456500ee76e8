// The Flagger panel under the charts: what Flagger says, which gates the canary has and what an
// open one means, and Suspend/Resume as spec.suspend allows them.

#include "canarypanel.h"
#include "core/canarycontrol.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Curtain;

namespace {

Core::ReleaseSnapshot release(const QString &phase, bool suspended)
{
    Core::ReleaseSnapshot r;
    r.name = QStringLiteral("podinfo");
    r.namespaceName = QStringLiteral("demo");
    r.routeKind = Core::RouteKind::FlaggerCanary;
    Core::CanaryStatus c;
    c.name = r.name;
    c.namespaceName = r.namespaceName;
    c.target = QStringLiteral("podinfo");
    c.primary = QStringLiteral("podinfo-primary");
    c.phase = phase;
    c.canaryWeight = 0;
    c.threshold = 5;
    c.stepWeight = 10;
    c.maxWeight = 50;
    c.suspended = suspended;
    c.promotedMessage = QStringLiteral("Waiting for approval.");
    c.gates.append(*Core::parseGateUrl(QStringLiteral("http://flagger-loadtester.demo/gate/check"), r.namespaceName));
    c.gates.front().type = QStringLiteral("confirm-promotion");
    r.canary = c;
    r.capabilities = Core::canaryCapabilities(r);
    return r;
}

} // namespace

class TestCanaryPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void waitingPromotion_showsTheHeldStepTheGateAndWhatItMeans()
    {
        Ui::CanaryPanel panel;
        const Core::ReleaseSnapshot r = release(QStringLiteral("WaitingPromotion"), false);
        panel.setRelease(&r);
        QVERIFY(!panel.isHidden());
        const QString state = panel.findChild<QLabel *>(QStringLiteral("canaryState"))->text();
        QVERIFY2(state.contains(QStringLiteral("WaitingPromotion · weight 50 % of 50")), qPrintable(state));
        QVERIFY2(state.contains(QLatin1String("waits for confirm-promotion (gate at flagger-loadtester.demo)")),
                 qPrintable(state));
        const QString gates = panel.findChild<QLabel *>(QStringLiteral("canaryGates"))->text();
        QVERIFY2(gates.contains(QLatin1String("an open one lets the next release through")), qPrintable(gates));

        auto *suspend = panel.findChild<QPushButton *>(QStringLiteral("suspendButton"));
        auto *resume = panel.findChild<QPushButton *>(QStringLiteral("canaryResumeButton"));
        QVERIFY(suspend->isEnabled());
        QVERIFY(!resume->isEnabled());
        QSignalSpy asked(&panel, &Ui::CanaryPanel::actionRequested);
        QTest::mouseClick(suspend, Qt::LeftButton);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.front().front().value<Core::ActionKind>(), Core::ActionKind::Pause);

        // Close gates: every loadtester gate, whoever opened it.
        auto *closeGates = panel.findChild<QPushButton *>(QStringLiteral("closeGatesButton"));
        QVERIFY(closeGates->isEnabled());
        QVERIFY2(closeGates->toolTip().contains(QLatin1String("whoever opened it")), qPrintable(closeGates->toolTip()));
        QTest::mouseClick(closeGates, Qt::LeftButton);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(asked.back().front().value<Core::ActionKind>(), Core::ActionKind::CloseGates);

        panel.setBusy(true); // an action in flight: nothing else starts
        QVERIFY(!suspend->isEnabled());
        QVERIFY(!closeGates->isEnabled());
    }

    void suspended_offersResume_andOtherReleasesHideThePanel()
    {
        Ui::CanaryPanel panel;
        const Core::ReleaseSnapshot r = release(QStringLiteral("Progressing"), true);
        panel.setRelease(&r);
        QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("suspendButton"))->isEnabled());
        QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("canaryResumeButton"))->isEnabled());
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("canaryState"))->text().contains(QLatin1String("suspended")));

        Core::ReleaseSnapshot routed;
        routed.name = QStringLiteral("catalog");
        panel.setRelease(&routed);
        QVERIFY(panel.isHidden());
        panel.setRelease(nullptr);
        QVERIFY(panel.isHidden());
    }
};

QTEST_MAIN(TestCanaryPanel)
#include "tst_canarypanel.moc"
