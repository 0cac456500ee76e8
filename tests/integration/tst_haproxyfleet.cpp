// curtainctl on an HAProxy fleet, against real HAProxy instances and real pods (curtain-backend):
// what a release engineer sees on the command line and what real requests then reach.

#include "ctlrunner.h"
#include "haproxylab.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain::Test;

namespace {

QStringList on(const HAProxyLab &lab, const QStringList &command)
{
    return QStringList{QStringLiteral("--haproxy"), lab.fleetFile()} + command;
}

// A plan file in `dir`; its path.
QString writePlan(const QTemporaryDir &dir, const QByteArray &text)
{
    QFile plan(dir.filePath(QStringLiteral("plan.yaml")));
    return plan.open(QIODevice::WriteOnly) && plan.write(text) == text.size() ? plan.fileName() : QString();
}

QString describe(const CtlRun &run)
{
    return QStringLiteral("exit %1\nout: %2\nerr: %3").arg(run.exitCode).arg(run.out, run.err);
}

// Starts an HA pair whose lb-1 is reached through a command endpoint (as `ssh host socat …` would
// be) whose process is killed at the command that takes blue-1's weight away, mid-flip: once, or
// from then on. Returns an error, or empty.
QString startPairWithDyingSocket(HAProxyLab &lab, const QTemporaryDir &dir, bool forGood)
{
    HAProxyLab::Options options;
    options.instances = 2;
    if (const QString problem = lab.start(options); !problem.isEmpty()) {
        return problem;
    }
    const QString socat = findProgram(QStringLiteral("socat"));
    if (socat.isEmpty()) {
        return QStringLiteral("socat is missing: install the Debian package socat (./scripts/setup does)");
    }
    const QString script = dir.filePath(QStringLiteral("lb-1-pipe.sh"));
    const QString died = dir.filePath(QStringLiteral("died"));
    QFile file(script);
    const QString body = QStringLiteral("IFS= read -r line\n"
                                        "if [ -e '%1' ] && [ %2 = 1 ]; then kill -KILL $$; fi\n"
                                        "case \"$line\" in \"set server catalog/blue-1 weight 0\"*)\n"
                                        "  if [ ! -e '%1' ]; then : > '%1'; kill -KILL $$; fi ;;\n"
                                        "esac\n"
                                        "printf '%s\\n' \"$line\" | exec '%3' - 'unix-connect:%4'\n")
                             .arg(died, forGood ? QStringLiteral("1") : QStringLiteral("0"), socat, lab.socket(1));
    if (!file.open(QIODevice::WriteOnly) || file.write(body.toUtf8()) < 0) {
        return QStringLiteral("cannot write ") + script;
    }
    file.close();
    QFile fleet(lab.fleetFile());
    if (!fleet.open(QIODevice::ReadOnly)) {
        return QStringLiteral("cannot read ") + lab.fleetFile();
    }
    QString yaml = QString::fromUtf8(fleet.readAll());
    fleet.close();
    const QString direct = QStringLiteral("socket: unix:") + lab.socket(1);
    if (!yaml.contains(direct)) {
        return QStringLiteral("the lab's fleet file names no ") + direct;
    }
    yaml.replace(direct, QStringLiteral("command: [sh, '%1']").arg(script));
    if (!fleet.open(QIODevice::WriteOnly) || fleet.write(yaml.toUtf8()) < 0) {
        return QStringLiteral("cannot write ") + lab.fleetFile();
    }
    return QString();
}

// The flip of catalog on that pair; a CtlRun with exit code -1 and the reason when the pair did not start.
CtlRun flipWithDyingSocket(HAProxyLab &lab, const QTemporaryDir &dir, bool forGood)
{
    if (const QString problem = startPairWithDyingSocket(lab, dir, forGood); !problem.isEmpty()) {
        return CtlRun{-1, {}, problem};
    }
    return runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("catalog")}));
}

} // namespace

class TestHAProxyFleet : public QObject
{
    Q_OBJECT

