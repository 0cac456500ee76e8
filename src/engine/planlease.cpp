#include "engine/planlease.h"

#include "core/clock.h"
#include "core/futures.h"
#include "kube/apinames.h"
#include "kube/kubeclient.h"

namespace Curtain::Engine {

using Core::Result;
using Kube::Json;

namespace {

QString microTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000Z"));
}

} // namespace

QFuture<Result<Json>> KubePlanObjects::get(const QString &path)
{
    return m_client->get(path);
}

QFuture<Result<Json>> KubePlanObjects::create(const QString &collectionPath, const QByteArray &body)
{
    return m_client->create(collectionPath, body);
}

QFuture<Result<Json>> KubePlanObjects::mergePatch(const QString &path, const QByteArray &body)
{
    return m_client->patch(path, Kube::PatchType::Merge, body);
}

PlanLease::PlanLease(PlanObjects *objects, Core::Clock *clock, QString namespaceName, QString release, QString identity,
                     int leaseSeconds, QObject *parent)
    : QObject(parent), m_objects(objects), m_clock(clock), m_namespace(std::move(namespaceName)),
      m_release(std::move(release)), m_identity(std::move(identity)), m_leaseSeconds(leaseSeconds)
{}

QString PlanLease::path() const
{
    return QStringLiteral("/apis/coordination.k8s.io/v1/namespaces/%1/leases/curtain-plan-%2")
        .arg(Kube::pathSegment(m_namespace), Kube::pathSegment(m_release));
}

Json PlanLease::spec(const QDateTime &now) const
{
    return {{"holderIdentity", m_identity.toStdString()},
            {"leaseDurationSeconds", m_leaseSeconds},
            {"acquireTime", microTime(now).toStdString()},
            {"renewTime", microTime(now).toStdString()}};
}

void PlanLease::taken(const Result<Json> &written, const Callback &done)
{
    if (!written.ok()) {
        return done(written.error());
    }
    m_version = Kube::stringAt(written.value(), "/metadata/resourceVersion");
    m_renewedMs = m_clock->nowMs();
    done(Core::Done{});
}

void PlanLease::acquire(Callback done)
{
    const QDateTime now = m_clock->now();
    Core::onFinished(m_objects->get(path()), this, [this, now, done](const Result<Json> &got) {
        auto taken = [this, done](const Result<Json> &written) { this->taken(written, done); };
        if (!got.ok() && got.error().httpStatus == 404) {
            const Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                                {"kind", "Lease"},
                                {"metadata",
                                 {{"name", QString(QStringLiteral("curtain-plan-") + m_release).toStdString()},
                                  {"namespace", m_namespace.toStdString()}}},
                                {"spec", spec(now)}};
            Core::onFinished(
                m_objects->create(path().section(QLatin1Char('/'), 0, -2), QByteArray::fromStdString(lease.dump())),
                this, taken);
            return;
        }
        if (!got.ok()) {
            return done(got.error());
        }
        const Json &lease = got.value();
        const QString holder = Kube::stringAt(lease, "/spec/holderIdentity");
        const QDateTime renewed = QDateTime::fromString(Kube::stringAt(lease, "/spec/renewTime"), Qt::ISODateWithMs);
        const int duration = int(Kube::intAt(lease, "/spec/leaseDurationSeconds", 15));
        const qint64 silentSeconds = renewed.isValid() ? renewed.secsTo(now) : 1'000'000;
        if (!holder.isEmpty() && holder != m_identity && silentSeconds < duration) {
            return done(Core::makeError(Core::ErrorKind::Conflict,
                                        QStringLiteral("%1's plan is driven by %2 (renewed %3 s ago); this console "
                                                       "stays read-only. Rollback still works.")
                                            .arg(m_release, holder)
                                            .arg(silentSeconds)));
        }
        // Conditional on the version we read: two consoles taking over at once cannot both win.
        Json body = spec(now);
        body["leaseTransitions"] = Kube::intAt(lease, "/spec/leaseTransitions", 0) + (holder == m_identity ? 0 : 1);
        const Json patch = {
            {"metadata", {{"resourceVersion", Kube::stringAt(lease, "/metadata/resourceVersion").toStdString()}}},
            {"spec", body}};
        Core::onFinished(m_objects->mergePatch(path(), QByteArray::fromStdString(patch.dump())), this, taken);
    });
}

bool PlanLease::renewDue() const
{
    return m_clock->nowMs() - m_renewedMs >= qint64(m_leaseSeconds) * 1000 / 3;
}

void PlanLease::renew(Callback done)
{
    const Json patch = {{"metadata", {{"resourceVersion", m_version.toStdString()}}},
                        {"spec", {{"renewTime", microTime(m_clock->now()).toStdString()}}}};
    m_renewedMs = m_clock->nowMs();
    Core::onFinished(m_objects->mergePatch(path(), QByteArray::fromStdString(patch.dump())), this,
                     [this, done](const Result<Json> &written) {
                         if (written.ok()) {
                             m_version = Kube::stringAt(written.value(), "/metadata/resourceVersion");
                             return done(Core::Done{});
                         }
                         if (written.error().httpStatus == 409) {
                             return done(Core::makeError(Core::ErrorKind::Conflict,
                                                         QStringLiteral("lost the plan's Lease to another driver; "
                                                                        "this console stopped driving %1")
                                                             .arg(m_release)));
                         }
                         done(written.error()); // a passing network problem: the next renewal tries again
                     });
}

void PlanLease::release(std::function<void()> done)
{
    const Json patch = {{"metadata", {{"resourceVersion", m_version.toStdString()}}},
                        {"spec", {{"holderIdentity", nullptr}}}};
    Core::onFinished(m_objects->mergePatch(path(), QByteArray::fromStdString(patch.dump())), this,
                     [done](const Result<Json> &) { done(); });
}

} // namespace Curtain::Engine
