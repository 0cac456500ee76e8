#include "engine/auditor.h"

#include "core/displaytext.h"
#include "core/futures.h"
#include "kube/json.h"
#include "kube/kubeclient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSysInfo>
#include <QTimer>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>

namespace Curtain::Engine {

using Core::ErrorKind;

namespace {

constexpr auto reportingController = "curtain.dev/console";

// "applied"; "unchanged" when the action had nothing to write (the release was there already);
// "refused" when the cluster or Curtain said no before anything changed; "unconfirmed" when a write
// left and its effect is unknown; "failed" otherwise.
QString outcomeOf(const Core::Result<Core::ActionOutcome> &result)
{
    if (result.ok()) {
        if (!result.value().changed) {
            return QStringLiteral("unchanged");
        }
        return result.value().confirmed ? QStringLiteral("applied") : QStringLiteral("unconfirmed");
    }
    const Core::Error &error = result.error();
    if (error.kind == ErrorKind::NotConfirmed || error.requestSent) {
        return QStringLiteral("unconfirmed");
    }
    switch (error.kind) {
    case ErrorKind::Refused:
    case ErrorKind::InvalidInput:
    case ErrorKind::Forbidden:
    case ErrorKind::Unauthorized:
    case ErrorKind::Conflict:
    case ErrorKind::NotFound:
        return QStringLiteral("refused");
    default:
        return QStringLiteral("failed");
    }
}

// The Event's reason: what happened, in the CamelCase the cluster's controllers use.
QString reasonFor(Core::ActionKind kind, const QString &outcome)
{
    if (outcome == QLatin1String("refused")) {
        return QStringLiteral("ActionRefused");
    }
    if (outcome == QLatin1String("failed")) {
        return QStringLiteral("ActionFailed");
    }
    if (outcome == QLatin1String("unconfirmed")) {
        return QStringLiteral("ActionNotConfirmed");
    }
    if (outcome == QLatin1String("unchanged")) {
        return QStringLiteral("NothingToChange");
    }
    switch (kind) {
    case Core::ActionKind::SetWeight:
        return QStringLiteral("TrafficShifted");
    case Core::ActionKind::Promote:
    case Core::ActionKind::PromoteFull:
        return QStringLiteral("Promoted");
    case Core::ActionKind::Flip:
        return QStringLiteral("Flipped");
    case Core::ActionKind::Rollback:
    case Core::ActionKind::Abort:
        return QStringLiteral("RolledBack");
    default:
        return Core::eventActionName(Core::actionName(kind));
    }
}

QJsonObject weights(const Core::ReleaseSnapshot &release)
{
    return {{QStringLiteral("blue"), release.blue.trafficPercent},
            {QStringLiteral("green"), release.green.trafficPercent},
            {QStringLiteral("stable"), Core::colorName(release.stable)}};
}

// "gateway.networking.k8s.io/v1" from "/apis/gateway.networking.k8s.io/v1/namespaces/…", "v1" from "/api/v1/…".
QString apiVersionOf(const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.size() >= 3 && parts[0] == QLatin1String("apis")) {
        return parts[1] + QLatin1Char('/') + parts[2];
    }
    return parts.size() >= 2 ? parts[1] : QStringLiteral("v1");
}

// How the action came: "curtainctl" from a script or pipeline, "console" from a person at the GUI.
QString through()
{
    return QCoreApplication::applicationName() == QLatin1String("curtainctl") ? QStringLiteral("curtainctl")
                                                                              : QStringLiteral("console");
}

QString instanceName()
{
    return Core::shown(QSysInfo::machineHostName(), 100) + QLatin1Char('/') +
           QString::number(QCoreApplication::applicationPid());
}

QString microTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"));
}

QJsonObject toQt(const Kube::Json &json)
{
    return QJsonDocument::fromJson(
               QByteArray::fromStdString(json.dump(-1, ' ', false, Kube::Json::error_handler_t::replace)))
        .object();
}

} // namespace

Auditor::Auditor(Kube::KubeClient *client, const Core::ClusterEndpoint &endpoint, QObject *parent)
    : QObject(parent), m_client(client), m_context(endpoint.name), m_server(endpoint.server),
      m_kubeconfigUser(endpoint.userName), m_journalIndex(std::make_shared<JournalIndex>(m_journal.path(), m_server))
{
    m_actor = m_kubeconfigUser;
    m_actorSource = QStringLiteral("kubeconfig");
    if (m_actor.isEmpty()) {
        m_actor = QStringLiteral("local:") + qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
        m_actorSource = QStringLiteral("local user");
    }
}

