#pragma once

#include "engine/memoryplanobjects.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace Curtain::Engine {

// A fleet's plan Lease and progress in a file on this machine, with an API server's rules (those of
// MemoryPlanObjects), every read and write under a lock file: a console and curtainctl driving the
// same HAProxy fleet from this machine see each other's Lease, so only one of them drives a plan.
// Processes on other machines do not: HAProxy has nowhere to keep a Lease.
class FilePlanObjects final : public PlanObjects
{
public:
    explicit FilePlanObjects(QString file) : m_file(std::move(file)) {}

    QFuture<Core::Result<Kube::Json>> get(const QString &path) override;
    QFuture<Core::Result<Kube::Json>> create(const QString &collectionPath, const QByteArray &body) override;
    QFuture<Core::Result<Kube::Json>> mergePatch(const QString &path, const QByteArray &body) override;
    // Creates `object` at `path` unless something is there already.
    Core::Result<Core::Done> ensure(const QString &path, const Kube::Json &object);

    QString file() const { return m_file; }
    // Where the plans of a fleet (HAProxy::fleetIdentity) are kept: beside this machine's journal.
    static QString fileFor(const QString &fleetIdentity);

private:
    Core::Result<Kube::Json> locked(const std::function<Core::Result<Kube::Json>(MemoryPlanObjects &)> &operation);

    QString m_file;
};

// The file's text, and back. Its content comes from this program, but a file can be damaged: the
// error names what is wrong with it.
QByteArray writePlanObjects(const MemoryPlanObjects::State &state);
Core::Result<MemoryPlanObjects::State> readPlanObjects(const QByteArray &text);

} // namespace Curtain::Engine