    QTemporaryDir m_state; // the journal and the fleets' plan state, not the user's

private Q_SLOTS:
    void initTestCase();
    void releases_showsEachColorsShare();
    void flip_bringsGreenUpThenMovesAllTraffic();
    void rollback_returnsToTheConfiguredColor();
    void setWeight_splitsRealTraffic();
    void greenFailingItsChecks_noTrafficMoves();
    void greenFailingAfterMaintenance_staleChecksMoveNothing();
    void haPair_oneInstanceRefuses_theOtherIsSetBack();
    void haPair_oneInstanceUnreachable_nothingChanges();
    void socketDiesMidFlip_everyInstanceIsSetBack();
    void socketDeadForGood_namesWhatToSendAgain();
    void reloadInTheMiddle_keepsTheWeights();
    void mapRelease_flipSwitchesTheHostAndBack();
    void mapPointingElsewhere_flipMovesNothing();
    void mapFileWritten_flipSurvivesAReload();
    void plan_rollsBackAGreenThatFailsRealRequests();
    void plan_aSecondDriverOnThisMachineIsRefused();
    void history_recordsWhoDidWhatAndTheOutcome();
};

void TestHAProxyFleet::initTestCase()
{
    qputenv("CURTAIN_JOURNAL", m_state.filePath(QStringLiteral("journal.jsonl")).toUtf8());
}

void TestHAProxyFleet::releases_showsEachColorsShare()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const CtlRun run = runCurtainctl(on(lab, {QStringLiteral("releases")}));
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.out.contains(QRegularExpression(QStringLiteral("catalog\\s+weights\\s+100 %\\s+0 %"))),
             qPrintable(run.out));

    const CtlRun status = runCurtainctl(on(lab, {QStringLiteral("status"), QStringLiteral("catalog")}));
    QVERIFY2(status.exitCode == 0, qPrintable(describe(status)));
    QVERIFY2(status.out.contains(QLatin1String("green: 0 % of traffic")), qPrintable(status.out));
    QVERIFY2(status.out.contains(QRegularExpression(QStringLiteral("green-1 .* MAINT\\s+maint\\s+weight 0"))),
             qPrintable(status.out));
}

void TestHAProxyFleet::flip_bringsGreenUpThenMovesAllTraffic()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(lab.sample(0, 20).value(QStringLiteral("blue")), 20);

    const CtlRun run = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("catalog")}));
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.out.contains(QLatin1String("catalog: green 100 %, blue 0 % on lb-0")), qPrintable(run.out));
    // Green was in maintenance: brought to ready and weighted; blue drained, not in maintenance.
    const QHash<QString, QString> servers = lab.servers(0);
    QCOMPARE(servers.value(QStringLiteral("green-1")), QStringLiteral("100/ready"));
    QCOMPARE(servers.value(QStringLiteral("green-2")), QStringLiteral("100/ready"));
    QCOMPARE(servers.value(QStringLiteral("blue-1")), QStringLiteral("0/drain"));
    QCOMPARE(servers.value(QStringLiteral("blue-2")), QStringLiteral("0/drain"));
    const QHash<QString, int> answers = lab.sample(0, 20);
    QCOMPARE(answers.value(QStringLiteral("green")), 20);
}

void TestHAProxyFleet::rollback_returnsToTheConfiguredColor()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const CtlRun flip = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("catalog")}));
    QVERIFY2(flip.exitCode == 0, qPrintable(describe(flip)));

    const CtlRun rollback = runCurtainctl(on(lab, {QStringLiteral("rollback"), QStringLiteral("catalog")}));
    QVERIFY2(rollback.exitCode == 0, qPrintable(describe(rollback)));
    QVERIFY2(rollback.out.contains(QLatin1String("catalog: green 0 %, blue 100 %")), qPrintable(rollback.out));
    QCOMPARE(lab.sample(0, 20).value(QStringLiteral("blue")), 20);
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("0/drain"));
}

void TestHAProxyFleet::setWeight_splitsRealTraffic()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const CtlRun run =
        runCurtainctl(on(lab, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("25")}));
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.out.contains(QLatin1String("green 25 %, blue 75 %")), qPrintable(run.out));
    // Run again, as a retried pipeline step: nothing sent, and said so.
    const CtlRun again =
        runCurtainctl(on(lab, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("25")}));
    QVERIFY2(again.exitCode == 0, qPrintable(describe(again)));
    QVERIFY2(again.out.startsWith(QLatin1String("catalog: already there, nothing to change (green 25 %, blue 75 %")),
             qPrintable(again.out));
    // Round robin over weights 99, 99 (blue) and 33, 33 (green): 25 % of 400 requests, give or take a cycle.
    const QHash<QString, int> answers = lab.sample(0, 400);
    QCOMPARE(answers.value(QStringLiteral("error")), 0);
    const int green = answers.value(QStringLiteral("green"));
    QVERIFY2(green >= 80 && green <= 120, qPrintable(QStringLiteral("green answered %1 of 400").arg(green)));
}