void Auditor::start()
{
    m_askingWho = true; // records wait for the answer, so that they name the cluster's user
    const QByteArray review = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})";
    Core::onFinished(m_client->create(QStringLiteral("/apis/authentication.k8s.io/v1/selfsubjectreviews"), review),
                     this, [this](const Core::Result<Kube::Json> &answer) {
                         // Clusters before 1.28 do not serve it, and RBAC may refuse it: the
                         // kubeconfig user stands in then.
                         const QString user =
                             answer.ok() ? Kube::stringAt(answer.value(), "/status/userInfo/username") : QString();
                         if (!user.isEmpty()) {
                             m_actor = user;
                             m_actorSource = QStringLiteral("cluster");
                         }
                         flushWaiting();
                     });
}

Auditor::~Auditor()
{
    // Records still waiting for "who am I" go to the journal now, with the kubeconfig's user.
    m_askingWho = false;
    for (const Waiting &waiting : std::exchange(m_waiting, {})) {
        QJsonObject entry = waiting.entry;
        entry.insert(QStringLiteral("event"), QString()); // no Event was written
        stamp(entry, waiting.release, waiting.warning);
        if (const auto written = m_journal.append(entry); !written.ok()) {
            qWarning("curtain: %s", qPrintable(written.error().message));
        }
    }
}

void Auditor::flushWaiting()
{
    m_askingWho = false;
    for (const Waiting &waiting : std::exchange(m_waiting, {})) {
        record(waiting.entry, waiting.release, waiting.reason, waiting.warning);
    }
    settleIfDone();
}

void Auditor::recordAction(const Core::ActionRequest &request, const Core::ReleaseSnapshot *before,
                           const Core::Result<Core::ActionOutcome> &result)
{
    const QString outcome = outcomeOf(result);
    QJsonObject entry{{QStringLiteral("action"), Core::eventActionName(Core::actionName(request.kind))},
                      {QStringLiteral("outcome"), outcome},
                      {QStringLiteral("via"), request.fromPlan ? QStringLiteral("plan") : through()}};
    if (request.kind == Core::ActionKind::SetWeight) {
        entry.insert(QStringLiteral("weight"), request.weight);
    }
    if (result.ok()) {
        entry.insert(QStringLiteral("note"), Core::shown(result.value().summary, 400));
        entry.insert(QStringLiteral("before"), weights(result.value().before));
        entry.insert(QStringLiteral("after"), weights(result.value().after));
    } else {
        entry.insert(QStringLiteral("note"), Core::shown(result.error().message, 400));
    }
    const bool warning = outcome != QLatin1String("applied") && outcome != QLatin1String("unchanged");
    if (!before) {
        entry.insert(QStringLiteral("release"), Core::shown(request.release, 253));
        Core::ReleaseSnapshot unknown;
        unknown.name = request.release;
        record(entry, unknown, reasonFor(request.kind, outcome), warning);
        return;
    }
    if (!entry.contains(QLatin1String("before"))) {
        entry.insert(QStringLiteral("before"), weights(*before));
    }
    record(entry, *before, reasonFor(request.kind, outcome), warning);
}

void Auditor::recordPlan(const Core::ReleaseSnapshot &release, const QString &action, const QString &state,
                         const QString &note, bool warning)
{
    QJsonObject entry{{QStringLiteral("action"), action},
                      {QStringLiteral("outcome"), state},
                      {QStringLiteral("via"), QStringLiteral("plan")},
                      {QStringLiteral("note"), Core::shown(note, 400)}};
    record(entry, release, action, warning);
}

void Auditor::recordMigration(const Core::ReleaseSnapshot &release, const QString &reason, const QString &outcome,
                              const QString &note)
{
    QJsonObject entry{{QStringLiteral("action"), reason},
                      {QStringLiteral("outcome"), outcome},
                      {QStringLiteral("via"), through()},
                      {QStringLiteral("note"), Core::shown(note, 400)}};
    record(entry, release, reason, outcome != QLatin1String("applied") && outcome != QLatin1String("unchanged"));
}

