#include "engine/drivenplans.h"

namespace Curtain::Engine {

void DrivenPlans::endAll()
{
    for (const auto &[release, weak] : m_promises.asKeyValueRange()) {
        if (const auto promise = weak.lock(); promise && !promise->future().isFinished()) {
            promise->addResult(Core::makeError(
                Core::ErrorKind::Cancelled,
                QStringLiteral("the plan on %1 stopped being driven when this session closed (the context or namespace "
                               "changed): the candidate keeps the traffic the plan gave it, and nothing judges it "
                               "until someone presses Take over plan or runs curtainctl run again")
                    .arg(release)));
            promise->finish();
        }
    }
    m_promises.clear();
}

} // namespace Curtain::Engine