void TestHAProxyFleet::greenFailingItsChecks_noTrafficMoves()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(lab.setHealthy(QStringLiteral("green"), false));

    const CtlRun run =
        runCurtainctl(on(lab, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("50")}), 90'000);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("no traffic was moved")) &&
                 run.err.contains(QLatin1String("green-1 on lb-0")),
             qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("set back as it was")), qPrintable(run.err));
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("0/maint"));
    QCOMPARE(lab.sample(0, 20).value(QStringLiteral("blue")), 20);
}

// Green passed its checks, went into maintenance, and broke there (checks pause in maintenance). Out
// of it HAProxy shows it UP at once ("UP 1/2": up, on its last chance) with the last check from
// before: once, the flip moved all traffic to it, exit 0, and HAProxy then took both servers DOWN.
void TestHAProxyFleet::greenFailingAfterMaintenance_staleChecksMoveNothing()
{
    HAProxyLab lab;
    HAProxyLab::Options options;
    options.checkInterval = QStringLiteral("1s"); // the first check after maintenance comes late
    const QString problem = lab.start(options);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (const QString &server : {QStringLiteral("green-1"), QStringLiteral("green-2")}) {
        QVERIFY(lab.runtime(0, QStringLiteral("set server catalog/%1 state ready").arg(server)).trimmed().isEmpty());
    }
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QString stat = lab.runtime(0, QStringLiteral("show stat"));
            return stat.count(QRegularExpression(QStringLiteral("\\ncatalog,green-\\d,[^\\n]*,UP,[^\\n]*L7OK"))) == 2;
        },
        10'000));
    for (const QString &server : {QStringLiteral("green-1"), QStringLiteral("green-2")}) {
        QVERIFY(lab.runtime(0, QStringLiteral("set server catalog/%1 state maint").arg(server)).trimmed().isEmpty());
    }
    QVERIFY(lab.setHealthy(QStringLiteral("green"), false));

    const CtlRun run = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("catalog")}), 90'000);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("no traffic was moved")) &&
                 run.err.contains(QLatin1String("green-1 on lb-0")),
             qPrintable(describe(run)));
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("0/maint"));
    QCOMPARE(lab.sample(0, 20).value(QStringLiteral("blue")), 20);
}

void TestHAProxyFleet::haPair_oneInstanceRefuses_theOtherIsSetBack()
{
    HAProxyLab lab;
    HAProxyLab::Options options;
    options.instances = 2;
    options.lastInstanceOperatorOnly = true; // lb-1 reads, and refuses every change
    const QString problem = lab.start(options);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const CtlRun run = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("catalog")}));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("lb-1 did not take")) &&
                 run.err.contains(QLatin1String("Permission denied")),
             qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("every instance was set back as it was")), qPrintable(run.err));
    for (int i = 0; i < 2; ++i) {
        const QHash<QString, QString> servers = lab.servers(i);
        QCOMPARE(servers.value(QStringLiteral("blue-1")), QStringLiteral("100/ready"));
        QCOMPARE(servers.value(QStringLiteral("green-1")), QStringLiteral("0/maint"));
        QCOMPARE(lab.sample(i, 10).value(QStringLiteral("blue")), 10);
    }
}

void TestHAProxyFleet::haPair_oneInstanceUnreachable_nothingChanges()
{
    HAProxyLab lab;
    HAProxyLab::Options options;
    options.instances = 2;
    options.lastInstanceMissing = true;
    const QString problem = lab.start(options);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // Exit 3, as for a cluster that cannot be reached: the way out is the network, not the request.
    const CtlRun run = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("catalog")}));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains(QLatin1String("lb-1 could not be read, so nothing was changed on any instance")),
             qPrintable(describe(run)));
    const CtlRun weight =
        runCurtainctl(on(lab, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("10")}));
    QCOMPARE(weight.exitCode, 3);
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("0/maint"));
    QCOMPARE(lab.servers(0).value(QStringLiteral("blue-1")), QStringLiteral("100/ready"));
}

