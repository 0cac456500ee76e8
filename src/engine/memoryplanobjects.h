#pragma once

#include "engine/planlease.h"

#include <map>

namespace Curtain::Engine {

// The plan driver's Lease and progress kept in this process, with an API server's rules: get, create
// and merge patch with resourceVersions, 404 for a missing object, 409 for a write conditional on an
// old version. Where there is no API server to hold them (an HAProxy fleet), and in the plan runner's
// own tests. Two processes driving one fleet do not see each other's Lease.
class MemoryPlanObjects final : public PlanObjects
{
public:
    QFuture<Core::Result<Kube::Json>> get(const QString &path) override;
    QFuture<Core::Result<Kube::Json>> create(const QString &collectionPath, const QByteArray &body) override;
    QFuture<Core::Result<Kube::Json>> mergePatch(const QString &path, const QByteArray &body) override;

    void put(const QString &path, Kube::Json object); // as another client would write it
    Kube::Json object(const QString &path) const;     // null when there is none
    int writes = 0;                                   // creates and patches that were accepted

private:
    std::map<QString, Kube::Json> m_objects;
    long long m_version = 100;
};

} // namespace Curtain::Engine
