#include "core/canary.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace Curtain::Core {

namespace {

const QStringList gatePaths = {QStringLiteral("/gate/check"), QStringLiteral("/gate/approve"),
                               QStringLiteral("/gate/halt"), QStringLiteral("/rollback/check")};

} // namespace

qint64 CanaryStatus::intervalMs() const
{
    static const QRegularExpression part(QStringLiteral("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)"));
    double total = 0; // summed before the bound is checked: "99999999999999999999h" overflows a qint64
    qsizetype at = 0;
    for (QRegularExpressionMatchIterator it = part.globalMatch(interval); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() != at) {
            return 60'000;
        }
        at = m.capturedEnd();
        const double unit = m.captured(2) == QLatin1String("ms")  ? 1
                            : m.captured(2) == QLatin1String("s") ? 1000
                            : m.captured(2) == QLatin1String("m") ? 60'000
                                                                  : 3'600'000;
        total += m.captured(1).toDouble() * unit;
    }
    // Bounded: a day is more than any analysis interval.
    return at == interval.size() && total >= 1 && total <= 86'400'000 ? qint64(total) : 60'000;
}

int CanaryStatus::routedWeight() const
{
    const bool waiting = phase == QLatin1String("WaitingPromotion");
    const bool promoting = phase == QLatin1String("Promoting");
    if (!waiting && !promoting) {
        return canaryWeight;
    }
    if (blueGreen()) {
        return promoting ? 100 : 0; // Flagger sends everything to the canary while it copies the spec
    }
    return std::min(100, stepWeights.isEmpty() ? (maxWeight > 0 ? maxWeight : 100) : stepWeights.back());
}

QString CanaryStatus::weightNote() const
{
    if (routedWeight() == canaryWeight) {
        return {};
    }
    return QStringLiteral("the route holds %1 % (Flagger writes status.canaryWeight 0 in %2)")
        .arg(routedWeight())
        .arg(phase);
}

bool CanaryStatus::inFlight() const
{
    static const QStringList phases = {QStringLiteral("Progressing"), QStringLiteral("Waiting"),
                                       QStringLiteral("WaitingPromotion"), QStringLiteral("Promoting"),
                                       QStringLiteral("Finalising")};
    return phases.contains(phase);
}

bool CanaryStatus::rollbackable() const
{
    return phase == QLatin1String("Progressing") || phase == QLatin1String("Waiting") ||
           phase == QLatin1String("WaitingPromotion");
}

QList<CanaryGate> CanaryStatus::gatesOf(const QString &type) const
{
    QList<CanaryGate> found;
    for (const CanaryGate &gate : gates) {
        if (gate.type == type && gate.isManual()) {
            found.append(gate);
        }
    }
    return found;
}

QString CanaryStatus::waitingFor() const
{
    const QString type = phase == QLatin1String("Waiting")            ? QStringLiteral("confirm-rollout")
                         : phase == QLatin1String("WaitingPromotion") ? QStringLiteral("confirm-promotion")
                                                                      : QString();
    if (type.isEmpty()) {
        return {};
    }
    const QList<CanaryGate> manual = gatesOf(type);
    if (manual.isEmpty()) {
        return QStringLiteral("%1 (a webhook Curtain cannot open)").arg(type);
    }
    return QStringLiteral("%1 (gate at %2.%3)").arg(type, manual.front().serviceName, manual.front().serviceNamespace);
}

QString CanaryStatus::summary() const
{
    QStringList parts{phase.isEmpty() ? QStringLiteral("not initialized by Flagger yet") : phase};
    if (suspended) {
        parts << QStringLiteral("suspended");
    }
    if (blueGreen()) {
        parts << QStringLiteral("iteration %1 of %2").arg(iterations).arg(analysisIterations);
    } else {
        const int top = stepWeights.isEmpty() ? maxWeight : stepWeights.back();
        parts << (top > 0 ? QStringLiteral("weight %1 % of %2").arg(routedWeight()).arg(top)
                          : QStringLiteral("weight %1 %").arg(routedWeight()));
    }
    parts << QStringLiteral("failed checks %1/%2").arg(failedChecks).arg(threshold);
    if (const QString waiting = waitingFor(); !waiting.isEmpty()) {
        parts << QStringLiteral("waits for %1").arg(waiting);
    }
    return parts.join(QStringLiteral(" · "));
}

std::optional<CanaryGate> parseGateUrl(const QString &url, const QString &defaultNamespace)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))) {
        return std::nullopt;
    }
    const QString path = parsed.path().endsWith(QLatin1Char('/')) ? parsed.path().chopped(1) : parsed.path();
    if (!gatePaths.contains(path)) {
        return std::nullopt;
    }
    // service, service.namespace, service.namespace.svc[.cluster.local]
    const QStringList host = parsed.host().split(QLatin1Char('.'));
    if (host.isEmpty() || host.front().isEmpty() || (host.size() > 2 && host[2] != QLatin1String("svc"))) {
        return std::nullopt;
    }
    CanaryGate gate;
    gate.url = url;
    gate.serviceName = host.front();
    gate.serviceNamespace = host.size() > 1 ? host[1] : defaultNamespace;
    gate.servicePort = parsed.port() > 0 ? QString::number(parsed.port()) : QString();
    gate.path = path;
    return gate;
}

} // namespace Curtain::Core