// lb-1's socket dies after green got its weight on both instances and blue lost it on lb-0: the
// flip stops there, and what it changed is set back on both, so the pair never disagrees.
void TestHAProxyFleet::socketDiesMidFlip_everyInstanceIsSetBack()
{
    HAProxyLab lab;
    QTemporaryDir dir;
    const CtlRun run = flipWithDyingSocket(lab, dir, false);
    QVERIFY2(run.exitCode >= 0, qPrintable(run.err));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("lb-1")), qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("every instance was set back as it was")), qPrintable(describe(run)));
    QVERIFY2(!run.err.contains(dir.path()) && !run.out.contains(dir.path()), "the command's arguments were shown");
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("died")))); // it did die mid-flip
    for (int i = 0; i < 2; ++i) {
        const QHash<QString, QString> servers = lab.servers(i);
        QCOMPARE(servers.value(QStringLiteral("blue-1")), QStringLiteral("100/ready"));
        QCOMPARE(servers.value(QStringLiteral("blue-2")), QStringLiteral("100/ready"));
        QCOMPARE(servers.value(QStringLiteral("green-1")), QStringLiteral("0/maint"));
        QCOMPARE(servers.value(QStringLiteral("green-2")), QStringLiteral("0/maint"));
        QCOMPARE(lab.sample(i, 10).value(QStringLiteral("blue")), 10);
    }
}

// The same death, but lb-1 stays unreachable: lb-0 is set back, and what lb-1 still holds is named
// as commands a person can send once it answers again (exit 5: sent, not confirmed).
void TestHAProxyFleet::socketDeadForGood_namesWhatToSendAgain()
{
    HAProxyLab lab;
    QTemporaryDir dir;
    const CtlRun run = flipWithDyingSocket(lab, dir, true);
    QVERIFY2(run.exitCode >= 0, qPrintable(run.err));
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains(QLatin1String("could not be set back, send them again")) &&
                 run.err.contains(QLatin1String("lb-1: `set server catalog/green-1")),
             qPrintable(describe(run)));
    // lb-0 is as it was; lb-1 still has green weighted (make-before-break: both colors serve there).
    QCOMPARE(lab.servers(0).value(QStringLiteral("blue-1")), QStringLiteral("100/ready"));
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("0/maint"));
    QCOMPARE(lab.servers(1).value(QStringLiteral("green-1")), QStringLiteral("100/ready"));
    QCOMPARE(lab.sample(1, 10).value(QStringLiteral("error")), 0);
}

void TestHAProxyFleet::reloadInTheMiddle_keepsTheWeights()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const CtlRun run =
        runCurtainctl(on(lab, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("50")}));
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));

    QVERIFY2(lab.reload(0), "haproxy did not reload");
    // The new worker read the server-state file Curtain wrote: still half and half.
    const QHash<QString, QString> servers = lab.servers(0);
    QCOMPARE(servers.value(QStringLiteral("green-1")), QStringLiteral("100/ready"));
    QCOMPARE(servers.value(QStringLiteral("blue-1")), QStringLiteral("100/ready"));
    const CtlRun status = runCurtainctl(on(lab, {QStringLiteral("status"), QStringLiteral("catalog")}));
    QVERIFY2(status.out.contains(QLatin1String("green: 50 % of traffic")), qPrintable(describe(status)));
}

void TestHAProxyFleet::mapRelease_flipSwitchesTheHostAndBack()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(lab.sample(0, 10, "checkout.example").value(QStringLiteral("blue")), 10);

    const CtlRun flip = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("checkout")}));
    QVERIFY2(flip.exitCode == 0, qPrintable(describe(flip)));
    QVERIFY2(flip.out.contains(QLatin1String("checkout: all traffic to green (checkout_green) on lb-0")),
             qPrintable(flip.out));
    // The map file on disk still says blue: the report says a reload would undo it.
    QVERIFY2(flip.err.contains(QLatin1String("HAProxy keeps this until its next reload")), qPrintable(flip.err));
    QCOMPARE(lab.sample(0, 10, "checkout.example").value(QStringLiteral("green")), 10);
    QCOMPARE(lab.sample(0, 10).value(QStringLiteral("blue")), 10); // other hosts: catalog, untouched

    const CtlRun rollback = runCurtainctl(on(lab, {QStringLiteral("rollback"), QStringLiteral("checkout")}));
    QCOMPARE(rollback.exitCode, 1);
    QVERIFY2(rollback.err.contains(QLatin1String("it takes flip, which is also its rollback")),
             qPrintable(describe(rollback)));
    const CtlRun back = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("checkout")}));
    QVERIFY2(back.exitCode == 0, qPrintable(describe(back)));
    QCOMPARE(lab.sample(0, 10, "checkout.example").value(QStringLiteral("blue")), 10);
}

