#pragma once

#include "core/result.h"
#include "kube/json.h"

#include <QFuture>
#include <QObject>
#include <QString>

#include <functional>

namespace Curtain::Core {
class Clock;
}
namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

// The cluster objects a plan driver writes besides the route's weights: its Lease and the progress
// annotation on the route. A KubeClient on a cluster; an in-memory store with the API server's
// resourceVersion and 409 rules in unit tests.
class PlanObjects
{
public:
    PlanObjects() = default;
    virtual ~PlanObjects() = default;
    Q_DISABLE_COPY_MOVE(PlanObjects)

    virtual QFuture<Core::Result<Kube::Json>> get(const QString &path) = 0;
    virtual QFuture<Core::Result<Kube::Json>> create(const QString &collectionPath, const QByteArray &body) = 0;
    // A JSON merge patch; a metadata.resourceVersion in it makes the write conditional (409 when stale).
    virtual QFuture<Core::Result<Kube::Json>> mergePatch(const QString &path, const QByteArray &body) = 0;
};

class KubePlanObjects final : public PlanObjects
{
public:
    explicit KubePlanObjects(Kube::KubeClient *client) : m_client(client) {}
    QFuture<Core::Result<Kube::Json>> get(const QString &path) override;
    QFuture<Core::Result<Kube::Json>> create(const QString &collectionPath, const QByteArray &body) override;
    QFuture<Core::Result<Kube::Json>> mergePatch(const QString &path, const QByteArray &body) override;

private:
    Kube::KubeClient *m_client;
};

// Holds one release's coordination.k8s.io/v1 Lease (curtain-plan-RELEASE) for one plan driver: takes
// it when it is free or its holder has been silent longer than the Lease's duration, renews it, and
// gives it back. Every write is conditional on the version read, so two drivers cannot both win.
class PlanLease final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlanLease)

public:
    using Callback = std::function<void(const Core::Result<Core::Done> &)>;

    PlanLease(PlanObjects *objects, Core::Clock *clock, QString namespaceName, QString release, QString identity,
              int leaseSeconds, QObject *parent = nullptr);

    QString path() const;
    // Conflict, naming the holder, while another driver holds it and was heard from within its duration.
    void acquire(Callback done);
    bool renewDue() const; // a third of the duration has passed since the last renewal
    // Conflict when another driver took the Lease over meanwhile: this one must stop driving.
    void renew(Callback done);
    void release(std::function<void()> done);

private:
    Kube::Json spec(const QDateTime &now) const;
    void taken(const Core::Result<Kube::Json> &written, const Callback &done);

    PlanObjects *m_objects;
    Core::Clock *m_clock;
    QString m_namespace;
    QString m_release;
    QString m_identity;
    int m_leaseSeconds;
    QString m_version; // the Lease's resourceVersion as this driver last wrote it
    qint64 m_renewedMs = 0;
};

} // namespace Curtain::Engine
