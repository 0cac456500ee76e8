// kubectl's writes against the demo cluster, as a release engineer practises them: create, apply
// (with the server checking fields), rollout history and undo, dry runs and careful deletes, and
// the refusals a real kube-apiserver gives, in its words.

#include "ctlrunner.h"
#include "kubectlsession.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

using namespace Curtain;

class TestKubectlWrites : public QObject
{
    Q_OBJECT

    Test::KubectlSession m_kubectl;

    QString kubectl(const QStringList &arguments, int *exitCode) { return m_kubectl.run(arguments, exitCode); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_kubectl.start(&error), qPrintable(error));
    }

    void create_isAcceptedAndReadBack()
    {
        int code = 0;
        QString out = kubectl({QStringLiteral("create"), QStringLiteral("deployment"),
                               QStringLiteral("made-by-kubectl"), QStringLiteral("--image=registry.demo.local/made:v1"),
                               QStringLiteral("-n"), QStringLiteral("demo")},
                              &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("created")), qPrintable(out));
        out = kubectl({QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("made-by-kubectl"),
                       QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("-o"),
                       QStringLiteral("jsonpath={.spec.template.spec.containers[0].image}")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        QCOMPARE(out, QStringLiteral("registry.demo.local/made:v1"));
    }

    // `kubectl apply -f` as a release engineer practises with it, without --validate=false: kubectl
    // reads the OpenAPI v3 discovery, finds that the server checks fields, and leaves that to it. A
    // typo is refused in the words a real cluster uses, and changes nothing.
    void apply_needsNoFlagsAndRefusesATypo()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto write = [&dir](const QString &name, const QByteArray &text) {
            QFile file(dir.filePath(name));
            return file.open(QIODevice::WriteOnly) && file.write(text) == text.size() ? file.fileName() : QString();
        };
        const QByteArray deployment = "apiVersion: apps/v1\n"
                                      "kind: Deployment\n"
                                      "metadata: {name: applied-web, namespace: demo}\n"
                                      "spec:\n"
                                      "  replicas: 1\n"
                                      "  selector: {matchLabels: {app: applied-web}}\n"
                                      "  template:\n"
                                      "    metadata: {labels: {app: applied-web}}\n"
                                      "    spec: {containers: [{name: web, image: 'registry.demo.local/web:v1'}]}\n";
        int code = -1;
        QString out = kubectl(
            {QStringLiteral("apply"), QStringLiteral("-f"), write(QStringLiteral("v1.yaml"), deployment)}, &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("deployment.apps/applied-web created")), qPrintable(out));
        out = kubectl({QStringLiteral("describe"), QStringLiteral("deployment"), QStringLiteral("applied-web"),
                       QStringLiteral("-n"), QStringLiteral("demo")},
                      &code); // what the server filled in, as a cluster's defaulting does
        QVERIFY2(code == 0 && out.contains(QStringLiteral("StrategyType:           RollingUpdate")) &&
                     out.contains(QStringLiteral("RollingUpdateStrategy:  25% max unavailable, 25% max surge")),
                 qPrintable(out));
        QByteArray v2 = deployment;
        v2.replace("web:v1", "web:v2");
        out = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), write(QStringLiteral("v2.yaml"), v2)}, &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("deployment.apps/applied-web configured")), qPrintable(out));
        const QStringList image{QStringLiteral("get"),
                                QStringLiteral("deployment"),
                                QStringLiteral("applied-web"),
                                QStringLiteral("-n"),
                                QStringLiteral("demo"),
                                QStringLiteral("-o"),
                                QStringLiteral("jsonpath={.spec.template.spec.containers[0].image}")};
        QCOMPARE(kubectl(image, &code), QStringLiteral("registry.demo.local/web:v2"));

        // Typos at the top, in metadata and in the spec: refused on the update and on a create alike.
        QByteArray typo = v2;
        typo.replace("web:v2", "web:v3").replace("\nspec:", "\nsepc:");
        out = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), write(QStringLiteral("typo.yaml"), typo)}, &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral("strict decoding error: unknown field \"sepc\"")),
                 qPrintable(out));
        QCOMPARE(kubectl(image, &code), QStringLiteral("registry.demo.local/web:v2"));
        typo = v2;
        typo.replace("web:v2", "web:v3").replace("replicas: 1", "replica: 3");
        out = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), write(QStringLiteral("typo.yaml"), typo)}, &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral("strict decoding error: unknown field \"spec.replica\"")),
                 qPrintable(out));
        QCOMPARE(kubectl(image, &code), QStringLiteral("registry.demo.local/web:v2"));
        QByteArray labels = deployment;
        labels.replace("applied-web, namespace", "applied-web-2, namespace")
            .replace("metadata: {name", "metadata: {lables: {a: b}, name");
        out = kubectl({QStringLiteral("create"), QStringLiteral("-f"), write(QStringLiteral("labels.yaml"), labels)},
                      &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral("unknown field \"metadata.lables\"")), qPrintable(out));
        out = kubectl({QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("applied-web-2"),
                       QStringLiteral("-n"), QStringLiteral("demo")},
                      &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral("NotFound")), qPrintable(out));

        // A custom resource goes the same way (its group's document lists it).
        const QByteArray route = "apiVersion: gateway.networking.k8s.io/v1\n"
                                 "kind: HTTPRoute\n"
                                 "metadata: {name: applied-route, namespace: demo}\n"
                                 "spec:\n"
                                 "  parentRefs: [{name: demo-gateway}]\n"
                                 "  rules: [{backendRefs: [{name: applied-web, port: 80, weight: 100}]}]\n";
        out =
            kubectl({QStringLiteral("apply"), QStringLiteral("-f"), write(QStringLiteral("route.yaml"), route)}, &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("httproute.gateway.networking.k8s.io/applied-route created")),
                 qPrintable(out));
        // Gone again, so that this function can run twice against one cluster.
        out = kubectl({QStringLiteral("delete"), QStringLiteral("-f"), dir.filePath(QStringLiteral("route.yaml")),
                       QStringLiteral("-f"), dir.filePath(QStringLiteral("v2.yaml"))},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
    }

    // A Deployment's ReplicaSets, as `kubectl rollout history` and `undo` need them: one per template,
    // numbered; an undo brings the old one back under the next number; deleting the Deployment takes
    // its ReplicaSets and pods with it.
    void rolloutHistoryAndUndo_workOnADeployment()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto apply = [this, &dir](const QByteArray &image, int *code) -> QString {
            QFile file(dir.filePath(QStringLiteral("undo.yaml")));
            const QByteArray text = "apiVersion: apps/v1\n"
                                    "kind: Deployment\n"
                                    "metadata: {name: undo-web, namespace: demo}\n"
                                    "spec:\n"
                                    "  replicas: 2\n"
                                    "  selector: {matchLabels: {app: undo-web}}\n"
                                    "  template:\n"
                                    "    metadata: {labels: {app: undo-web}}\n"
                                    // cpu: 1 is a number here; kubectl's undo sends it back as "1"
                                    "    spec: {containers: [{name: web, resources: {limits: {cpu: 1, memory: 0.5Gi}},"
                                    " image: 'registry.demo.local/web:" +
                                    image + "'}]}\n";
            if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size()) {
                return QStringLiteral("cannot write ") + file.fileName();
            }
            file.close();
            return kubectl({QStringLiteral("apply"), QStringLiteral("-f"), file.fileName()}, code);
        };
        const auto run = [this](const QString &command, int *code) {
            return kubectl(command.split(QLatin1Char(' ')) + QStringList{QStringLiteral("-n"), QStringLiteral("demo")},
                           code);
        };
        int code = -1;
        QString out = apply("v1", &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = run(QStringLiteral("rollout status deployment/undo-web --timeout=30s"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("successfully rolled out")), qPrintable(out));
        out = apply("v2", &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = run(QStringLiteral("rollout status deployment/undo-web --timeout=30s"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("successfully rolled out")), qPrintable(out));

        out = run(QStringLiteral("rollout history deployment/undo-web"), &code);
        QVERIFY2(code == 0 && QRegularExpression(QStringLiteral("\\n1 +<none>\\n2 +<none>\\n")).match(out).hasMatch(),
                 qPrintable(out));
        out = run(QStringLiteral("get rs -l app=undo-web -o name"), &code);
        QCOMPARE(out.count(QStringLiteral("replicaset.apps/undo-web-")), 2);
        // Each pod belongs to the current ReplicaSet, which the Deployment's revision names.
        const QString current = run(QStringLiteral("get rs -l app=undo-web -o "
                                                   "jsonpath={.items[?(@.spec.replicas==2)].metadata.name}"),
                                    &code);
        QVERIFY2(current.startsWith(QStringLiteral("undo-web-")), qPrintable(current));
        QTRY_COMPARE(
            run(QStringLiteral("get pods -l app=undo-web -o jsonpath={.items[*].metadata.ownerReferences[0].name}"),
                &code),
            current + QLatin1Char(' ') + current);

        out = run(QStringLiteral("rollout undo deployment/undo-web"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("rolled back")), qPrintable(out));
        out = run(QStringLiteral("rollout status deployment/undo-web --timeout=30s"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("successfully rolled out")), qPrintable(out));
        QCOMPARE(
            run(QStringLiteral("get deployment undo-web -o jsonpath={.spec.template.spec.containers[0].image}"), &code),
            QStringLiteral("registry.demo.local/web:v1"));
        out = run(QStringLiteral("rollout history deployment/undo-web"), &code);
        QVERIFY2(QRegularExpression(QStringLiteral("\\n2 +<none>\\n3 +<none>\\n")).match(out).hasMatch(),
                 qPrintable(out));
        QCOMPARE(run(QStringLiteral("get rs -l app=undo-web -o name"), &code).count(QStringLiteral("replicaset.apps/")),
                 2);
        // Stored as kube-apiserver stores quantities, which is why the undo found its ReplicaSet again.
        QCOMPARE(run(QStringLiteral(
                         "get deployment undo-web -o jsonpath={.spec.template.spec.containers[0].resources.limits}"),
                     &code),
                 QStringLiteral(R"({"cpu":"1","memory":"512Mi"})"));

        out = run(QStringLiteral("delete deployment undo-web"), &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            (out = run(QStringLiteral("get rs,pods -l app=undo-web -o name"), &code)).trimmed().isEmpty(), 10'000);
    }

    // kubectl delete --cascade=orphan: the Deployment goes, its ReplicaSet and pods stay, owned by no
    // Deployment, and the garbage collector leaves them (another Deployment's, deleted after, goes).
    void deleteWithCascadeOrphan_leavesTheReplicaSetAndItsPods()
    {
        const auto run = [this](const QString &command, int *code) {
            return kubectl(command.split(QLatin1Char(' ')) + QStringList{QStringLiteral("-n"), QStringLiteral("demo")},
                           code);
        };
        int code = -1;
        for (const QString &app : {QStringLiteral("orphan-web"), QStringLiteral("collected-web")}) {
            QString out = run(
                QStringLiteral("create deployment %1 --image=registry.demo.local/web:v1 --replicas=2").arg(app), &code);
            QVERIFY2(code == 0, qPrintable(out));
            out = run(QStringLiteral("rollout status deployment/%1 --timeout=30s").arg(app), &code);
            QVERIFY2(code == 0 && out.contains(QStringLiteral("successfully rolled out")), qPrintable(out));
        }
        const QString replicaSet = run(QStringLiteral("get rs -l app=orphan-web -o name"), &code).trimmed();
        QVERIFY2(code == 0 && replicaSet.startsWith(QStringLiteral("replicaset.apps/orphan-web-")),
                 qPrintable(replicaSet));

        // A policy kube does not know is refused, and the Deployment stays.
        QString out = kubectl({QStringLiteral("delete"), QStringLiteral("--raw"),
                               QStringLiteral("/apis/apps/v1/namespaces/demo/deployments/orphan-web"
                                              "?propagationPolicy=Sometimes")},
                              &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral(R"(propagationPolicy: Unsupported value: "Sometimes")")),
                 qPrintable(out));
        QVERIFY2(run(QStringLiteral("get deployment orphan-web -o name"), &code).contains(QStringLiteral("orphan-web")),
                 "a refused delete deletes nothing");

        out = run(QStringLiteral("delete deployment orphan-web --cascade=orphan"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("deleted")), qPrintable(out));
        out = run(QStringLiteral("delete deployment collected-web"), &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            run(QStringLiteral("get rs,pods -l app=collected-web -o name"), &code).trimmed().isEmpty(), 10'000);

        QCOMPARE(run(QStringLiteral("get rs -l app=orphan-web -o name"), &code).trimmed(), replicaSet);
        QCOMPARE(run(QStringLiteral("get ") + replicaSet + QStringLiteral(" -o jsonpath={.metadata.ownerReferences}"),
                     &code),
                 QString());
        const QString pods = run(QStringLiteral("get pods -l app=orphan-web -o name"), &code);
        QCOMPARE(pods.count(QStringLiteral("pod/orphan-web-")), 2);
        // Its pods are still the ReplicaSet's.
        QVERIFY2(
            run(QStringLiteral("get pods -l app=orphan-web -o jsonpath={.items[*].metadata.ownerReferences[0].kind}"),
                &code) == QStringLiteral("ReplicaSet ReplicaSet"),
            "the pods keep their ReplicaSet as owner");
        out = run(QStringLiteral("delete ") + replicaSet, &code);
        QVERIFY2(code == 0, qPrintable(out));
    }

    // kubectl delete --cascade=foreground: the Deployment stays, marked with the foregroundDeletion
    // finalizer, until its ReplicaSet and pods are gone; no pod is made again meanwhile. A pod held
    // by a finalizer of its own holds them all, as on a real cluster, until it is let go.
    void deleteWithCascadeForeground_removesThePodsBeforeTheDeployment()
    {
        const auto run = [this](const QString &command, int *code) {
            return kubectl(command.split(QLatin1Char(' ')) + QStringList{QStringLiteral("-n"), QStringLiteral("demo")},
                           code);
        };
        int code = -1;
        QString out =
            run(QStringLiteral("create deployment fg-web --image=registry.demo.local/web:v1 --replicas=2"), &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = run(QStringLiteral("rollout status deployment/fg-web --timeout=30s"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("successfully rolled out")), qPrintable(out));
        const QStringList pods =
            run(QStringLiteral("get pods -l app=fg-web -o name"), &code).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(pods.size(), 2);
        const QString held = pods.first();
        out = kubectl({QStringLiteral("patch"), held, QStringLiteral("-n"), QStringLiteral("demo"),
                       QStringLiteral("--type=merge"), QStringLiteral("-p"),
                       QStringLiteral(R"({"metadata":{"finalizers":["example.com/hold"]}})")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));

        out = run(QStringLiteral("delete deployment fg-web --cascade=foreground --dry-run=server"), &code);
        QVERIFY2(code == 0, qPrintable(out));
        QCOMPARE(run(QStringLiteral("get deployment fg-web -o jsonpath={.metadata.finalizers}"), &code), QString());
        out = run(QStringLiteral("delete deployment fg-web --cascade=foreground --wait=false"), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("deleted")), qPrintable(out));
        // The other pod goes; the held one stays, being deleted, and so do its owners.
        QTRY_COMPARE_WITH_TIMEOUT(run(QStringLiteral("get pods -l app=fg-web -o name"), &code).trimmed(), held, 10'000);
        QCOMPARE(run(QStringLiteral("get deployment fg-web -o jsonpath={.metadata.finalizers}"), &code),
                 QStringLiteral(R"(["foregroundDeletion"])"));
        QVERIFY(
            !run(QStringLiteral("get deployment fg-web -o jsonpath={.metadata.deletionTimestamp}"), &code).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(
            run(QStringLiteral("get rs -l app=fg-web -o jsonpath={.items[*].metadata.finalizers}"), &code),
            QStringLiteral(R"(["foregroundDeletion"])"), 10'000);
        QVERIFY2(
            !run(QStringLiteral("get ") + held + QStringLiteral(" -o jsonpath={.metadata.deletionTimestamp}"), &code)
                 .isEmpty(),
            "the held pod is being deleted");

        out = kubectl({QStringLiteral("patch"), held, QStringLiteral("-n"), QStringLiteral("demo"),
                       QStringLiteral("--type=merge"), QStringLiteral("-p"),
                       QStringLiteral(R"({"metadata":{"finalizers":null}})")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            run(QStringLiteral("get deployment,rs,pods -l app=fg-web -o name"), &code).trimmed().isEmpty() &&
                run(QStringLiteral("get deployment fg-web -o name --ignore-not-found"), &code).trimmed().isEmpty(),
            10'000);
    }

    // A Deployment its finalizers hold stays after `kubectl delete`, marked, and its pods still run:
    // curtainctl says it is going away and moves no traffic to it. With the last finalizer taken
    // off it is gone, its ReplicaSet and pods with it.
    void deleteHeldByAFinalizer_movesNoTrafficToIt()
    {
        int code = -1;
        const auto run = [this, &code](const QStringList &arguments) {
            return kubectl(arguments + QStringList{QStringLiteral("-n"), QStringLiteral("demo")}, &code);
        };
        const QString deployment = QStringLiteral("deployment/checkout-green");
        QString out = run({QStringLiteral("patch"), deployment, QStringLiteral("--type=merge"), QStringLiteral("-p"),
                           QStringLiteral(R"({"metadata":{"finalizers":["example.com/hold"]}})")});
        QVERIFY2(code == 0, qPrintable(out));
        out = run({QStringLiteral("delete"), deployment, QStringLiteral("--wait=false")});
        QVERIFY2(code == 0 && out.contains(QStringLiteral("deleted")), qPrintable(out));
        out = run({QStringLiteral("get"), deployment, QStringLiteral("-o"),
                   QStringLiteral("jsonpath={.metadata.deletionTimestamp} {.status.readyReplicas}")});
        QVERIFY2(code == 0 &&
                     QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT[\d:]+Z 3$)")).match(out).hasMatch(),
                 qPrintable(out));

        const QStringList cluster{QStringLiteral("--server"), m_kubectl.sim().url(), QStringLiteral("-n"),
                                  QStringLiteral("demo")};
        const Test::CtlRun status =
            Test::runCurtainctl(cluster + QStringList{QStringLiteral("status"), QStringLiteral("checkout")});
        QVERIFY2(status.exitCode == 0 && status.out.contains(QStringLiteral("being deleted since ")) &&
                     status.out.contains(QStringLiteral(", held by example.com/hold\n")),
                 qPrintable(status.out + status.err));
        const Test::CtlRun flip =
            Test::runCurtainctl(cluster + QStringList{QStringLiteral("flip"), QStringLiteral("checkout")});
        QVERIFY2(flip.exitCode == 1 && flip.err.contains(QStringLiteral("cannot flip checkout: green's Deployment "
                                                                        "checkout-green is being deleted since ")),
                 qPrintable(flip.out + flip.err));
        out = run({QStringLiteral("get"), QStringLiteral("service/checkout"), QStringLiteral("-o"),
                   QStringLiteral(R"(jsonpath={.spec.selector.curtain\.dev/color})")});
        QCOMPARE(out, QStringLiteral("blue"));

        out = run({QStringLiteral("patch"), deployment, QStringLiteral("--type=merge"), QStringLiteral("-p"),
                   QStringLiteral(R"({"metadata":{"finalizers":["example.com/hold","example.com/late"]}})")});
        QVERIFY2(code != 0 &&
                     out.contains(QStringLiteral("no new finalizers can be added if the object is being "
                                                 "deleted, found new finalizers []string{\"example.com/late\"}")),
                 qPrintable(out));
        out = run({QStringLiteral("patch"), deployment, QStringLiteral("--type=json"), QStringLiteral("-p"),
                   QStringLiteral(R"([{"op":"remove","path":"/metadata/finalizers"}])")});
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            run({QStringLiteral("get"), QStringLiteral("deployments,rs,pods"), QStringLiteral("-l"),
                 QStringLiteral("app=checkout,curtain.dev/color=green"), QStringLiteral("-o"), QStringLiteral("name")})
                .trimmed()
                .isEmpty(),
            10'000);
        const Test::CtlRun gone =
            Test::runCurtainctl(cluster + QStringList{QStringLiteral("status"), QStringLiteral("checkout")});
        QVERIFY2(gone.exitCode == 0 && gone.out.contains(QStringLiteral("no Deployment")),
                 qPrintable(gone.out + gone.err));
    }

    // What the sim refuses, kubectl prints in the words it prints for a real cluster.
    void refusals_readAsFromARealServer_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing namespace")
            << QStringList{QStringLiteral("create"),        QStringLiteral("deployment"), QStringLiteral("web"),
                           QStringLiteral("--image=nginx"), QStringLiteral("-n"),         QStringLiteral("nowhere")}
            << QStringLiteral(R"(namespaces "nowhere" not found)");
        QTest::newRow("replicas over int32")
            << QStringList{QStringLiteral("patch"),
                           QStringLiteral("deployment"),
                           QStringLiteral("checkout-blue"),
                           QStringLiteral("-n"),
                           QStringLiteral("demo"),
                           QStringLiteral("--type"),
                           QStringLiteral("merge"),
                           QStringLiteral("-p"),
                           QStringLiteral(R"({"spec":{"replicas":1000000000000}})")}
            << QStringLiteral(R"(The Deployment "checkout-blue" is invalid: spec.replicas: Invalid value: )"
                              R"(1000000000000: must be less than or equal to 2147483647)");
        // Every problem, one line each, as kubectl prints a Status with several causes.
        QTest::newRow("two problems at once")
            << QStringList{QStringLiteral("patch"),
                           QStringLiteral("deployment/checkout-blue"),
                           QStringLiteral("-n"),
                           QStringLiteral("demo"),
                           QStringLiteral("--type"),
                           QStringLiteral("merge"),
                           QStringLiteral("-p"),
                           QStringLiteral(R"({"metadata":{"labels":{"team":"a b"}},"spec":{"replicas":-1}})")}
            << QStringLiteral("\n* spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        // Label and annotation keys and label values are checked as kube-apiserver checks them.
        QTest::newRow("label key with a space")
            << QStringList{QStringLiteral("label"), QStringLiteral("deployment/checkout-blue"),
                           QStringLiteral("bad label=x"), QStringLiteral("-n"), QStringLiteral("demo")}
            << QStringLiteral(R"(metadata.labels: Invalid value: "bad label": name part must consist of)");
        QTest::newRow("label value with a space")
            << QStringList{QStringLiteral("patch"),  QStringLiteral("deployment/checkout-blue"),
                           QStringLiteral("-n"),     QStringLiteral("demo"),
                           QStringLiteral("--type"), QStringLiteral("merge"),
                           QStringLiteral("-p"),     QStringLiteral(R"({"metadata":{"labels":{"team":"a b"}}})")}
            << QStringLiteral(R"(metadata.labels: Invalid value: "a b": a valid label must be an empty string)");
        QTest::newRow("annotation key") << QStringList{QStringLiteral("annotate"),
                                                       QStringLiteral("deployment/checkout-blue"),
                                                       QStringLiteral("bad key!=x"), QStringLiteral("-n"),
                                                       QStringLiteral("demo")}
                                        << QStringLiteral(R"(metadata.annotations: Invalid value: "bad key!")");
        // What kube-apiserver keeps as set, and a selector that must select the template's pods.
        const auto patchOf = [](const QString &object, const QString &type, const QString &body) {
            return QStringList{QStringLiteral("patch"),  object, QStringLiteral("-n"), QStringLiteral("demo"),
                               QStringLiteral("--type"), type,   QStringLiteral("-p"), body};
        };
        QTest::newRow("selector is immutable")
            << patchOf(QStringLiteral("deployment/checkout-blue"), QStringLiteral("merge"),
                       QStringLiteral(R"({"spec":{"selector":{"matchLabels":{"app":"other"}}}})"))
            << QStringLiteral("spec.selector: Invalid value: ");
        QTest::newRow("cluster IP is immutable")
            << patchOf(QStringLiteral("service/checkout"), QStringLiteral("merge"),
                       QStringLiteral(R"({"spec":{"clusterIP":"10.96.9.9"}})"))
            << QStringLiteral(R"(spec.clusterIP: Invalid value: "10.96.9.9": field is immutable)");
        QTest::newRow("selector must match the template")
            << patchOf(QStringLiteral("deployment/checkout-blue"), QStringLiteral("json"),
                       QStringLiteral(R"([{"op":"replace","path":"/spec/template/metadata/labels/app","value":"x"}])"))
            << QStringLiteral("`selector` does not match template `labels`");
    }

    void refusals_readAsFromARealServer()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        int code = 0;
        const QString out = kubectl(arguments, &code);
        QVERIFY(code != 0);
        QVERIFY2(out.contains(expected), qPrintable(out));
    }

    // Each cluster IP is one Service's: one asked for that another Service holds is refused, in
    // kube-apiserver's allocator words, and nothing is made (the sim took it, and two Services
    // answered at one address); so is one that is no IP address or lies outside the service range.
    void create_aServiceAtAHeldAddressIsRefused()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        int code = -1;
        const QString held = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("service/checkout"),
                                                 QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.clusterIP}")} +
                                         ns,
                                     &code);
        QVERIFY2(code == 0 && QRegularExpression(QStringLiteral(R"(^10\.\d+\.\d+\.\d+$)")).match(held).hasMatch(),
                 qPrintable(held));
        QString out = kubectl(QStringList{QStringLiteral("create"), QStringLiteral("service"),
                                          QStringLiteral("clusterip"), QStringLiteral("twin"),
                                          QStringLiteral("--tcp=80:8080"), QStringLiteral("--clusterip=") + held} +
                                  ns,
                              &code);
        QVERIFY(code != 0);
        QVERIFY2(out.contains(QStringLiteral(R"(Service "twin" is invalid: spec.clusterIPs: Invalid value: )"
                                             R"([]string{"%1"}: failed to allocate IP %1: provided IP is already )"
                                             R"(allocated)")
                                  .arg(held)),
                 qPrintable(out));
        // Nor one that is no address, or one outside the cluster's service range.
        const QList<std::pair<QString, QString>> unusable = {
            {QStringLiteral("abc"), QStringLiteral(R"(spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP )"
                                                   R"(address, (e.g. 10.9.8.7 or 2001:db8::ffff))")},
            {QStringLiteral("1.2.3.4"),
             QStringLiteral(R"(failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. )"
                            R"(The range of valid IPs is 10.96.0.0/12)")}};
        for (const auto &[address, words] : unusable) {
            out = kubectl(QStringList{QStringLiteral("create"), QStringLiteral("service"), QStringLiteral("clusterip"),
                                      QStringLiteral("twin"), QStringLiteral("--tcp=80:8080"),
                                      QStringLiteral("--clusterip=") + address} +
                              ns,
                          &code);
            QVERIFY2(code != 0 && out.contains(words), qPrintable(out));
        }
        out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("service/twin")} + ns, &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral(R"(services "twin" not found)")), qPrintable(out));
    }

    // kubectl's --dry-run=server (and so kubectl diff) asks the server to check a write and store
    // nothing. The sim used to store it: `kubectl diff` changed the demo.
    void serverDryRun_checksAndStoresNothing()
    {
        int code = 0;
        const auto rv = [&](const QString &kindAndName) {
            return kubectl({QStringLiteral("get"), kindAndName, QStringLiteral("-n"), QStringLiteral("demo"),
                            QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.resourceVersion}")},
                           &code);
        };
        const QString before = rv(QStringLiteral("deployment/search-green"));
        const QString replicas =
            kubectl({QStringLiteral("get"), QStringLiteral("deployment/search-green"), QStringLiteral("-n"),
                     QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.replicas}")},
                    &code);
        for (const QStringList &command :
             {QStringList{QStringLiteral("scale"), QStringLiteral("deployment/search-green"),
                          QStringLiteral("--replicas=7")},
              QStringList{QStringLiteral("patch"), QStringLiteral("deployment/search-green"), QStringLiteral("--type"),
                          QStringLiteral("merge"), QStringLiteral("-p"), QStringLiteral(R"({"spec":{"replicas":9}})")},
              QStringList{QStringLiteral("label"), QStringLiteral("deployment/search-green"),
                          QStringLiteral("tried=yes")},
              QStringList{QStringLiteral("create"), QStringLiteral("configmap"), QStringLiteral("dry-made"),
                          QStringLiteral("--from-literal=a=b")},
              QStringList{QStringLiteral("delete"), QStringLiteral("deployment/search-green")}}) {
            const QString out = kubectl(
                command + QStringList{QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("--dry-run=server")},
                &code);
            QVERIFY2(code == 0, qPrintable(out)); // accepted; what was stored is checked below
        }
        QCOMPARE(rv(QStringLiteral("deployment/search-green")), before);
        QCOMPARE(kubectl({QStringLiteral("get"), QStringLiteral("deployment/search-green"), QStringLiteral("-n"),
                          QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.replicas}")},
                         &code),
                 replicas);
        const QString made = kubectl(
            {QStringLiteral("get"), QStringLiteral("configmap/dry-made"), QStringLiteral("-n"), QStringLiteral("demo")},
            &code);
        QVERIFY2(code != 0 && made.contains(QStringLiteral("NotFound")), qPrintable(made));
    }

    // DeleteOptions' preconditions, as kubectl's and client-go's careful deletes send them: a uid or
    // resourceVersion that is not the object's is a 409, and the object stays.
    void deletePreconditions_protectTheObject()
    {
        int code = 0;
        const QString uid =
            kubectl({QStringLiteral("get"), QStringLiteral("configmap/offers-flags"), QStringLiteral("-n"),
                     QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.uid}")},
                    &code);
        QVERIFY2(code == 0 && !uid.isEmpty(), qPrintable(uid));
        httplib::Client sim("127.0.0.1", m_kubectl.sim().port());
        for (const std::string &preconditions :
             {std::string(R"({"uid":"not-its-uid"})"), std::string(R"({"resourceVersion":"1"})")}) {
            const auto reply =
                sim.Delete("/api/v1/namespaces/demo/configmaps/offers-flags",
                           R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":)" + preconditions + "}",
                           "application/json");
            QVERIFY(reply);
            QCOMPARE(reply->status, 409);
            QVERIFY2(reply->body.find("Precondition failed") != std::string::npos, reply->body.c_str());
        }
        QCOMPARE(kubectl({QStringLiteral("get"), QStringLiteral("configmap/offers-flags"), QStringLiteral("-n"),
                          QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.uid}")},
                         &code),
                 uid);
    }

    void strategicPatchOnACustomResource_isRefusedLikeARealServer()
    {
        int code = 0;
        const QString out = kubectl({QStringLiteral("patch"), QStringLiteral("httproute"), QStringLiteral("catalog"),
                                     QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("-p"),
                                     QStringLiteral(R"({"spec":{"rules":[]}})")},
                                    &code);
        QVERIFY(code != 0);
        QVERIFY2(out.contains(QStringLiteral("application/merge-patch+json")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestKubectlWrites)
#include "tst_kubectlwrites.moc"