// With the map file on this machine (writeMapFiles), a flip writes the entry there too: a reload in
// the middle of the release keeps the Host on green instead of sending it back to blue.
void TestHAProxyFleet::mapFileWritten_flipSurvivesAReload()
{
    HAProxyLab lab;
    HAProxyLab::Options options;
    options.writeMapFiles = true;
    const QString problem = lab.start(options);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QFile map(lab.mapFile());
    QVERIFY(map.open(QIODevice::WriteOnly | QIODevice::Append));
    map.write("# the checkout hosts\nshop.example checkout_blue\n"); // other lines stay as they are
    map.close();

    const CtlRun flip = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("checkout")}));
    QVERIFY2(flip.exitCode == 0, qPrintable(describe(flip)));
    QVERIFY2(!flip.err.contains(QLatin1String("until its next reload")), qPrintable(flip.err));
    QVERIFY(map.open(QIODevice::ReadOnly));
    QCOMPARE(map.readAll(), QByteArray("checkout.example checkout_green\n# the checkout hosts\n"
                                       "shop.example checkout_blue\n"));
    map.close();

    QVERIFY2(lab.reload(0), "haproxy did not reload");
    QCOMPARE(lab.sample(0, 10, "checkout.example").value(QStringLiteral("green")), 10);

    const CtlRun back = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("checkout")}));
    QVERIFY2(back.exitCode == 0, qPrintable(describe(back)));
    QVERIFY2(lab.reload(0), "haproxy did not reload");
    QCOMPARE(lab.sample(0, 10, "checkout.example").value(QStringLiteral("blue")), 10);
}

// The map entry names a third backend: no side to flip from, so nothing moves towards green.
void TestHAProxyFleet::mapPointingElsewhere_flipMovesNothing()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(lab.runtime(0, QStringLiteral("set map %1 checkout.example catalog").arg(lab.mapFile())).trimmed(),
             QString());

    const CtlRun flip = runCurtainctl(on(lab, {QStringLiteral("flip"), QStringLiteral("checkout")}));
    QCOMPARE(flip.exitCode, 1);
    QVERIFY2(flip.err.contains(QLatin1String("neither color of checkout carries traffic now")) &&
                 flip.err.contains(QLatin1String("nothing was changed")),
             qPrintable(describe(flip)));
    QVERIFY2(lab.runtime(0, QStringLiteral("show map %1").arg(lab.mapFile()))
                 .contains(QLatin1String("checkout.example catalog")),
             "the map entry was changed");
}

// Item 3 of issue 15, end to end: real requests (wrk) through HAProxy to pods of which green fails 3 %,
// counted by the pods and read through a real Prometheus. `curtainctl run` moves 25 % to green; the
// judge fails green on its error budget and the plan puts every request back on blue.
void TestHAProxyFleet::plan_rollsBackAGreenThatFailsRealRequests()
{
    HAProxyLab lab;
    HAProxyLab::Options options;
    options.greenErrorRate = 0.03;
    options.prometheus = true;
    QString problem = lab.start(options);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    problem = lab.startLoad(0);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    const QString plan = writePlan(dir, "steps:\n  - setWeight: 25\n  - pause: {duration: 5m}\n"
                                        "  - analysis: {timeout: 5m}\njudge: {warmupSeconds: 5}\n");
    QVERIFY(!plan.isEmpty());
    const CtlRun run = runCurtainctl(
        on(lab, {QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), plan}), 240'000);
    QVERIFY2(run.exitCode == 1, qPrintable(describe(run)));
    QVERIFY2(run.out.contains(QLatin1String("catalog: Rolled back automatically: green failed")),
             qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("step 1/3 set weight 25 %")), qPrintable(run.err));
    // Green carried traffic before the verdict; every request goes to blue again.
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")).section(QLatin1Char('/'), 0, 0), QStringLiteral("0"));
    QCOMPARE(lab.sample(0, 30).value(QStringLiteral("blue")), 30);
}

