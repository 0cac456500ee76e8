// kubectl is the second, independent client: it must read and patch the demo cluster, and a change
// it makes must reach Curtain's snapshot through the watch within a second.

#include "core/action.h"
#include "engine/releaseengine.h"
#include "engine/session.h"

#include "kubectlsession.h"
#include "releasesseen.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <algorithm>

using namespace Curtain;

class TestKubectl : public QObject
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

    // Pods for the Deployments' replicas, and their logs: what kubectl shows a release engineer.
    void getPodsAndLogs_workAgainstTheDemo()
    {
        int code = -1;
        QString out;
        QTRY_VERIFY_WITH_TIMEOUT(
            (out = kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("demo"),
                            QStringLiteral("-l"), QStringLiteral("app=catalog"), QStringLiteral("-o"),
                            QStringLiteral("wide")},
                           &code))
                    .count(QLatin1String("Running")) == 6,
            10'000);
        QCOMPARE(code, 0);
        QVERIFY2(out.startsWith(QLatin1String("NAME ")) && out.contains(QLatin1String("RESTARTS")) &&
                     out.contains(QLatin1String("sim-node-")),
                 qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("catalog-blue-")) && out.contains(QLatin1String("1/1")), qPrintable(out));
        // blue serves all of catalog's traffic: its pods' logs fill with request lines.
        const QString pod = out.section(QLatin1Char('\n'), 1, 1).section(QLatin1Char(' '), 0, 0);
        QVERIFY2(pod.startsWith(QLatin1String("catalog-blue-")), qPrintable(pod));
        QTRY_VERIFY_WITH_TIMEOUT((out = kubectl({QStringLiteral("logs"), QStringLiteral("-n"), QStringLiteral("demo"),
                                                 pod, QStringLiteral("--tail"), QStringLiteral("3")},
                                                &code))
                                         .count(QLatin1String("HTTP/1.1")) == 3,
                                 10'000);
        QCOMPARE(code, 0);
        QVERIFY2(out.contains(QLatin1String("\"GET /items/")), qPrintable(out));
        out = kubectl(
            {QStringLiteral("logs"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("no-such-pod")},
            &code);
        QVERIFY(code != 0);
        QVERIFY2(out.contains(QLatin1String("pods \"no-such-pod\" not found")), qPrintable(out));
    }

    // A Service made with kubectl gets what kube-apiserver fills in: a cluster IP of its own (the sim
    // left none, and kubectl showed CLUSTER-IP None, as for a headless one), its families, the
    // session affinity and each port's protocol; a headless one stays headless.
    void createdService_getsAClusterIpAndDefaults()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        int code = -1;
        QString out =
            kubectl(QStringList{QStringLiteral("create"), QStringLiteral("service"), QStringLiteral("clusterip"),
                                QStringLiteral("probe-svc"), QStringLiteral("--tcp=80:8080")} +
                        ns,
                    &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl(QStringList{QStringLiteral("create"), QStringLiteral("service"), QStringLiteral("clusterip"),
                                  QStringLiteral("probe-headless"), QStringLiteral("--clusterip=None")} +
                          ns,
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        const auto fields = [&](const QString &service) {
            return kubectl(QStringList{QStringLiteral("get"), QStringLiteral("service"), service, QStringLiteral("-o"),
                                       QStringLiteral("jsonpath={.spec.clusterIP} {.spec.clusterIPs[0]} "
                                                      "{.spec.ipFamilies[0]} {.spec.sessionAffinity} "
                                                      "{.spec.ports[0].protocol}")} +
                               ns,
                           &code)
                .split(QLatin1Char(' '));
        };
        const QStringList probe = fields(QStringLiteral("probe-svc"));
        QCOMPARE(probe.size(), 5);
        QVERIFY2(QRegularExpression(QStringLiteral(R"(^10\.\d+\.\d+\.\d+$)")).match(probe[0]).hasMatch(),
                 qPrintable(probe.join(QLatin1Char(' '))));
        QCOMPARE(probe[1], probe[0]);
        QCOMPARE(probe.mid(2), (QStringList{QStringLiteral("IPv4"), QStringLiteral("None"), QStringLiteral("TCP")}));
        QCOMPARE(fields(QStringLiteral("probe-headless")).constFirst(), QStringLiteral("None"));
        out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("service"), QStringLiteral("probe-svc")} + ns,
                      &code);
        QVERIFY2(code == 0 && out.contains(probe[0]), qPrintable(out));
        // A replace that leaves the address empty (as Helm charts and kubectl apply send it) keeps it,
        // and gets the defaults it left out again.
        nlohmann::json service = nlohmann::json::parse(
            kubectl(QStringList{QStringLiteral("get"), QStringLiteral("service"), QStringLiteral("probe-svc"),
                                QStringLiteral("-o"), QStringLiteral("json")} +
                        ns,
                    &code)
                .toStdString(),
            nullptr, false);
        QVERIFY(service.is_object() && service.contains("spec"));
        service["spec"]["clusterIP"] = "";
        service["spec"].erase("clusterIPs");
        service["spec"].erase("sessionAffinity");
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("probe-svc.json"));
        QVERIFY(!Test::writeFile(file, QByteArray::fromStdString(service.dump())).isEmpty());
        out = kubectl(QStringList{QStringLiteral("replace"), QStringLiteral("-f"), file} + ns, &code);
        QVERIFY2(code == 0, qPrintable(out));
        const QStringList replaced = fields(QStringLiteral("probe-svc"));
        QCOMPARE(replaced.value(0), probe[0]);
        QCOMPARE(replaced.value(1), probe[0]);
        QCOMPARE(replaced.value(3), QStringLiteral("None"));
        kubectl(QStringList{QStringLiteral("delete"), QStringLiteral("service"), QStringLiteral("probe-svc"),
                            QStringLiteral("probe-headless")} +
                    ns,
                &code);
        QCOMPARE(code, 0);
    }

    // kubectl reads a list 500 rows at a time and goes on while a page carries a continue token.
    // The sim's tables carried none, so `kubectl get` over 500 objects printed the first 500. Read
    // in a namespace of the test's own (the demo's controllers make objects of their own at times).
    void get_readsEveryPageOfAChunkedList()
    {
        int code = -1;
        QString out = kubectl({QStringLiteral("create"), QStringLiteral("namespace"), QStringLiteral("pages")}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QStringList made;
        for (int i = 0; i < 9; ++i) {
            made << QStringLiteral("settings-%1").arg(i);
            out = kubectl({QStringLiteral("create"), QStringLiteral("configmap"), made.last(), QStringLiteral("-n"),
                           QStringLiteral("pages")},
                          &code);
            QVERIFY2(code == 0, qPrintable(out));
        }
        // The default output: kubectl asks for tables (-o name or custom columns read plain lists).
        const QString paged =
            kubectl({QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-n"), QStringLiteral("pages"),
                     QStringLiteral("--no-headers"), QStringLiteral("--chunk-size=4")},
                    &code);
        QVERIFY2(code == 0, qPrintable(paged));
        QStringList names;
        for (const QString &line : paged.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            names << line.section(QLatin1Char(' '), 0, 0);
        }
        QCOMPARE(names, made);
        out = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), QStringLiteral("pages")}, &code);
        QVERIFY2(code == 0, qPrintable(out));
    }

    // `kubectl get -w` prints each change in the kind's own columns: the sim sends each watch event's
    // object as a Table row when asked (it sent plain objects, and kubectl printed NAME and AGE only).
    void watch_printsEachChangeInTheKindsColumns()
    {
        QProcess watch;
        m_kubectl.startIn(watch, {QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("ratings-green"),
                                  QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("--watch"),
                                  QStringLiteral("--output-watch-events")});
        QString seen;
        QTRY_VERIFY_WITH_TIMEOUT(
            (seen += QString::fromUtf8(watch.readAllStandardOutput())).contains(QStringLiteral("UP-TO-DATE")), 10'000);
        int code = -1;
        const QString scaled = kubectl({QStringLiteral("scale"), QStringLiteral("deployment/ratings-green"),
                                        QStringLiteral("--replicas=3"), QStringLiteral("-n"), QStringLiteral("demo")},
                                       &code);
        QVERIFY2(code == 0, qPrintable(scaled));
        // EVENT NAME READY UP-TO-DATE AVAILABLE AGE, once all three replicas are ready.
        const QRegularExpression readyRow(QStringLiteral("MODIFIED +ratings-green +3/3 +3 +3 +\\S+"));
        QTRY_VERIFY2_WITH_TIMEOUT(readyRow.match(seen += QString::fromUtf8(watch.readAllStandardOutput())).hasMatch(),
                                  qPrintable(seen), 15'000);
        QCOMPARE(seen.count(QStringLiteral("UP-TO-DATE")), 1); // one header, then rows
        watch.kill();
        watch.waitForFinished();
        kubectl({QStringLiteral("scale"), QStringLiteral("deployment/ratings-green"), QStringLiteral("--replicas=2"),
                 QStringLiteral("-n"), QStringLiteral("demo")},
                &code); // as it was, for the other functions
    }

    void get_listsTheDemoObjects()
    {
        int code = 0;
        const QString out = kubectl({QStringLiteral("get"), QStringLiteral("deployments,services"),
                                     QStringLiteral("-n"), QStringLiteral("demo")},
                                    &code);
        QVERIFY2(code == 0, qPrintable(out));
        for (const char *name : {"catalog-blue", "catalog-green", "checkout-blue", "checkout-green", "checkout"}) {
            QVERIFY2(out.contains(QLatin1String(name)), qPrintable(out));
        }
        QVERIFY2(out.contains(QStringLiteral("3/3")), qPrintable(out)); // server-side Table columns
    }

    // The pod fields kube-apiserver selects on, the phase and the node above all (the sim refused
    // them as "field label not supported").
    void fieldSelector_picksPodsByPhaseAndNode()
    {
        const QStringList catalogPods = {QStringLiteral("get"), QStringLiteral("pods"),
                                         QStringLiteral("-n"),  QStringLiteral("demo"),
                                         QStringLiteral("-l"),  QStringLiteral("app=catalog"),
                                         QStringLiteral("-o"),  QStringLiteral("jsonpath={.items[*].spec.nodeName}")};
        int code = -1;
        QString out;
        QTRY_COMPARE_WITH_TIMEOUT(
            (out = kubectl(catalogPods + QStringList{QStringLiteral("--field-selector=status.phase=Running")}, &code))
                .split(QLatin1Char(' '), Qt::SkipEmptyParts)
                .size(),
            6, 10'000);
        const QStringList nodes = out.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        out = kubectl(catalogPods + QStringList{QStringLiteral("--field-selector=spec.nodeName=") + nodes.first()},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        const QStringList onIt = out.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QCOMPARE(onIt.size(), int(nodes.count(nodes.first())));
        QCOMPARE(onIt.count(nodes.first()), onIt.size());
        out = kubectl(catalogPods + QStringList{QStringLiteral("--field-selector=status.phase!=Running")}, &code);
        QVERIFY2(code == 0 && out.trimmed().isEmpty(), qPrintable(out));
        out = kubectl(catalogPods + QStringList{QStringLiteral("--field-selector=spec.bogus=1")}, &code);
        QVERIFY2(code != 0 && out.contains(QStringLiteral("field label not supported: spec.bogus")), qPrintable(out));
    }

    // The first thing anyone types on a new cluster, and a pod started by hand. The sim had no Nodes
    // ("the server doesn't have a resource type"), and a pod no workload owned stayed Pending, 0/0,
    // with no node or address. Now three Ready nodes; a pod of its own is bound to one and runs
    // with an address of that node's range; one bound to a node there is not stays Pending; and
    // a deleted Node comes back, as its kubelet registers it again. Each node renews its Lease.
    void nodes_runThePodsAClientStartsByHand()
    {
        int code = -1;
        QString out = kubectl(
            {QStringLiteral("get"), QStringLiteral("nodes"), QStringLiteral("-o"), QStringLiteral("wide")}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        for (int node : {1, 2, 3}) {
            const QRegularExpression row(
                QStringLiteral("\\nsim-node-%1 +Ready +\\S+ +\\S+ +v1\\.30\\.0 +172\\.18\\.0\\.%2 ")
                    .arg(node)
                    .arg(node + 1));
            QVERIFY2(out.contains(row), qPrintable(out));
        }
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("sim-node-1 +Ready +control-plane "))),
                 qPrintable(out));

        const QString nowhere =
            QStringLiteral("--overrides={\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"elsewhere\"}}");
        out = kubectl({QStringLiteral("run"), QStringLiteral("unplaced"), QStringLiteral("--image=nginx"), nowhere},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl({QStringLiteral("run"), QStringLiteral("by-hand"), QStringLiteral("--image=nginx"),
                       QStringLiteral("--labels=app=by-hand")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl({QStringLiteral("wait"), QStringLiteral("--for=condition=Ready"), QStringLiteral("pod/by-hand"),
                       QStringLiteral("--timeout=20s")},
                      &code);
        QVERIFY2(code == 0, qPrintable(out));
        out = kubectl({QStringLiteral("get"), QStringLiteral("pod"), QStringLiteral("by-hand"), QStringLiteral("-o"),
                       QStringLiteral("jsonpath={.spec.nodeName} {.status.podIP} {.status.hostIP} "
                                      "{.status.phase} {.status.containerStatuses[0].ready}")},
                      &code);
        const QStringList pod = out.split(QLatin1Char(' '));
        QVERIFY2(code == 0 && pod.size() == 5 && pod[3] == QLatin1String("Running") && pod[4] == QLatin1String("true"),
                 qPrintable(out));
        const QString node = pod[0];
        out =
            kubectl({QStringLiteral("get"), QStringLiteral("node"), node, QStringLiteral("-o"),
                     QStringLiteral("jsonpath={.spec.podCIDR} {.status.addresses[?(@.type==\"InternalIP\")].address}")},
                    &code);
        const QStringList range = out.split(QLatin1Char(' '));
        QVERIFY2(code == 0 && range.size() == 2, qPrintable(out));
        QVERIFY2(QHostAddress(pod[1]).isInSubnet(QHostAddress::parseSubnet(range[0])),
                 qPrintable(pod[1] + QStringLiteral(" is not in ") + range[0]));
        QCOMPARE(pod[2], range[1]); // hostIP: its node's address
        out = kubectl({QStringLiteral("describe"), QStringLiteral("node"), node}, &code);
        QVERIFY2(code == 0 && out.contains(QRegularExpression(QStringLiteral("\\n +default +by-hand "))),
                 qPrintable(out));
        // Its kubelet's heartbeat, not "Failed to get lease".
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("\\nLease:\\n +HolderIdentity: +") + node)),
                 qPrintable(out));
        // The same tick that started by-hand passed over this one: still waiting for its node.
        out = kubectl({QStringLiteral("get"), QStringLiteral("pod"), QStringLiteral("unplaced"), QStringLiteral("-o"),
                       QStringLiteral("jsonpath={.status.phase}/{.status.podIP}")},
                      &code);
        QVERIFY2(code == 0 && out == QLatin1String("Pending/"), qPrintable(out));

        const QStringList uidOfNode3 = {QStringLiteral("get"), QStringLiteral("node"), QStringLiteral("sim-node-3"),
                                        QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.uid}")};
        const QString uid = kubectl(uidOfNode3, &code);
        QVERIFY2(code == 0 && !uid.isEmpty(), qPrintable(uid));
        out = kubectl({QStringLiteral("delete"), QStringLiteral("node"), QStringLiteral("sim-node-3")}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(!(out = kubectl(uidOfNode3, &code)).isEmpty() && code == 0 && out != uid, 10'000);
        const QString newUid = out;
        const QStringList leaseOwner = {QStringLiteral("get"),
                                        QStringLiteral("lease"),
                                        QStringLiteral("-n"),
                                        QStringLiteral("kube-node-lease"),
                                        QStringLiteral("sim-node-3"),
                                        QStringLiteral("-o"),
                                        QStringLiteral("jsonpath={.metadata.ownerReferences[0].uid}")};
        QTRY_COMPARE_WITH_TIMEOUT(kubectl(leaseOwner, &code), newUid, 5'000); // its Lease under the new Node
        kubectl(
            {QStringLiteral("delete"), QStringLiteral("pod"), QStringLiteral("by-hand"), QStringLiteral("unplaced")},
            &code);
        QCOMPARE(code, 0);
    }

    // A nodeSelector picks the node; a cordoned node takes no new pod, and the scheduler says why
    // (the Event `kubectl describe pod` lists) until the node is uncordoned.
    void scheduler_followsNodeSelectorsAndCordons()
    {
        int code = -1;
        QString out;
        const QString onTwo = QStringLiteral("--overrides={\"apiVersion\":\"v1\",\"spec\":{\"nodeSelector\":{"
                                             "\"kubernetes.io/hostname\":\"sim-node-2\"}}}");
        const auto podNode = [&](const QString &pod) {
            return kubectl({QStringLiteral("get"), QStringLiteral("pod"), pod, QStringLiteral("-o"),
                            QStringLiteral("jsonpath={.status.phase} {.spec.nodeName}")},
                           &code);
        };
        out = kubectl({QStringLiteral("run"), QStringLiteral("picky"), QStringLiteral("--image=nginx"), onTwo}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(podNode(QStringLiteral("picky")), QStringLiteral("Running sim-node-2"), 10'000);
        out = kubectl({QStringLiteral("cordon"), QStringLiteral("sim-node-2")}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        out =
            kubectl({QStringLiteral("run"), QStringLiteral("waiting"), QStringLiteral("--image=nginx"), onTwo}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(
            kubectl({QStringLiteral("describe"), QStringLiteral("pod"), QStringLiteral("waiting")}, &code)
                .contains(QStringLiteral("0/3 nodes are available: 1 node(s) were unschedulable, "
                                         "2 node(s) didn't match Pod's node affinity/selector.")),
            10'000);
        QCOMPARE(podNode(QStringLiteral("waiting")), QStringLiteral("Pending "));
        out = kubectl({QStringLiteral("uncordon"), QStringLiteral("sim-node-2")}, &code);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(podNode(QStringLiteral("waiting")), QStringLiteral("Running sim-node-2"), 10'000);

        kubectl({QStringLiteral("delete"), QStringLiteral("pod"), QStringLiteral("picky"), QStringLiteral("waiting")},
                &code);
        QCOMPARE(code, 0);
    }

    // The columns kube-apiserver's printers give: Events say when, what and about which object (the
    // sim printed NAME and AGE only); -o wide shows a workload's images and selector, and a pod's
    // Age before its wide columns.
    void getEventsAndWide_printKubesColumns()
    {
        const QStringList ns = {QStringLiteral("-n"), QStringLiteral("demo")};
        int code = -1;
        const auto header = [](const QString &out) {
            return out.section(QLatin1Char('\n'), 0, 0)
                .split(QLatin1Char(' '), Qt::SkipEmptyParts)
                .join(QLatin1Char(' '));
        };
        QString out;
        QTRY_VERIFY_WITH_TIMEOUT(
            (out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("events")} + ns, &code))
                .contains(QStringLiteral("deployment/")),
            10'000);
        QCOMPARE(header(out), QStringLiteral("LAST SEEN TYPE REASON OBJECT MESSAGE"));
        QVERIFY2(out.contains(QStringLiteral("Normal")) && out.contains(QStringLiteral("ScalingReplicaSet")),
                 qPrintable(out));

        out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("catalog-blue"),
                                  QStringLiteral("-o"), QStringLiteral("wide")} +
                          ns,
                      &code);
        QCOMPARE(header(out), QStringLiteral("NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR"));
        QVERIFY2(out.contains(QStringLiteral(":v2.3.0")) && out.contains(QStringLiteral("app=catalog")),
                 qPrintable(out));
        out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("rs"), QStringLiteral("-l"),
                                  QStringLiteral("app=catalog"), QStringLiteral("-o"), QStringLiteral("wide")} +
                          ns,
                      &code);
        QCOMPARE(header(out), QStringLiteral("NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR"));
        // The Deployment names its ReplicaSet, not itself, as having progressed.
        const QString replicaSet = out.section(QLatin1Char('\n'), 1, 1).section(QLatin1Char(' '), 0, 0);
        QVERIFY2(replicaSet.startsWith(QStringLiteral("catalog-")), qPrintable(out));
        const QString deployment = replicaSet.section(QLatin1Char('-'), 0, 1);
        out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("deployment"), deployment, QStringLiteral("-o"),
                                  QStringLiteral("jsonpath={.status.conditions[?(@.type==\"Progressing\")].message}")} +
                          ns,
                      &code);
        QCOMPARE(out.trimmed(), QStringLiteral("ReplicaSet \"%1\" has successfully progressed.").arg(replicaSet));
        out = kubectl(QStringList{QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                  QStringLiteral("app=catalog"), QStringLiteral("-o"), QStringLiteral("wide")} +
                          ns,
                      &code);
        QCOMPARE(header(out), QStringLiteral("NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES"));
    }

    void get_readsEveryRouteKindAndArgosObjects()
    {
        int code = 0;
        const QString out = kubectl({QStringLiteral("get"),
                                     QStringLiteral("httproutes,virtualservices,trafficsplits,ingresses,rollouts"),
                                     QStringLiteral("-n"), QStringLiteral("demo")},
                                    &code);
        QVERIFY2(code == 0, qPrintable(out));
        for (const char *name :
             {"httproute.gateway.networking.k8s.io/catalog", "virtualservice.networking.istio.io/reviews",
              "trafficsplit.split.smi-spec.io/ratings", "ingress.networking.k8s.io/storefront-canary",
              "rollout.argoproj.io/payments", "rollout.argoproj.io/ledger"}) {
            QVERIFY2(out.contains(QLatin1String(name)), qPrintable(out));
        }
        // The Rollout's printer columns, and the ReplicaSets its controller made, by short name.
        QVERIFY2(out.contains(QStringLiteral("DESIRED")) && out.contains(QStringLiteral("UP-TO-DATE")),
                 qPrintable(out));
        const QString sets =
            kubectl({QStringLiteral("get"), QStringLiteral("rs"), QStringLiteral("-n"), QStringLiteral("demo"),
                     QStringLiteral("-l"), QStringLiteral("rollouts-pod-template-hash")},
                    &code);
        QVERIFY2(code == 0 && sets.contains(QStringLiteral("payments-")), qPrintable(sets));
        // Istio's older version names the same object.
        const QString beta =
            kubectl({QStringLiteral("get"), QStringLiteral("virtualservices.v1beta1.networking.istio.io"),
                     QStringLiteral("reviews"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("-o"),
                     QStringLiteral("jsonpath={.apiVersion}")},
                    &code);
        QCOMPARE(beta, QStringLiteral("networking.istio.io/v1beta1"));
        // Ingresses as kube-apiserver prints them (once only NAME and AGE).
        const QString ingresses = kubectl(
            {QStringLiteral("get"), QStringLiteral("ingresses"), QStringLiteral("-n"), QStringLiteral("demo")}, &code);
        QVERIFY2(code == 0 && ingresses.contains(QRegularExpression(
                                  QStringLiteral("NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE\n"
                                                 "storefront +nginx +storefront\\.demo\\.example +80 "))),
                 qPrintable(ingresses));
    }

    void patch_flipsTheServiceAndCurtainSeesItThroughTheWatch()
    {
        const Engine::SessionPtr session =
            Engine::Session::openEndpoint({QStringLiteral("sim"), m_kubectl.sim().url()});
        Engine::ReleaseEngine *engine = session->engine();
        const Test::ReleasesSeen changes(engine);
        engine->start();
        QTRY_VERIFY_WITH_TIMEOUT(!changes.all().isEmpty(), 10000);

        int code = 0;
        const QString out =
            kubectl({QStringLiteral("patch"), QStringLiteral("service"), QStringLiteral("checkout"),
                     QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("--type"), QStringLiteral("merge"),
                     QStringLiteral("-p"), QStringLiteral(R"({"spec":{"selector":{"curtain.dev/color":"green"}}})")},
                    &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("patched")), qPrintable(out));
        QElapsedTimer sincePatch;
        sincePatch.start();
        auto checkoutServesGreen = [&] {
            for (const Core::ReleaseSnapshots &releases : changes.all()) {
                for (const auto &release : releases) {
                    if (release.name == QLatin1String("checkout") && release.green.trafficPercent == 100) {
                        return true;
                    }
                }
            }
            return false;
        };
        // The issue's contract: visible within a second of kubectl returning.
        QTRY_VERIFY_WITH_TIMEOUT(checkoutServesGreen(), 1000);
        qInfo("kubectl patch → Curtain snapshot: %lld ms", sincePatch.elapsed());
    }

    // A flip to a smaller color is refused with the kubectl command that fixes it; on the demo that
    // command works (the /scale subresource), and the flip is then allowed.
    void scale_isTheWayOutOfACapacityRefusal()
    {
        const Engine::SessionPtr session =
            Engine::Session::openEndpoint({QStringLiteral("sim"), m_kubectl.sim().url()});
        Engine::ReleaseEngine *engine = session->engine();
        const Test::ReleasesSeen changes(engine);
        engine->start();
        const auto catalog = [&]() -> std::optional<Core::ReleaseSnapshot> {
            for (qsizetype i = changes.all().size() - 1; i >= 0; --i) {
                for (const auto &release : changes.all().at(i)) {
                    if (release.name == QLatin1String("catalog")) {
                        return release;
                    }
                }
            }
            return std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(catalog() && catalog()->green.readyReplicas == 2, 10000);
        const auto refused = Core::planAction(*catalog(), {Core::ActionKind::Flip, {}, 0, {}});
        QVERIFY(!refused.ok());
        const QString advice =
            refused.error().message.section(QStringLiteral("(or "), 1).section(QLatin1Char(')'), 0, 0);
        QCOMPARE(advice, QStringLiteral("kubectl scale deployment catalog-green --replicas=4 -n demo"));

        int code = 0;
        const QString out = kubectl(advice.split(QLatin1Char(' ')).mid(1), &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("deployment.apps/catalog-green scaled")), qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(catalog() && catalog()->green.readyReplicas == 4, 20000);
        QVERIFY(Core::planAction(*catalog(), {Core::ActionKind::Flip, {}, 0, {}}).ok());
        // The Scale reads back as kube-apiserver serves it.
        const QString scale = kubectl({QStringLiteral("get"), QStringLiteral("--raw"),
                                       QStringLiteral("/apis/apps/v1/namespaces/demo/deployments/catalog-green/scale")},
                                      &code);
        QVERIFY2(code == 0 && scale.contains(QStringLiteral(R"("kind":"Scale")")) &&
                     scale.contains(QStringLiteral(R"("spec":{"replicas":4})")),
                 qPrintable(scale));
    }

    // --sort-by on a field beyond metadata needs whole objects in the Table (includeObject=Object):
    // with metadata only, kubectl printed "No resources found" for 24 Events.
    void sortBy_aSpecField_listsEveryObject()
    {
        int code = 0;
        const QString out =
            kubectl({QStringLiteral("get"), QStringLiteral("deployments"), QStringLiteral("-n"), QStringLiteral("demo"),
                     QStringLiteral("--sort-by=.spec.replicas"), QStringLiteral("-o"),
                     QStringLiteral("custom-columns=NAME:.metadata.name,"
                                    "REPLICAS:.spec.replicas")},
                    &code);
        QVERIFY2(code == 0 && out.contains(QStringLiteral("catalog-blue")), qPrintable(out));
        QList<int> replicas;
        for (const QString &line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).mid(1)) {
            replicas << line.section(QLatin1Char(' '), -1).toInt();
        }
        QVERIFY2(replicas.size() > 5 && std::is_sorted(replicas.cbegin(), replicas.cend()), qPrintable(out));
        const QString events = kubectl({QStringLiteral("get"), QStringLiteral("events"), QStringLiteral("-n"),
                                        QStringLiteral("demo"), QStringLiteral("--sort-by=.lastTimestamp")},
                                       &code);
        QVERIFY2(code == 0 && !events.contains(QStringLiteral("No resources found")), qPrintable(events));
    }

    // A resource the server does not serve is a 404 whatever the verb (it was a 405 for a POST, so
    // `kubectl auth can-i --list` failed).
    void unservedResource_isNotFoundForEveryVerb()
    {
        httplib::Client sim("127.0.0.1", m_kubectl.sim().port());
        const auto posted = sim.Post("/api/v1/namespaces/demo/secrets", "{}", "application/json");
        QVERIFY(posted);
        QCOMPARE(posted->status, 404);
        const auto deleted = sim.Delete("/api/v1/namespaces/demo/secrets/x");
        QVERIFY(deleted);
        QCOMPARE(deleted->status, 404);
        // A review is a question to create, never a list to read (it answered 200 and an empty list).
        const auto reviews = sim.Get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        QVERIFY(reviews);
        QCOMPARE(reviews->status, 405);
        // And a Namespace is Active, as `kubectl describe ns` shows it (its Status was empty).
        int code = 0;
        QCOMPARE(kubectl({QStringLiteral("get"), QStringLiteral("namespace"), QStringLiteral("demo"),
                          QStringLiteral("-o"), QStringLiteral("jsonpath={.status.phase}")},
                         &code),
                 QStringLiteral("Active"));
    }
};

QTEST_GUILESS_MAIN(TestKubectl)
#include "tst_kubectl.moc"
