#include "adapters/flagger/canarystatus.h"

#include "kube/apinames.h"

#include <algorithm>
#include <climits>

namespace Curtain::Adapters::Flagger {

using Kube::Reader;

namespace {

int count(const Reader &field)
{
    return int(field.integer(0, 0, INT_MAX));
}

void readAnalysis(const Reader &analysis, Core::CanaryStatus &status)
{
    status.threshold = count(analysis.field("threshold"));
    status.maxWeight = count(analysis.field("maxWeight"));
    status.stepWeight = count(analysis.field("stepWeight"));
    for (const Reader &weight : analysis.field("stepWeights").items()) {
        status.stepWeights.append(int(weight.integer(0, 0, 100)));
    }
    status.analysisIterations = count(analysis.field("iterations"));
    status.interval = analysis.field("interval").string();
    for (const Reader &webhook : analysis.field("webhooks").items()) {
        const QString type = webhook.field("type").string(QStringLiteral("rollout"));
        std::optional<Core::CanaryGate> gate = Core::parseGateUrl(webhook.field("url").string(), status.namespaceName);
        if (gate) {
            gate->type = type;
            gate->name = webhook.field("name").string();
            status.gates.append(*gate);
        }
    }
}

} // namespace

Core::CanaryStatus readCanaryStatus(const Reader &canary)
{
    Core::CanaryStatus status;
    const Reader metadata = canary.field("metadata");
    status.name = metadata.field("name").string();
    status.namespaceName = metadata.field("namespace").string();
    const Reader spec = canary.field("spec");
    status.target = spec.field("targetRef").field("name").string();
    status.primary = status.target.isEmpty() ? QString() : status.target + QStringLiteral("-primary");
    status.suspended = spec.field("suspend").boolean();
    status.skipAnalysis = spec.field("skipAnalysis").boolean();
    // Flagger reads `analysis`; `canaryAnalysis` is the old name it still accepts.
    readAnalysis(spec.field("analysis").exists() ? spec.field("analysis") : spec.field("canaryAnalysis"), status);

    const Reader s = canary.field("status");
    status.phase = s.field("phase").string();
    status.canaryWeight = int(s.field("canaryWeight").integer(0, 0, 100));
    status.failedChecks = count(s.field("failedChecks"));
    // -1 while a stepWeight canary waits for promotion (analysis.iterations - 1): no count to show.
    status.iterations = std::max(0, int(s.field("iterations").integer(0, -1, INT_MAX)));
    status.lastAppliedSpec = s.field("lastAppliedSpec").string();
    status.lastPromotedSpec = s.field("lastPromotedSpec").string();
    status.lastTransitionTime = QDateTime::fromString(s.field("lastTransitionTime").string(), Qt::ISODate);
    for (const Reader &condition : s.field("conditions").items()) {
        if (condition.field("type").string() == QLatin1String("Promoted")) {
            status.promoted = condition.field("status").string();
            status.promotedMessage = condition.field("message").string();
        }
    }
    return status;
}

QString canaryPath(const QString &namespaceName, const QString &name)
{
    return QStringLiteral("/apis/flagger.app/v1beta1/namespaces/%1/canaries/%2")
        .arg(Kube::pathSegment(namespaceName), Kube::pathSegment(name));
}

} // namespace Curtain::Adapters::Flagger