void Auditor::record(QJsonObject entry, const Core::ReleaseSnapshot &release, const QString &reason, bool warning)
{
    if (!entry.contains(QLatin1String("time"))) {
        entry.insert(QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    }
    if (m_askingWho) {
        if (m_waiting.isEmpty()) {
            // A cluster that does not answer "who am I" must not keep the record from the journal.
            QTimer::singleShot(whoAmIWaitMs, this, &Auditor::flushWaiting);
        }
        m_waiting.append({entry, release, reason, warning});
        return;
    }
    const QDateTime now = QDateTime::fromString(entry.value(QLatin1String("time")).toString(), Qt::ISODateWithMs);
    const bool onCluster = !release.routeName.isEmpty() && !release.namespaceName.isEmpty();
    const QString eventName = onCluster ? QStringLiteral("%1.%2")
                                              .arg(release.routeName)
                                              .arg(qlonglong(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                                 std::chrono::system_clock::now().time_since_epoch())
                                                                 .count()),
                                                   0, 16)
                                        : QString();
    entry.insert(QStringLiteral("event"), eventName);
    stamp(entry, release, warning);
    if (const auto written = m_journal.append(entry); !written.ok()) {
        qWarning("curtain: %s", qPrintable(written.error().message));
    }
    if (!onCluster) {
        return;
    }
    QJsonObject regarding{{QStringLiteral("apiVersion"), apiVersionOf(release.routePath)},
                          {QStringLiteral("kind"), Core::routeObjectKind(release.routeKind)},
                          {QStringLiteral("name"), release.routeName},
                          {QStringLiteral("namespace"), release.namespaceName}};
    QJsonObject event{
        {QStringLiteral("apiVersion"), QStringLiteral("events.k8s.io/v1")},
        {QStringLiteral("kind"), QStringLiteral("Event")},
        {QStringLiteral("metadata"),
         QJsonObject{
             {QStringLiteral("name"), eventName},
             {QStringLiteral("namespace"), release.namespaceName},
             {QStringLiteral("annotations"),
              QJsonObject{{QStringLiteral("curtain.dev/user"), m_actor},
                          {QStringLiteral("curtain.dev/user-source"), m_actorSource},
                          {QStringLiteral("curtain.dev/release"), release.name},
                          {QStringLiteral("curtain.dev/via"), entry.value(QLatin1String("via")).toString()},
                          {QStringLiteral("curtain.dev/outcome"), entry.value(QLatin1String("outcome")).toString()}}}}},
        {QStringLiteral("eventTime"), microTime(now)},
        {QStringLiteral("reportingController"), QLatin1String(reportingController)},
        {QStringLiteral("reportingInstance"), instanceName()},
        {QStringLiteral("action"), entry.value(QLatin1String("action")).toString()},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("type"), warning ? QStringLiteral("Warning") : QStringLiteral("Normal")},
        {QStringLiteral("note"), entry.value(QLatin1String("note")).toString()},
        {QStringLiteral("regarding"), regarding}};
    const Core::Environment &candidate = release.environment(release.candidate());
    if (release.routeKind != Core::RouteKind::ArgoRollout && !candidate.deployment.isEmpty()) {
        event.insert(QStringLiteral("related"), QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
                                                            {QStringLiteral("kind"), QStringLiteral("Deployment")},
                                                            {QStringLiteral("name"), candidate.deployment},
                                                            {QStringLiteral("namespace"), release.namespaceName}});
    }
    ++m_pendingEvents;
    const QString collection = QStringLiteral("/apis/events.k8s.io/v1/namespaces/%1/events").arg(release.namespaceName);
    Core::onFinished(m_client->create(collection, QJsonDocument(event).toJson(QJsonDocument::Compact)), this,
                     [this, eventName](const Core::Result<Kube::Json> &answer) {
                         if (!answer.ok()) {
                             qWarning("curtain: the Event %s was not recorded on the cluster: %s",
                                      qPrintable(eventName), qPrintable(Core::shown(answer.error().message)));
                         }
                         eventAnswered();
                     });
}