// HAProxy has nowhere to keep a Lease, so this machine keeps it: while curtainctl drives a plan on
// the fleet, a second driver (another curtainctl, or a console) is refused and moves nothing.
void TestHAProxyFleet::plan_aSecondDriverOnThisMachineIsRefused()
{
    HAProxyLab lab;
    HAProxyLab::Options options;
    options.prometheus = true;
    const QString problem = lab.start(options);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    const QString plan = writePlan(dir, "steps:\n  - setWeight: 25\n  - pause: {duration: 10m}\n  - analysis: {}\n");
    QVERIFY(!plan.isEmpty());
    const QStringList run = on(lab, {QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), plan});
    QProcess driver;
    startCurtainctl(driver, run);
    QTRY_VERIFY_WITH_TIMEOUT(lab.servers(0).value(QStringLiteral("green-1")).startsWith(QLatin1String("33/")), 20000);

    const CtlRun second = runCurtainctl(run);
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains(QLatin1String("is driven by curtainctl@")), qPrintable(describe(second)));
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("33/ready")); // nothing moved

    // The same fleet read from a copy of its file is the same fleet: its plan Lease holds there too.
    const QString copy = dir.filePath(QStringLiteral("fleet-copy.yaml"));
    QVERIFY(QFile::copy(lab.fleetFile(), copy));
    const CtlRun fromCopy = runCurtainctl({QStringLiteral("--haproxy"), copy, QStringLiteral("run"),
                                           QStringLiteral("catalog"), QStringLiteral("--plan"), plan});
    QCOMPARE(fromCopy.exitCode, 1);
    QVERIFY2(fromCopy.err.contains(QLatin1String("is driven by curtainctl@")), qPrintable(describe(fromCopy)));

    // A person's set-weight would end the plan's control of the weights: refused while it runs,
    // as on a cluster (once it went through, exit 0, and the plan stopped).
    const CtlRun weight =
        runCurtainctl(on(lab, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("50")}));
    QCOMPARE(weight.exitCode, 1);
    QVERIFY2(weight.err.contains(QLatin1String("catalog is driven by a plan (curtainctl@")),
             qPrintable(describe(weight)));
    QCOMPARE(lab.servers(0).value(QStringLiteral("green-1")), QStringLiteral("33/ready"));
    QCOMPARE(driver.state(), QProcess::Running);

    // Rollback is always one command away, plan or not.
    const CtlRun rollback = runCurtainctl(on(lab, {QStringLiteral("rollback"), QStringLiteral("catalog")}));
    QVERIFY2(rollback.exitCode == 0, qPrintable(describe(rollback)));
    QCOMPARE(lab.sample(0, 20).value(QStringLiteral("blue")), 20);
    driver.kill();
    driver.waitForFinished(5000);
}

// A fleet has no Events: every action, a refused one too, goes into this machine's journal, and
// `history` reads it back for that fleet's release.
void TestHAProxyFleet::history_recordsWhoDidWhatAndTheOutcome()
{
    HAProxyLab lab;
    const QString problem = lab.start({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    qputenv("CURTAIN_JOURNAL", dir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
    const auto ctl = [&lab](const QStringList &command) { return runCurtainctl(on(lab, command)); };
    QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("40")}).exitCode, 0);
    QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("40")}).exitCode, 0);
    const CtlRun split = ctl({QStringLiteral("flip"), QStringLiteral("catalog")});
    QVERIFY2(split.exitCode != 0, qPrintable(describe(split)));
    QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("catalog")}).exitCode, 0);
    // Read through a copy of the fleet file: the same fleet, so the same history.
    const QString copy = dir.filePath(QStringLiteral("fleet-copy.yaml"));
    QVERIFY(QFile::copy(lab.fleetFile(), copy));
    const CtlRun history =
        runCurtainctl({QStringLiteral("--haproxy"), copy, QStringLiteral("history"), QStringLiteral("catalog")});
    qunsetenv("CURTAIN_JOURNAL");
    QVERIFY2(history.exitCode == 0, qPrintable(describe(history)));
    const QStringList rows = history.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 5); // the header and four actions, newest first
    QVERIFY2(rows.at(1).contains(QRegularExpression(QStringLiteral("Rollback\\s+applied\\s+curtainctl"))),
             qPrintable(history.out));
    QVERIFY2(rows.at(2).contains(QRegularExpression(QStringLiteral("Flip\\s+refused\\s+curtainctl.*is split"))),
             qPrintable(history.out));
    // Run again: nothing was sent, and the journal does not call it applied.
    QVERIFY2(rows.at(3).contains(QRegularExpression(QStringLiteral("SetWeight\\s+unchanged.*already there"))),
             qPrintable(history.out));
    QVERIFY2(rows.at(4).contains(QRegularExpression(QStringLiteral("SetWeight\\s+applied.*green 40 %"))),
             qPrintable(history.out));
}

QTEST_GUILESS_MAIN(TestHAProxyFleet)
#include "tst_haproxyfleet.moc"
