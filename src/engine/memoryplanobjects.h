#pragma once

#include "engine/planlease.h"

#include <map>

namespace Curtain::Engine {

// The plan driver's Lease and progress kept in memory, with an API server's rules: get, create and
// merge patch with resourceVersions, 404 for a missing object, 409 for a write conditional on an
// old version. FilePlanObjects keeps its state in a file for an HAProxy fleet; the plan runner's
// own tests use it as it is.
class MemoryPlanObjects final : public PlanObjects
{
public:
    QFuture<Core::Result<Kube::Json>> get(const QString &path) override;
    QFuture<Core::Result<Kube::Json>> create(const QString &collectionPath, const QByteArray &body) override;
    QFuture<Core::Result<Kube::Json>> mergePatch(const QString &path, const QByteArray &body) override;

    void put(const QString &path, Kube::Json object); // as another client would write it
    Kube::Json object(const QString &path) const;     // null when there is none
    int writes = 0;                                   // creates and patches that were accepted

    // Everything held, to keep it elsewhere (FilePlanObjects) and take it up again.
    struct State
    {
        std::map<QString, Kube::Json> objects;
        long long version = 100; // the last resourceVersion given
    };
    State state() const { return {m_objects, m_version}; }
    void restore(State state);

private:
    std::map<QString, Kube::Json> m_objects;
    long long m_version = 100;
};

} // namespace Curtain::Engine