// What every record carries: when, where, about what, and who.
void Auditor::stamp(QJsonObject &entry, const Core::ReleaseSnapshot &release, bool warning) const
{
    entry.insert(QStringLiteral("context"), m_context);
    entry.insert(QStringLiteral("server"), m_server);
    entry.insert(QStringLiteral("namespace"), release.namespaceName);
    if (!entry.contains(QLatin1String("release"))) {
        entry.insert(QStringLiteral("release"), release.name);
    }
    entry.insert(QStringLiteral("object"), release.routeName.isEmpty() ? QString()
                                                                       : Core::routeObjectKind(release.routeKind) +
                                                                             QLatin1Char('/') + release.routeName);
    entry.insert(QStringLiteral("user"), m_actor);
    entry.insert(QStringLiteral("userSource"), m_actorSource);
    entry.insert(QStringLiteral("kubeconfigUser"), m_kubeconfigUser);
    entry.insert(QStringLiteral("instance"), instanceName());
    entry.insert(QStringLiteral("type"), warning ? QStringLiteral("Warning") : QStringLiteral("Normal"));
}

void Auditor::eventAnswered()
{
    --m_pendingEvents;
    settleIfDone();
}

void Auditor::settleIfDone()
{
    if (m_pendingEvents > 0 || !m_waiting.isEmpty()) {
        return;
    }
    for (const auto &waiter : std::exchange(m_settledWaiters, {})) {
        waiter->addResult(Core::Done{});
        waiter->finish();
    }
}

QFuture<Core::Done> Auditor::settled()
{
    auto promise = std::make_shared<QPromise<Core::Done>>();
    promise->start();
    if (m_pendingEvents == 0 && m_waiting.isEmpty()) {
        promise->addResult(Core::Done{});
        promise->finish();
    } else {
        m_settledWaiters.append(promise);
    }
    return promise->future();
}

QFuture<Core::ReleaseHistory> Auditor::history(const Core::ReleaseSnapshot &release)
{
    auto promise = std::make_shared<QPromise<Core::ReleaseHistory>>();
    promise->start();
    auto history = std::make_shared<Core::ReleaseHistory>();
    auto journal = std::make_shared<QList<Core::HistoryEntry>>();
    // The route and both workloads: Curtain's Events, the controllers' (Argo's, Flagger's) and the
    // Deployments' scaling.
    QStringList objects;
    if (!release.routeName.isEmpty()) {
        objects.append(release.routeName);
    }
    for (const Core::Environment *environment : {&release.blue, &release.green}) {
        if (!environment->deployment.isEmpty() && !objects.contains(environment->deployment)) {
            objects.append(environment->deployment);
        }
    }
    auto cluster = std::make_shared<QList<Core::HistoryEntry>>();
    auto remaining = std::make_shared<int>(int(objects.size()) + 1); // the Events' reads and the journal's
    auto finishOne = [promise, history, cluster, remaining, journal, release]() {
        if (--*remaining > 0) {
            return;
        }
        for (Core::HistoryEntry &entry : *cluster) {
            entry.release = release.name;
            entry.namespaceName = release.namespaceName;
        }
        history->entries = Core::mergeHistory(*journal, *cluster);
        promise->addResult(*history);
        promise->finish();
    };
    const std::shared_ptr<JournalIndex> index = m_journalIndex;
    Core::onFinished(QtConcurrent::run([index, namespaceName = release.namespaceName, name = release.name] {
                         return index->entriesOf(namespaceName, name);
                     }),
                     this, [history, journal, finishOne](const JournalIndex::Found &found) {
                         history->journalProblem = found.problem;
                         *journal = found.entries;
                         finishOne();
                     });
    for (const QString &object : objects) {
        const QString path =
            QStringLiteral("/apis/events.k8s.io/v1/namespaces/%1/events?fieldSelector=%2&limit=500")
                .arg(release.namespaceName,
                     QString::fromUtf8(QUrl::toPercentEncoding(QStringLiteral("regarding.name=") + object)));
        Core::onFinished(m_client->get(path), this,
                         [history, cluster, finishOne](const Core::Result<Kube::Json> &answer) {
                             if (!answer.ok()) {
                                 history->clusterProblem = answer.error().message;
                             } else {
                                 const QJsonArray items = toQt(answer.value()).value(QLatin1String("items")).toArray();
                                 for (const QJsonValue &item : items) {
                                     if (item.isObject()) {
                                         cluster->append(Core::historyEntryFromEvent(item.toObject()));
                                     }
                                 }
                             }
                             finishOne();
                         });
    }
    return promise->future();
}

} // namespace Curtain::Engine
