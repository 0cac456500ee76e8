#pragma once

#include "core/plan.h"
#include "core/result.h"

#include <QFuture>
#include <QHash>
#include <QPromise>
#include <QString>

#include <memory>

namespace Curtain::Engine {

// The plans an engine drives, each with the promise of whoever started it. An engine closed while
// one runs (a context or namespace switch) takes the plan's judge and Lease with it: end() tells the
// starter that the plan stopped being driven and where it was left, rather than dropping the promise
// without a result. Used on the engine's own thread only.
class DrivenPlans
{
public:
    using Promise = std::shared_ptr<QPromise<Core::Result<Core::PlanProgress>>>;

    DrivenPlans() = default;
    DrivenPlans(const DrivenPlans &) = delete;
    DrivenPlans &operator=(const DrivenPlans &) = delete;
    ~DrivenPlans() { endAll(); }

    void add(const QString &release, const Promise &promise) { m_promises.insert(release, promise); }
    void remove(const QString &release) { m_promises.remove(release); }
    // Every plan still driven ends with "stopped being driven when this session closed".
    void endAll();

private:
    QHash<QString, std::weak_ptr<QPromise<Core::Result<Core::PlanProgress>>>> m_promises;
};

} // namespace Curtain::Engine
