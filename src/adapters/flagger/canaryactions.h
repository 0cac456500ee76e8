#pragma once

#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/kubeclient.h"

namespace Curtain::Adapters::Flagger {

// One request of a Canary action: a POST to a flagger-loadtester gate through the API server's
// service proxy (answered 202), or a merge patch of the Canary conditional on its resourceVersion.
struct CanaryWrite
{
    bool gate = false; // a loadtester gate POST, else a patch
    QString path;
    QByteArray body;
    QString description; // "opened the gate at flagger-loadtester.test"
};

struct CanaryPlan
{
    QList<CanaryWrite> writes;
    // Sent after Flagger has passed the gate (or the wait is over): loadtester gates live in the
    // loadtester's memory and an open one would wave the next release through unasked.
    QList<CanaryWrite> closeAfter;
};

// The service-proxy path of a gate's endpoint: "open" or "close" of /gate or /rollback.
QString gateEndpoint(const Core::CanaryGate &gate, const QString &verb);

// The requests of Promote (open the gate that waits now), Rollback (the rollback gate, else
// status.failedChecks up to the threshold), Pause and Resume (spec.suspend) and CloseGates (close
// each of its loadtester gates, /gate and /rollback) on a Canary whose capability allows it; other
// actions are refused with the reason.
Core::Result<CanaryPlan> planCanaryAction(const Core::ReleaseSnapshot &release, const Core::ActionRequest &request);

} // namespace Curtain::Adapters::Flagger
