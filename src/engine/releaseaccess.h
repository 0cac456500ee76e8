#pragma once

#include "core/action.h"
#include "core/release.h"
#include "core/result.h"

#include <QFuture>
#include <QString>

namespace Curtain::Engine {

// What a plan needs of the cluster's releases: how one looks now, and a way to act on it. The
// ReleaseEngine is one; a test gives a fake, so the plan's step machine runs without a cluster.
// Both are called on the implementer's thread.
class ReleaseAccess
{
public:
    ReleaseAccess() = default;
    virtual ~ReleaseAccess() = default;
    Q_DISABLE_COPY_MOVE(ReleaseAccess)

    // The release by name or NAMESPACE/NAME; NotFound (or an ambiguity) otherwise.
    virtual Core::Result<Core::ReleaseSnapshot> currentRelease(const QString &key) const = 0;
    // The same conditional write + read-back the console's buttons use.
    virtual QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) = 0;
};

} // namespace Curtain::Engine
