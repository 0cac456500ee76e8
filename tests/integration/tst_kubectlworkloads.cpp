// What the demo's workloads do under kubectl, as kube's controllers would: a deleted pod is made
// again, a followed log ends with its pod, a paused rollout holds a new template until resumed, and
// a Service's Endpoints list the pods it sends to, and a deleted namespace takes its content with it.

#include "kubectlsession.h"

#include <QDateTime>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestKubectlWorkloads : public QObject
{
    Q_OBJECT

    Test::KubectlSession m_kubectl;

    QString kubectl(const QStringList &arguments, int *exitCode) { return m_kubectl.run(arguments, exitCode); }
    // The green ReplicaSets of `app` in the demo namespace, as `kubectl get rs -o OUTPUT` prints them.
    QString greenReplicaSets(const QString &app, const QString &output, int *exitCode)
    {
        return kubectl({QStringLiteral("get"), QStringLiteral("rs"), QStringLiteral("-n"), QStringLiteral("demo"),
                        QStringLiteral("-l"), QStringLiteral("app=%1,curtain.dev/color=green").arg(app),
                        QStringLiteral("-o"), output},
                       exitCode);
    }

    // The name of the first pod of `app` (and any further labels) in the demo namespace, or nothing yet.
    QString firstPod(const QString &app)
    {
        int code = -1;
        return kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("demo"),
                        QStringLiteral("-l"), QStringLiteral("app=") + app, QStringLiteral("-o"),
                        QStringLiteral("jsonpath={.items[0].metadata.name}")},
                       &code);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_kubectl.start(&error), qPrintable(error));
    }

    // kubectl delete pod: the workload makes a new pod under a new name, which starts not ready, and
    // the Deployment counts one ready pod fewer until it is, as kube's ReplicaSet controller would.
    void deletedPod_isMadeAgainUnderANewName()
    {
        const QStringList listBlue = {QStringLiteral("get"),  QStringLiteral("pods"), QStringLiteral("-n"),
                                      QStringLiteral("demo"), QStringLiteral("-o"),   QStringLiteral("name")};
        int code = -1;
        const QString replicas = kubectl({QStringLiteral("get"), QStringLiteral("deployment"),
                                          QStringLiteral("catalog-blue"), QStringLiteral("-n"), QStringLiteral("demo"),
                                          QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.replicas}")},
                                         &code);
        QVERIFY2(code == 0 && replicas.toInt() > 0, qPrintable(replicas));
        const auto bluePods = [&] {
            QStringList pods = kubectl(listBlue, &code).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            pods.removeIf([](const QString &pod) { return !pod.startsWith(QLatin1String("pod/catalog-blue-")); });
            return pods;
        };
        QTRY_COMPARE_WITH_TIMEOUT(bluePods().size(), replicas.toInt(), 10'000);
        const QString victim = bluePods().constFirst().mid(4);

        QProcess watch; // every change of the Deployment's readiness, in order
        m_kubectl.startIn(watch, {QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("catalog-blue"),
                                  QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("--watch"),
                                  QStringLiteral("-o"), QStringLiteral("jsonpath={.status.readyReplicas}{\"\\n\"}")});
        QString seen;
        QTRY_VERIFY_WITH_TIMEOUT((seen += QString::fromUtf8(watch.readAllStandardOutput()))
                                     .split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                                     .contains(replicas),
                                 10'000);

        const QString deleted = kubectl(
            {QStringLiteral("delete"), QStringLiteral("pod"), victim, QStringLiteral("-n"), QStringLiteral("demo")},
            &code);
        QVERIFY2(code == 0 && deleted.contains(QStringLiteral("deleted")), qPrintable(deleted));
        // Full, one short while the new pod starts, full again.
        const QString shortOne = QString::number(replicas.toInt() - 1);
        QTRY_VERIFY_WITH_TIMEOUT((seen += QString::fromUtf8(watch.readAllStandardOutput()))
                                     .contains(shortOne + QLatin1Char('\n') + replicas),
                                 15'000);
        watch.kill();
        watch.waitForFinished();
        const QStringList after = bluePods();
        QCOMPARE(after.size(), replicas.toInt());
        QVERIFY2(!after.contains(QStringLiteral("pod/") + victim), qPrintable(after.join(QLatin1Char(' '))));
        QString listed; // every pod ready again
        QTRY_VERIFY2_WITH_TIMEOUT(
            !(listed = kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"),
                                QStringLiteral("demo"), QStringLiteral("-l"), QStringLiteral("app=catalog")},
                               &code))
                 .contains(QStringLiteral("0/1")),
            qPrintable(listed), 5'000);
    }

    // A Deployment deleted while a finalizer holds it still has its ReplicaSet, which replaces a pod
    // deleted meanwhile, as kube's does; let go, it goes with its pods.
    void deletedPod_ofADeploymentAFinalizerHolds_isMadeAgain()
    {
        int code = -1;
        const auto run = [this, &code](const QString &command) {
            return kubectl(command.split(QLatin1Char(' ')) + QStringList{QStringLiteral("-n"), QStringLiteral("demo")},
                           &code);
        };
        QString out = run(QStringLiteral("create deployment held-web --image=registry.demo.local/web:v1 --replicas=2"));
        QVERIFY2(code == 0, qPrintable(out));
        out = run(QStringLiteral("rollout status deployment/held-web --timeout=30s"));
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl({QStringLiteral("patch"), QStringLiteral("deployment/held-web"), QStringLiteral("-n"),
                       QStringLiteral("demo"), QStringLiteral("--type=merge"), QStringLiteral("-p"),
                       QStringLiteral(R"({"metadata":{"finalizers":["example.com/hold"]}})")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = run(QStringLiteral("delete deployment held-web --wait=false"));
        QVERIFY2(code == 0, qPrintable(out));
        const auto pods = [&] {
            return run(QStringLiteral("get pods -l app=held-web -o name")).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        };
        QTRY_COMPARE_WITH_TIMEOUT(pods().size(), 2, 10'000);
        const QString victim = pods().constFirst();
        out = run(QStringLiteral("delete ") + victim);
        QVERIFY2(code == 0, qPrintable(out));
        QStringList now;
        QTRY_VERIFY2_WITH_TIMEOUT((now = pods()).size() == 2 && !now.contains(victim), qPrintable(now.join(u' ')),
                                  10'000);

        out = kubectl({QStringLiteral("patch"), QStringLiteral("deployment/held-web"), QStringLiteral("-n"),
                       QStringLiteral("demo"), QStringLiteral("--type=merge"), QStringLiteral("-p"),
                       QStringLiteral(R"({"metadata":{"finalizers":null}})")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            run(QStringLiteral("get deployment,rs,pods -l app=held-web -o name")).trimmed().isEmpty(), 10'000);
    }

    // `kubectl logs -f` ends when its pod goes, as the container's stream does on a kubelet (it
    // hung until killed).
    void logsFollow_endsWhenThePodIsDeleted()
    {
        int code = -1;
        QString pod;
        QTRY_VERIFY_WITH_TIMEOUT(!(pod = firstPod(QStringLiteral("ledger"))).isEmpty(), 10'000);
        QProcess follow;
        m_kubectl.startIn(
            follow, {QStringLiteral("logs"), QStringLiteral("-f"), QStringLiteral("-n"), QStringLiteral("demo"), pod});
        QVERIFY2(follow.waitForStarted(5000), qPrintable(follow.errorString()));
        QVERIFY2(!follow.waitForFinished(1500), follow.readAllStandardError().constData()); // following
        const QString deleted = kubectl(
            {QStringLiteral("delete"), QStringLiteral("pod"), pod, QStringLiteral("-n"), QStringLiteral("demo")},
            &code);
        QVERIFY2(code == 0, qPrintable(deleted));
        const bool ended = follow.waitForFinished(10'000);
        if (!ended) {
            follow.kill();
            follow.waitForFinished();
        }
        QVERIFY2(ended, "kubectl logs -f still follows a deleted pod after 10 s");
        QCOMPARE(follow.exitStatus(), QProcess::NormalExit);
        QCOMPARE(follow.exitCode(), 0);
    }

    // `kubectl logs` as a release engineer reads a pod: --since keeps the last seconds, --timestamps
    // puts kubelet's time before each line, and --previous of a container that never restarted is
    // kubelet's error, not an empty answer.
    void logs_sinceTimestampsAndPrevious()
    {
        int code = -1;
        QString pod;
        // Blue's: its version fails too few probes for kubelet's restarts, so --previous has nothing.
        QTRY_VERIFY_WITH_TIMEOUT(!(pod = firstPod(QStringLiteral("catalog,curtain.dev/color=blue"))).isEmpty(), 10'000);
        const QStringList logs = {QStringLiteral("logs"), QStringLiteral("-n"), QStringLiteral("demo"), pod};
        const auto lines = [&](const QStringList &more) {
            return kubectl(logs + more, &code).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        };
        const auto servedAt = [](const QString &line) { // each line begins with the time it was served
            return QDateTime::fromString(line.section(QLatin1Char(' '), 0, 0), Qt::ISODateWithMs);
        };
        // The demo's traffic served long enough that a second's lines are not all of them.
        QStringList all;
        QTRY_VERIFY_WITH_TIMEOUT(!(all = lines({})).isEmpty() &&
                                     servedAt(all.constFirst()) < QDateTime::currentDateTimeUtc().addSecs(-3),
                                 15'000);
        const QStringList stamped = lines({QStringLiteral("--timestamps")});
        QCOMPARE(code, 0);
        const QRegularExpression nano(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z \\S+ \"GET "));
        QVERIFY(!stamped.isEmpty());
        for (const QString &line : stamped) {
            QVERIFY2(nano.match(line).hasMatch(), qPrintable(line));
        }
        const QDateTime asked = QDateTime::currentDateTimeUtc();
        const QStringList recent = lines({QStringLiteral("--since=1s")});
        QCOMPARE(code, 0);
        QVERIFY2(recent.size() < all.size(), qPrintable(QStringLiteral("%1 of %2").arg(recent.size()).arg(all.size())));
        for (const QString &line : recent) { // the server's "1 s ago" is after `asked` less a second
            QVERIFY2(servedAt(line).isValid() && servedAt(line) >= asked.addMSecs(-1'500), qPrintable(line));
        }
        const QString previous = kubectl(logs + QStringList{QStringLiteral("--previous")}, &code);
        QVERIFY(code != 0);
        QVERIFY2(previous.contains(
                     QStringLiteral("previous terminated container \"catalog\" in pod \"%1\" not found").arg(pod)),
                 qPrintable(previous));
    }

    // Pause, change, resume: a paused Deployment's new template makes no ReplicaSet and replaces no
    // pod, `rollout status` keeps waiting, and resume rolls it out (the sim rolled out at once).
    void rolloutPause_holdsANewTemplateUntilResume()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        const QString deployment = QStringLiteral("deployment/search-green");
        int code = -1;
        const auto replicaSets = [&] {
            return greenReplicaSets(QStringLiteral("search"), QStringLiteral("name"), &code)
                .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        };
        QTRY_VERIFY_WITH_TIMEOUT(!replicaSets().isEmpty(), 10'000);
        const QStringList before = replicaSets();
        QString out = kubectl(QStringList{QStringLiteral("rollout"), QStringLiteral("pause"), deployment} + ns, &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl(QStringList{QStringLiteral("set"), QStringLiteral("image"), deployment,
                                  QStringLiteral("*=example.com/search:v3.2.0")} +
                          ns,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        const auto progressing = [&] {
            return kubectl(QStringList{QStringLiteral("get"), deployment, QStringLiteral("-o"),
                                       QStringLiteral("jsonpath={.status.observedGeneration}={.metadata.generation} "
                                                      "{.status.conditions[?(@.type==\"Progressing\")].reason}")} +
                               ns,
                           &code);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                const QStringList seen = progressing().split(QLatin1Char(' '));
                const QStringList generations = seen.value(0).split(QLatin1Char('='));
                return generations.size() == 2 && generations[0] == generations[1] &&
                       seen.value(1) == QLatin1String("DeploymentPaused");
            }(),
            qPrintable(progressing()), 10'000);
        QCOMPARE(replicaSets(), before); // the controller has seen the change and made nothing of it
        out = kubectl(QStringList{QStringLiteral("rollout"), QStringLiteral("status"), deployment,
                                  QStringLiteral("--timeout=2s")} +
                          ns,
                      &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral("new replicas have been updated")), qPrintable(out));

        out = kubectl(QStringList{QStringLiteral("rollout"), QStringLiteral("resume"), deployment} + ns, &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl(QStringList{QStringLiteral("rollout"), QStringLiteral("status"), deployment,
                                  QStringLiteral("--timeout=60s")} +
                          ns,
                      &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("successfully rolled out")), qPrintable(out));
        QCOMPARE(replicaSets().size(), before.size() + 1);
    }

    // Paused, a new image and then the running one again: the running ReplicaSet is the Deployment's
    // again, with all its pods (it was scaled to 0 while its pods kept running), and no other is made.
    void rolloutPause_anEditBackToTheRunningTemplateKeepsItsReplicaSet()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        const QString deployment = QStringLiteral("deployment/reviews-green");
        int code = -1;
        const auto replicaSets = [&] {
            return greenReplicaSets(QStringLiteral("reviews"),
                                    QStringLiteral("jsonpath={range .items[*]}{.metadata.name}={.spec.replicas} {end}"),
                                    &code)
                .trimmed();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!replicaSets().isEmpty(), 10'000);
        const QString before = replicaSets();
        const QString image =
            kubectl(QStringList{QStringLiteral("get"), deployment, QStringLiteral("-o"),
                                QStringLiteral("jsonpath={.spec.template.spec.containers[0].image}")} +
                        ns,
                    &code);
        QVERIFY2(code == 0 && !image.isEmpty(), qPrintable(image));
        const auto run = [&](const QStringList &arguments) {
            const QString out = kubectl(arguments + ns, &code);
            QVERIFY2(code == 0, qPrintable(out));
        };
        run({QStringLiteral("rollout"), QStringLiteral("pause"), deployment});
        run({QStringLiteral("set"), QStringLiteral("image"), deployment, QStringLiteral("*=example.com/reviews:v9")});
        run({QStringLiteral("set"), QStringLiteral("image"), deployment, QStringLiteral("*=") + image});
        const auto observed = [&] {
            const QString seen = kubectl(QStringList{QStringLiteral("get"), deployment, QStringLiteral("-o"),
                                                     QStringLiteral("jsonpath={.status.observedGeneration}="
                                                                    "{.metadata.generation}")} +
                                             ns,
                                         &code);
            return seen.section(QLatin1Char('='), 0, 0) == seen.section(QLatin1Char('='), 1, 1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(observed(), 10'000);
        QCOMPARE(replicaSets(), before);
        const QString status = kubectl(QStringList{QStringLiteral("rollout"), QStringLiteral("status"), deployment,
                                                   QStringLiteral("--timeout=10s")} +
                                           ns,
                                       &code);
        QVERIFY2(code == 0 && status.contains(QStringLiteral("successfully rolled out")), qPrintable(status));
        run({QStringLiteral("rollout"), QStringLiteral("resume"), deployment});
        QTRY_VERIFY_WITH_TIMEOUT(observed(), 10'000);
        QCOMPARE(replicaSets(), before);
    }

    // kube's endpoints controller: a Service's Endpoints list the ready pods its selector picks, at
    // the target port, and follow the selector when a flip changes it. `kubectl describe service`
    // said "Endpoints: <none>" for every Service, as if nothing served.
    void endpoints_followTheSelectorAsAFlipChangesIt()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        int code = -1;
        const auto sorted = [](const QString &words) {
            QStringList list = words.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            list.sort();
            return list;
        };
        const auto podIps = [&](const QString &color) {
            return sorted(
                kubectl(QStringList{QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                    QStringLiteral("app=checkout,curtain.dev/color=") + color, QStringLiteral("-o"),
                                    QStringLiteral("jsonpath={.items[*].status.podIP}")} +
                            ns,
                        &code));
        };
        const auto endpointIps = [&](const QString &service) {
            return sorted(
                kubectl(QStringList{QStringLiteral("get"), QStringLiteral("endpoints"), service, QStringLiteral("-o"),
                                    QStringLiteral("jsonpath={.subsets[*].addresses[*].ip}")} +
                            ns,
                        &code));
        };
        // The Service's EndpointSlices, as kube's EndpointSlice controller writes them (the sim served
        // none: "the server doesn't have a resource type"): ready addresses, and the slices' names.
        const auto sliceIps = [&](const QString &service) {
            return sorted(
                kubectl(QStringList{QStringLiteral("get"), QStringLiteral("endpointslices"), QStringLiteral("-l"),
                                    QStringLiteral("kubernetes.io/service-name=") + service, QStringLiteral("-o"),
                                    QStringLiteral("jsonpath={.items[*].endpoints[?(@.conditions.ready==true)]"
                                                   ".addresses[0]}")} +
                            ns,
                        &code));
        };
        const auto sliceNames = [&](const QString &service) {
            return kubectl(QStringList{QStringLiteral("get"), QStringLiteral("endpointslices"), QStringLiteral("-l"),
                                       QStringLiteral("kubernetes.io/service-name=") + service, QStringLiteral("-o"),
                                       QStringLiteral("name")} +
                               ns,
                           &code)
                .trimmed();
        };
        const QStringList blue = podIps(QStringLiteral("blue"));
        const QStringList green = podIps(QStringLiteral("green"));
        QVERIFY2(!blue.isEmpty() && !green.isEmpty(), qPrintable(blue.join(u' ') + u'|' + green.join(u' ')));
        QTRY_COMPARE_WITH_TIMEOUT(endpointIps(QStringLiteral("checkout-blue")), blue, 10'000);
        QString out =
            kubectl(QStringList{QStringLiteral("describe"), QStringLiteral("service/checkout-blue")} + ns, &code);
        QVERIFY2(code == 0 && out.contains(QRegularExpression(
                                  QStringLiteral("Endpoints: +%1:8080").arg(QRegularExpression::escape(blue.first())))),
                 qPrintable(out));

        // A Service of the test's own, flipped from blue to green as Curtain flips one.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("front.yaml"));
        QVERIFY(!Test::writeFile(file, "apiVersion: v1\nkind: Service\nmetadata: {name: front, namespace: demo}\n"
                                       "spec:\n  selector: {app: checkout, curtain.dev/color: blue}\n"
                                       "  ports: [{name: http, port: 80, targetPort: http}]\n")
                     .isEmpty());
        out = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), file}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(endpointIps(QStringLiteral("front")), blue, 10'000);
        out = kubectl(QStringList{QStringLiteral("patch"), QStringLiteral("service/front"), QStringLiteral("-p"),
                                  QStringLiteral(R"({"spec":{"selector":{"curtain.dev/color":"green"}}})")} +
                          ns,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(endpointIps(QStringLiteral("front")), green, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(sliceIps(QStringLiteral("front")), green, 10'000);
        const QString slice = sliceNames(QStringLiteral("front"));
        QVERIFY2(slice.startsWith(QStringLiteral("endpointslice.discovery.k8s.io/front-")) && !slice.contains(u'\n'),
                 qPrintable(slice));
        out = kubectl(QStringList{QStringLiteral("get"), slice} + ns, &code);
        QVERIFY2(code == 0 && out.contains(QRegularExpression(QStringLiteral("front-\\S+ +IPv4 +\\d+ +\\d+\\."))),
                 qPrintable(out));
        // Written again when someone deletes them, and gone with their Service.
        out = kubectl(QStringList{QStringLiteral("delete"), QStringLiteral("endpoints/front"), slice} + ns, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(endpointIps(QStringLiteral("front")), green, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(sliceIps(QStringLiteral("front")), green, 10'000);
        out = kubectl(QStringList{QStringLiteral("delete"), QStringLiteral("service/front")} + ns, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            kubectl(QStringList{QStringLiteral("get"), QStringLiteral("endpoints/front")} + ns, &code)
                .contains(QStringLiteral(R"(endpoints "front" not found)")),
            10'000);
        QTRY_COMPARE_WITH_TIMEOUT(sliceNames(QStringLiteral("front")), QString(), 10'000);
    }

    // As kube's controller: a pod lacking the port a named target asks for still serves the others;
    // Endpoints written by hand for a Service without a selector are left alone, and go with it.
    void endpoints_keepWhatEachPodServesAndGoWithTheirService()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        int code = -1;
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("services.yaml"));
        QVERIFY(!Test::writeFile(file,
                                 "apiVersion: v1\nkind: Service\nmetadata: {name: two-ports, namespace: demo}\n"
                                 "spec:\n  selector: {app: checkout, curtain.dev/color: blue}\n"
                                 "  ports: [{name: web, port: 80, targetPort: 8080},"
                                 " {name: admin, port: 9000, targetPort: admin}]\n"
                                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: outside, namespace: demo}\n"
                                 "spec:\n  ports: [{port: 5432}]\n"
                                 "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: outside, namespace: demo}\n"
                                 "subsets: [{addresses: [{ip: 192.168.1.10}], ports: [{port: 5432}]}]\n")
                     .isEmpty());
        QString out = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), file}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        const auto endpoints = [&](const QString &name) {
            return kubectl(QStringList{QStringLiteral("get"), QStringLiteral("endpoints"), name, QStringLiteral("-o"),
                                       QStringLiteral("jsonpath={.subsets[*].ports[*].name}:"
                                                      "{.subsets[*].addresses[*].ip}")} +
                               ns,
                           &code);
        };
        QTRY_VERIFY_WITH_TIMEOUT(endpoints(QStringLiteral("two-ports")).startsWith(QStringLiteral("web:10.")), 10'000);
        QCOMPARE(endpoints(QStringLiteral("outside")), QStringLiteral(":192.168.1.10"));
        out = kubectl(QStringList{QStringLiteral("delete"), QStringLiteral("service/outside"),
                                  QStringLiteral("service/two-ports")} +
                          ns,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            kubectl(QStringList{QStringLiteral("get"), QStringLiteral("endpoints/outside"),
                                QStringLiteral("endpoints/two-ports"), QStringLiteral("--ignore-not-found")} +
                        ns,
                    &code)
                .trimmed()
                .isEmpty(),
            10'000);
    }

    // kubectl delete namespace: everything in it goes, then the namespace, and only then does
    // kubectl return; one made again under that name starts empty. The sim kept every Deployment,
    // pod and Service of a deleted namespace (`kubectl get all` still listed them), and a namespace
    // made again found them there. The cluster's own namespaces are never deleted.
    void deletedNamespace_takesEverythingInItAway()
    {
        const QString ns = QStringLiteral("scratch-delete");
        const QStringList inNs = {QStringLiteral("-n"), ns};
        int code = -1;
        QString out = kubectl({QStringLiteral("create"), QStringLiteral("namespace"), ns}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl(QStringList{QStringLiteral("create"), QStringLiteral("deployment"), QStringLiteral("web"),
                                  QStringLiteral("--image=nginx"), QStringLiteral("--replicas=2")} +
                          inNs,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl(QStringList{QStringLiteral("expose"), QStringLiteral("deployment"), QStringLiteral("web"),
                                  QStringLiteral("--port=80")} +
                          inNs,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        const QStringList everything = QStringList{QStringLiteral("get"), QStringLiteral("all,endpoints,events"),
                                                   QStringLiteral("-o"), QStringLiteral("name")} +
                                       inNs;
        QTRY_VERIFY_WITH_TIMEOUT(kubectl(everything, &code).count(QStringLiteral("pod/web-")) == 2, 10'000);
        const QStringList podsBefore =
            kubectl(everything, &code).split(QLatin1Char('\n')).filter(QStringLiteral("pod/"));

        out = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), ns}, &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("namespace \"%1\" deleted").arg(ns)), qPrintable(out));
        out = kubectl({QStringLiteral("get"), QStringLiteral("namespace"), ns}, &code); // gone when kubectl returned
        QVERIFY2(code == 1 && out.contains(QStringLiteral("namespaces \"%1\" not found").arg(ns)), qPrintable(out));
        QCOMPARE(kubectl(everything, &code).trimmed(), QString());

        out = kubectl({QStringLiteral("create"), QStringLiteral("namespace"), ns}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QCOMPARE(kubectl(everything, &code).trimmed(), QString());
        // The same Deployment again gets pods of its own: none of the names the deleted one's had.
        out = kubectl(QStringList{QStringLiteral("create"), QStringLiteral("deployment"), QStringLiteral("web"),
                                  QStringLiteral("--image=nginx"), QStringLiteral("--replicas=2")} +
                          inNs,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(kubectl(everything, &code).count(QStringLiteral("pod/web-")) == 2, 10'000);
        for (const QString &pod : kubectl(everything, &code).split(QLatin1Char('\n')).filter(QStringLiteral("pod/"))) {
            QVERIFY2(!podsBefore.contains(pod), qPrintable(pod + QLatin1String(" was the deleted namespace's")));
        }
        out = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), ns}, &code);
        QVERIFY2(code == 0, qPrintable(out));

        out = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), QStringLiteral("default")}, &code);
        QVERIFY2(code == 1 && out.contains(QStringLiteral("namespaces \"default\" is forbidden: this namespace may "
                                                          "not be deleted")),
                 qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestKubectlWorkloads)
#include "tst_kubectlworkloads.moc"
